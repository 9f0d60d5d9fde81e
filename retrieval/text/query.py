"""A query's words: searchable terms without stop words, and stems for scoring sentences."""

import re
import threading
import unicodedata

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
_STEMS: dict[str, str] = {}
# Combining marks left by NFKD decomposition: "ö" becomes "o" + U+0308, then "o".
COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def terms(text: str) -> list[str]:
    """The distinct searchable words of a text, lower-cased, stop words left out, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOP_WORDS and word not in seen:
            seen[word] = None
            if len(seen) == MAX_TERMS:
                break
    return list(seen)


def fold(text: str) -> str:
    """Lower-cased, without diacritics ("Malmström" -> "malmstrom")."""
    text = text.lower()
    if text.isascii():
        return text
    return COMBINING.sub("", unicodedata.normalize("NFKD", text))


def stems(text: str) -> list[str]:
    """The words of a text folded, lower-cased and Porter-stemmed, for comparing sentences."""
    known = _STEMS
    return [known.get(word) or _stem(word) for word in _WORD.findall(fold(text))]


def _stem(word: str) -> str:
    """One word's Porter stem, remembered; the stemmer keeps state, so calls are serialised."""
    with _STEMMER_LOCK:
        stem = _STEMMER.stemWord(word)
    if len(_STEMS) > 1 << 18:  # bound the memory odd tokens can take
        _STEMS.clear()
    _STEMS[word] = stem
    return stem


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
