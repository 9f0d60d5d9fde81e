"""User text to FTS5 syntax: every word quoted, so no user text is ever read as query syntax."""

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

MAX_TERMS = 1000

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t don""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("porter")  # the same Porter algorithm as FTS5's tokenizer
_STEMMER_LOCK = threading.Lock()


def terms(text: str) -> list[str]:
    """The distinct searchable words of a text, lower-cased, stop words left out, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOP_WORDS and word not in seen:
            seen[word] = None
            if len(seen) == MAX_TERMS:
                break
    return list(seen)


def fts_expression(text: str) -> str | None:
    """An FTS5 expression matching any of the text's words, or None when it has none."""
    words = terms(text)
    if not words:
        return None
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in words)


def fold(text: str) -> str:
    """Text lower-cased and without accents, as FTS5's tokenizer compares words."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def stems(text: str) -> list[str]:
    """The words of a text as FTS5's porter tokenizer indexes them: folded, lower-cased, stemmed."""
    return [_stem(word) for word in _WORD.findall(fold(text))]


@lru_cache(maxsize=1 << 18)
def _stem(word: str) -> str:
    """One word's Porter stem; the stemmer keeps state, so calls are serialised."""
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def query_stems(text: str) -> list[str]:
    """The distinct stems of a query's searchable words."""
    return list(dict.fromkeys(stems(" ".join(terms(text)))))


def word_stems(text: str) -> dict[str, str]:
    """Each distinct word of a text, lower-cased, with its stem as the full-text index has it."""
    found: dict[str, str] = {}
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        stem = stems(word)
        if len(stem) == 1:
            found[word] = stem[0]
    return found
