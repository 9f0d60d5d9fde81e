"""Sentence boundaries with character offsets, tuned for news prose."""

import re
from collections.abc import Iterator

Span = tuple[int, int]

# Words that end with a period without ending the sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st sen rep gov gen lt col capt sgt maj adm cmdr jr sr inc ltd co corp
    dept univ assn bros vs etc al approx est fig no nos vol op jan feb mar apr jun jul aug
    sep sept oct nov dec mt ft ave blvd rd hon rev messrs gens pres supt""".split()  # noqa: SIM905
)

_LINE = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])"
)
_LAST_WORD = re.compile(r"([\w.&-]+)[.!?\u2026]*$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?$")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Return (start, end) offsets of the sentences in text[start:end], whitespace trimmed."""
    stop = len(text) if end is None else end
    spans: list[Span] = []
    for line in _LINE.finditer(text, start, stop):
        spans.extend(_split_line(text, line.start(), line.end()))
    return spans


def _split_line(text: str, start: int, end: int) -> Iterator[Span]:
    """Split one line (no newlines) into trimmed sentence spans."""
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text[cursor : match.start() + 1]):
            continue
        span = _trim(text, cursor, match.end())
        if span:
            yield span
        cursor = match.end()
    span = _trim(text, cursor, end)
    if span:
        yield span


def _is_abbreviation(head: str) -> bool:
    """Tell whether the period closing `head` belongs to an abbreviation or initial."""
    if not head.endswith("."):
        return False
    match = _LAST_WORD.search(head)
    if not match:
        return False
    word = match.group(1)
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS:
        return True
    if len(bare) == 1 and bare.isalpha():  # an initial: "John F. Kennedy"
        return True
    return bool(_INITIALISM.fullmatch(word)) and len(word) <= 6  # "U.S.", "D.C."


def _trim(text: str, start: int, end: int) -> Span | None:
    """Shrink a span past surrounding whitespace; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
