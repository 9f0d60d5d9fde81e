"""Sentence boundaries with character offsets, tuned for news prose in English and Spanish."""

import re
from collections.abc import Iterator

Span = tuple[int, int]

# Words that end with a period without ending the sentence, per language.
ABBREVIATIONS = {
    "en": frozenset(
        """mr mrs ms dr prof st sen rep gov gen lt col capt sgt maj adm cmdr jr sr inc ltd co corp
        dept univ assn bros vs etc al approx est fig no nos vol op jan feb mar apr jun jul aug
        sep sept oct nov dec mt ft ave blvd rd hon rev messrs gens pres supt""".split()  # noqa: SIM905
    ),
    "es": frozenset(
        """sr sres sra sras srta dr dra dres drs lic ing arq prof profa gral gob dip sen pdte pdta
        pte presid av avda col núm nro nº pág págs art arts cap caps ej etc aprox dpto depto
        admón cía tel fig vol vols ed eds ud uds vd vds lda ltda cf vs mons fr sto sta ene
        feb abr jun jul ago sep sept oct nov dic mín máx apdo""".split()  # noqa: SIM905
    ),
}

_LINE = re.compile(r"[^\n]+")
# A sentence ends at . ! ? or … (and closing quotes or brackets) before a capital or a digit,
# which may open with a quote, a bracket, or Spanish ¿ ¡ and «.
_BOUNDARY = re.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019)\]\u00bb]*"
    r"(?=\s+[\"'\u201c\u2018(\[\u00bf\u00a1\u00ab\u2014-]?[A-Z0-9\u00c0-\u024f])"
)
_LAST_WORD = re.compile(r"([\w.&-]+)[.!?\u2026]*$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?$")
_DOUBLED = re.compile(r"(?:[A-Z]{2}\.)+$")  # Spanish plurals of initials: "EE.UU.", "FF.AA."


def split_sentences(
    text: str, start: int = 0, end: int | None = None, language: str = "en"
) -> list[Span]:
    """Return (start, end) offsets of the sentences in text[start:end], whitespace trimmed."""
    stop = len(text) if end is None else end
    abbreviations = ABBREVIATIONS.get(language, ABBREVIATIONS["en"])
    spans: list[Span] = []
    for line in _LINE.finditer(text, start, stop):
        spans.extend(_split_line(text, line.start(), line.end(), abbreviations))
    return spans


def _split_line(text: str, start: int, end: int, abbreviations: frozenset[str]) -> Iterator[Span]:
    """Split one line (no newlines) into trimmed sentence spans."""
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text[cursor : match.start() + 1], abbreviations):
            continue
        span = _trim(text, cursor, match.end())
        if span:
            yield span
        cursor = match.end()
    span = _trim(text, cursor, end)
    if span:
        yield span


def _is_abbreviation(head: str, abbreviations: frozenset[str]) -> bool:
    """Tell whether the period closing `head` belongs to an abbreviation or initial."""
    if not head.endswith("."):
        return False
    match = _LAST_WORD.search(head)
    if not match:
        return False
    word = match.group(1)
    bare = word.rstrip(".").lower()
    if bare in abbreviations:
        return True
    if len(bare) == 1 and bare.isalpha():  # an initial: "John F. Kennedy"
        return True
    if _DOUBLED.fullmatch(word):
        return True
    return bool(_INITIALISM.fullmatch(word)) and len(word) <= 6  # "U.S.", "D.C."


def _trim(text: str, start: int, end: int) -> Span | None:
    """Shrink a span past surrounding whitespace; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
