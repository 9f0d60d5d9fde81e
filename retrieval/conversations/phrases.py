"""The parts of a short question: its question word, its phrases, and what may replace them."""

import re
from dataclasses import dataclass
from typing import Literal

from retrieval.text.query import STOP_WORDS

Kind = Literal["wh", "preposition", "noun"]

QUESTION_WORDS = frozenset("what which who whom whose when where why how".split())  # noqa: SIM905
AUXILIARIES = frozenset(
    """do does did is are was were has have had can could will would should may might
    must""".split()  # noqa: SIM905
)
PREPOSITIONS = frozenset(
    """in at on from to for with without by about during since before after into onto across
    inside outside within near between among against over under through via of as like
    throughout toward towards around beyond per""".split()  # noqa: SIM905
)
DETERMINERS = frozenset("the a an this that these those its their his her our my your".split())  # noqa: SIM905
REFERRING = frozenset(
    "it its they them their theirs those these that this there he him his she her".split()  # noqa: SIM905
)
# "how many", "how long"…: one question phrase, not a question word and a content word.
HOW_WHAT = frozenset("many much long old often far big large".split())  # noqa: SIM905
_FUNCTION = STOP_WORDS | QUESTION_WORDS | AUXILIARIES | PREPOSITIONS | DETERMINERS
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
MAX_PHRASE_WORDS = 4


@dataclass(frozen=True)
class Token:
    """A word of the question with its offsets."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        """The word in lower case."""
        return self.text.lower()

    @property
    def content(self) -> bool:
        """Whether the word carries meaning (not a question word, preposition, article…)."""
        return self.lower not in _FUNCTION


@dataclass(frozen=True)
class Phrase:
    """A span of the question that a follow-up may replace; `core` is what it is about."""

    kind: Kind
    start: int
    end: int
    text: str
    core: str
    leading: bool = False  # in the question's first run of content words (often its subject)


def tokens(text: str) -> list[Token]:
    """The words of a text, with offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def question_phrase(text: str) -> Phrase | None:
    """The leading question word ("when", "how many"), if the text has one."""
    words = tokens(text)
    for n, word in enumerate(words[:3]):  # "In what year…", "And when…"
        if word.lower in QUESTION_WORDS:
            last = n + 1 if (word.lower == "how" and _next_is_how_what(words, n)) else n
            start, end = word.start, words[last].end
            return Phrase("wh", start, end, text[start:end], text[start:end].lower())
    return None


def _next_is_how_what(words: list[Token], n: int) -> bool:
    """Whether "how" at n is followed by "many", "much"…"""
    return n + 1 < len(words) and words[n + 1].lower in HOW_WHAT


def candidates(text: str) -> list[Phrase]:
    """The phrases of a question a follow-up could swap: prepositional phrases, and noun phrases.

    Without a part-of-speech tagger a run of content words may hold a verb ("cartels use social
    networks"), so noun phrases are taken from either end of a run, never from its middle.
    """
    words = tokens(text)
    wh = question_phrase(text)
    found: list[Phrase] = []
    for number, (first, last) in enumerate(_content_runs(words, wh.end if wh else 0)):
        lead = _determiners_before(words, first)
        if lead > 0 and words[lead - 1].lower in PREPOSITIONS:
            found.append(_phrase(text, "preposition", words, (lead - 1, last), first))
        ends = {(lead, j) for j in range(first, last + 1)} | {
            (i, last) for i in range(first + 1, last + 1)
        }
        for span in sorted(ends):
            if span[1] - span[0] < MAX_PHRASE_WORDS and not _splits_a_name(words, span):
                core = first if span[0] == lead else span[0]
                found.append(
                    _phrase(text, "noun", words, span, core, number == 0 and core == first)
                )
    return found


def prepositions(text: str) -> list[Phrase]:
    """The question's prepositions, each as a phrase a lone follow-up ("and after?") may swap."""
    return [
        Phrase("preposition", w.start, w.end, w.text, w.lower)
        for w in tokens(text)
        if w.lower in PREPOSITIONS
    ]


def _splits_a_name(words: list[Token], span: tuple[int, int]) -> bool:
    """Whether a span cuts through a name ("Friedrich" out of "Friedrich Ratzel")."""
    first, last = span
    capital = [word.content and word.text[:1].isupper() for word in words]
    cut_before = first > 0 and capital[first - 1] and capital[first]
    cut_after = last + 1 < len(words) and capital[last] and capital[last + 1]
    return cut_before or cut_after


def _content_runs(words: list[Token], skip_before: int) -> list[tuple[int, int]]:
    """Index ranges (first, last) of maximal runs of content words after the question phrase."""
    runs: list[tuple[int, int]] = []
    first: int | None = None
    for n, word in enumerate([*words, None]):
        inside = word is not None and word.start >= skip_before and word.content
        if inside and first is None:
            first = n
        elif not inside and first is not None:
            runs.append((first, n - 1))
            first = None
    return runs


def _determiners_before(words: list[Token], first: int) -> int:
    """Where a run starts once the articles or possessives just before it are included."""
    while first > 0 and words[first - 1].lower in DETERMINERS:
        first -= 1
    return first


def _phrase(
    text: str,
    kind: Kind,
    words: list[Token],
    span: tuple[int, int],
    core: int,
    leading: bool = False,
) -> Phrase:
    """The phrase over words span[0]..span[1]; what it is about starts at word `core`."""
    start, end = words[span[0]].start, words[span[1]].end
    return Phrase(kind, start, end, text[start:end], text[words[core].start : end], leading)
