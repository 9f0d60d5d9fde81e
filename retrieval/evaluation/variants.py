"""Questions rewritten from SQuAD, reproducibly from a seed: near-topic ones and misspelt ones.

Near-topic: the question's key name or noun, the run of capitalised words (else the single
word) rarest in the collection, is replaced by a word that no article uses, drawn from the
embedding model's WordPiece vocabulary (whole English words and names that are not pieces of
others), capitalised when the replaced words were. The topic stays; the thing asked about is
gone: "Which NFL team represented the AFC at Super Bowl 50?" becomes "Which NFL team represented
the Rosario at Super Bowl 50?" (seed 11).

Misspelt: the question's rarest word of five letters or more gets one random edit (a letter
dropped, doubled, swapped with the next, or replaced by a neighbour on the keyboard).
"""

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.text.query import STOP_WORDS, stems

_TOKEN = re.compile(r"[^\W_]+")
_POOL_WORD = re.compile(r"[a-z]{5,}")
_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


@dataclass(frozen=True)
class Rewrite:
    """A question rewritten: the new text, the words taken out and the words put in."""

    text: str
    replaced: str
    replacement: str


def vocabulary_words(vocab_file: Path) -> list[str]:
    """The whole words of a WordPiece vocabulary file, five letters or more."""
    words = (line.strip() for line in vocab_file.read_text(encoding="utf-8").splitlines())
    return sorted({word for word in words if _POOL_WORD.fullmatch(word)})


def unused(words: Sequence[str], frequencies: Mapping[str, int]) -> list[str]:
    """The words no article uses in any form (no article has their stem)."""
    return [word for word in words if _count(word, frequencies) == 0]


def near_topic(
    question: str, frequencies: Mapping[str, int], pool: Sequence[str], rng: random.Random
) -> Rewrite | None:
    """The question with its key name (or rarest word) replaced by a word from the pool."""
    tokens = list(_TOKEN.finditer(question))
    spans = _names(tokens) or [(i, i + 1) for i in range(len(tokens)) if _content(tokens[i])]
    spans = [span for span in spans if _rarity(tokens, span, frequencies) is not None]
    if not spans or not pool:
        return None
    rarity = {span: _rarity(tokens, span, frequencies) for span in spans}
    first, last = min(spans, key=lambda span: (rarity[span] or 0, span))
    start, end = tokens[first].start(), tokens[last - 1].end()
    word = rng.choice(pool)
    if question[start].isupper():
        word = word.capitalize()
    return Rewrite(question[:start] + word + question[end:], question[start:end], word)


def misspelt(question: str, frequencies: Mapping[str, int], rng: random.Random) -> Rewrite | None:
    """The question with its rarest long word given one typing mistake."""
    words = [m for m in _TOKEN.finditer(question) if m.group().isalpha() and len(m.group()) >= 5]
    words = [m for m in words if m.group().lower() not in STOP_WORDS]
    if not words:
        return None
    target = min(words, key=lambda m: (_count(m.group(), frequencies), m.start()))
    typed = _typo(target.group(), rng)
    return Rewrite(
        question[: target.start()] + typed + question[target.end() :], target.group(), typed
    )


def _names(tokens: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Runs of capitalised words or numbers, leaving out the question's first word."""
    spans: list[tuple[int, int]] = []
    index = 1
    while index < len(tokens):
        if tokens[index].group()[0].isupper():
            end = index + 1
            while end < len(tokens) and (
                tokens[end].group()[0].isupper() or tokens[end].group().isdigit()
            ):
                end += 1
            spans.append((index, end))
            index = end
        else:
            index += 1
    return spans


def _content(token: re.Match[str]) -> bool:
    """Whether a word says something: not a stop word, not a number, three letters or more."""
    word = token.group()
    return word.isalpha() and len(word) >= 3 and word.lower() not in STOP_WORDS


def _rarity(
    tokens: list[re.Match[str]], span: tuple[int, int], frequencies: Mapping[str, int]
) -> int | None:
    """How many articles use the span's rarest content word (None when it has none)."""
    counts = [_count(tokens[i].group(), frequencies) for i in range(*span) if _content(tokens[i])]
    return min(counts) if counts else None


def _count(word: str, frequencies: Mapping[str, int]) -> int:
    """How many articles use a word's stem."""
    return min((frequencies.get(stem, 0) for stem in stems(word)), default=0)


def _typo(word: str, rng: random.Random) -> str:
    """One typing mistake inside a word (never its first letter)."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "neighbour"))
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    if kind == "swap" and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    row = next((row for row in _KEYBOARD if word[at].lower() in row), None)
    if row is None:
        return word[:at] + word[at + 1 :]
    index = row.index(word[at].lower())
    near = (
        row[index - 1]
        if index and (index == len(row) - 1 or rng.random() < 0.5)
        else row[index + 1]
    )
    return word[:at] + near + word[at + 1 :]
