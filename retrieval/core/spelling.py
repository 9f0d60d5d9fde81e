"""Typos: a question word that no article uses is read as the nearest word the articles use."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from retrieval.text.query import STOP_WORDS, stems

_WORD = re.compile(r"[^\W\d_]+")

# Words shorter than this are left alone: too many known words lie one edit away from them.
MIN_LENGTH = 4
LONG_WORD = 8  # from this length on, two edits may be corrected; shorter words get one

Nearest = Callable[[str, int], str | None]


@dataclass(frozen=True)
class Reading:
    """A question as it is searched, and the words corrected on the way (typed -> known)."""

    text: str
    corrections: tuple[tuple[str, str], ...] = ()


def correct(question: str, frequencies: Mapping[str, int], nearest: Nearest) -> Reading:
    """The question with each unknown word replaced by the nearest known word, if one is near.

    `frequencies` gives how many articles use each stem of the question; `nearest(word, edits)`
    finds the known word at most `edits` edits away.
    """
    parts: list[str] = []
    corrections: dict[str, str] = {}
    cursor = 0
    for match in _WORD.finditer(question):
        typed = match.group()
        word = typed.lower()
        if len(word) < MIN_LENGTH or word in STOP_WORDS or _known(word, frequencies):
            continue
        found = nearest(word, 2 if len(word) >= LONG_WORD else 1)
        if found is None or found == word:
            continue
        corrections[typed] = found.capitalize() if typed[0].isupper() else found
        parts += [question[cursor : match.start()], corrections[typed]]
        cursor = match.end()
    if not corrections:
        return Reading(question)
    return Reading("".join([*parts, question[cursor:]]), tuple(corrections.items()))


def _known(word: str, frequencies: Mapping[str, int]) -> bool:
    """Whether some article uses the word (any form with the same stem)."""
    return any(frequencies.get(stem, 0) > 0 for stem in stems(word))
