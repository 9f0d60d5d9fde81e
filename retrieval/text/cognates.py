"""Cognates: a word another language shares with the collection, spelt a little differently.

Apertium leaves the words it does not know untranslated, and many are technical words that both
languages share ("intercepciones", "hugonotes"): the collection's closest indexed word that starts
the same way and is spelt alike ("intercept", "huguenot") stands in for them.
"""

from collections.abc import Iterable
from difflib import SequenceMatcher

MIN_LENGTH = 5  # shorter words are too easily alike
PREFIX = 3  # cognates share their first letters
MIN_SIMILARITY = 0.8  # difflib's ratio between the two stems


def closest(stem: str, candidates: Iterable[tuple[str, int]]) -> str | None:
    """The candidate term (with its document count) spelt most like a stem, if alike enough."""
    best: tuple[float, int, str] | None = None
    for term, documents in candidates:
        ratio = SequenceMatcher(None, stem, term).ratio()
        if ratio >= MIN_SIMILARITY and (best is None or (ratio, documents) > best[:2]):
            best = (ratio, documents, term)
    return best[2] if best else None
