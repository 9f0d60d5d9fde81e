"""A query's words per language: searchable terms without stop words, and stems for scoring."""

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
SPANISH_STOP_WORDS = frozenset(
    """a al algo algunas algunos ante antes como con contra cual cuales cuando de del desde
    donde durante e el ella ellas ellos en entre era eran es esa esas ese eso esos esta
    estaba estaban estado estar este esto estos fue fueron ha haber había habían han has hasta
    hay la las le les lo los mas me mi mis mucho muy nada ni no nos o otra otras otro otros
    para pero poco por porque que quien quienes se sea ser si sido sin sobre son su sus también
    tan te tiene tienen todo todos tu tus un una unas uno unos usted ya y yo qué quién
    quiénes cuál cuáles cuándo cuánto cuánta cuántos cuántas dónde cómo él ésta éste sí
    hizo hace hacer dijo""".split()  # noqa: SIM905
)
_STOP_WORDS = {"en": STOP_WORDS, "es": SPANISH_STOP_WORDS}

_WORD = re.compile(r"[^\W_]+")
# English: the same Porter algorithm as FTS5's tokenizer; Spanish: Snowball's Spanish stemmer.
_STEMMERS = {"en": snowballstemmer.stemmer("porter"), "es": snowballstemmer.stemmer("spanish")}
_STEMMER_LOCK = threading.Lock()
# Combining marks left by NFKD decomposition: "ö" becomes "o" + U+0308, then "o".
COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def terms(text: str, language: str = "en") -> list[str]:
    """The distinct searchable words of a text, lower-cased, stop words left out, in order."""
    stop_words = _STOP_WORDS.get(language, STOP_WORDS)
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in stop_words and word not in seen:
            seen[word] = None
            if len(seen) == MAX_TERMS:
                break
    return list(seen)


def stems(text: str, language: str = "en") -> list[str]:
    """The words of a text, lower-cased, stemmed and without accents.

    English words come out as FTS5's porter tokenizer indexes them; Spanish words are stemmed
    before their accents go, as the Spanish stemmer expects them.
    """
    if language == "es":
        return [fold(_stem(word, "es")) for word in _WORD.findall(text.lower())]
    return [_stem(word, "en") for word in _WORD.findall(fold(text))]


def fold(text: str) -> str:
    """Lower-cased, without diacritics ("Malmström" -> "malmstrom")."""
    text = text.lower()
    if text.isascii():
        return text
    return COMBINING.sub("", unicodedata.normalize("NFKD", text))


@lru_cache(maxsize=1 << 18)
def _stem(word: str, language: str) -> str:
    """One word's stem; stemmers keep state, so calls are serialised."""
    with _STEMMER_LOCK:
        return _STEMMERS.get(language, _STEMMERS["en"]).stemWord(word)


def query_stems(text: str, language: str = "en") -> list[str]:
    """The distinct stems of a query's searchable words."""
    return list(dict.fromkeys(stems(" ".join(terms(text, language)), language)))


def word_stems(text: str) -> dict[str, str]:
    """Each distinct word of a text, lower-cased, with its stem as the full-text index has it."""
    found: dict[str, str] = {}
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        stem = stems(word)
        if len(stem) == 1:
            found[word] = stem[0]
    return found
