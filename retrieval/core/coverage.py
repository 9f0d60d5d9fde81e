"""Which words carry a question's meaning, and how much of it one source's sentences cover."""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.text.query import STOP_WORDS, stems

_WORD = re.compile(r"[^\W_]+")

# Words that shape a question without saying what it is about.
FRAMING_WORDS = frozenset(
    """say said says saying tell told describe described explain explained mention mentioned
    mentions called call calls name named many much kind kinds type types sort one also like
    happen happened happens according""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class QuestionWord:
    """A word of the question that says what it is about, and how many articles use it."""

    text: str  # as the user wrote it
    stem: str
    articles: int
    start: int  # where it stands in the question
    end: int

    def weight(self, collection: int) -> float:
        """How telling the word is: the rarer in the collection, the more (inverse frequency)."""
        return math.log((collection + 1) / (self.articles + 0.5))


def question_words(question: str, frequencies: Mapping[str, int]) -> list[QuestionWord]:
    """The question's words that say what it is about: not stop words, not framing words."""
    found: dict[str, QuestionWord] = {}
    for match in _WORD.finditer(question):
        word = match.group().lower()
        if word in STOP_WORDS or word in FRAMING_WORDS:
            continue
        stem = stems(word)
        if len(stem) == 1 and stem[0] not in found:
            count = frequencies.get(stem[0], 0)
            found[stem[0]] = QuestionWord(match.group(), stem[0], count, match.start(), match.end())
    return list(found.values())


def key(word: QuestionWord, collection: int, rare_share: float) -> bool:
    """Whether a word is rare enough to name in what an answer covers or misses.

    In a collection of a few articles every word counts: there is no telling rarity there.
    """
    return word.articles <= max(rare_share * collection, 3.0)


def joint_coverage(
    words: Sequence[QuestionWord], sources: Sequence[frozenset[str]], collection: int
) -> tuple[float, int]:
    """The largest share of the words' weight that one source (a set of stems) contains, and
    which source that is; -1 when there is none."""
    total = sum(word.weight(collection) for word in words)
    if not sources or total <= 0:
        return 0.0, -1
    shares = [
        sum(word.weight(collection) for word in words if word.stem in source) / total
        for source in sources
    ]
    best = int(np.argmax(shares))
    return shares[best], best


def without(question: str, word: QuestionWord) -> str:
    """The question with one of its words left out."""
    return " ".join((question[: word.start] + question[word.end :]).split())


def unanswered(
    question: np.ndarray, ablated: np.ndarray, sentences: np.ndarray, margin: float
) -> bool:
    """Whether the question hinges on a word that no sentence speaks to, by meaning.

    `ablated` is the question's vector with the word left out. Leaving out a word the question
    turns on moves its vector away (1 - cosine); a sentence that speaks to the word becomes
    less similar to the question without it. The word is unanswered when the first exceeds the
    second by `margin`.
    """
    centrality = 1.0 - float(question @ ablated)
    spoken = float(np.max(sentences @ question - sentences @ ablated)) if len(sentences) else 0.0
    return centrality - spoken >= margin
