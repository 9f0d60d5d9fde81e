"""Analyzers: how one language's text becomes the terms a keyword index stores and searches.

Each language has one analyzer (tokenising, stop words, stemming); `analyzer_for` picks it by an
article's language. A new language is one class with `document` and `query`, and one entry in
ANALYZERS. All analyzers share one vocabulary: a query is read by the analyzer of every language
in the collection, so a name such as "Europol" finds articles in any of them.
"""

import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

import snowballstemmer

from retrieval.text.query import STOP_WORDS, fold

DEFAULT_LANGUAGE = "en"
WORD = re.compile(r"[^\W_]+")
_ASCII_SEPARATORS = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128


@dataclass(frozen=True)
class Analysed:
    """A text's indexable terms with their counts, and its length in words (stop words too)."""

    counts: dict[str, int]
    length: int


class Analyzer(Protocol):
    """Turns the text of one language into index terms."""

    language: str

    def document(self, text: str) -> Analysed:
        """The terms a document is indexed under, counted, and its length in words."""
        ...

    def query(self, text: str) -> dict[str, int]:
        """A query's terms, each weighted by how many of the query's distinct words give it."""
        ...


class StemmingAnalyzer:
    """Words folded to lower case without accents, stop words left out, then stemmed (Snowball).

    With the "porter" algorithm this reads English as SQLite FTS5's `porter unicode61
    remove_diacritics 2` tokenizer did, so BM25 scores match those of the FTS5 index it replaced.
    """

    def __init__(self, language: str, algorithm: str, stop_words: frozenset[str]) -> None:
        self.language = language
        self.stop_words = stop_words
        self._stemmer = snowballstemmer.stemmer(algorithm)
        self._lock = threading.Lock()  # a Snowball stemmer keeps state between calls
        self._stems: dict[str, str] = {}

    def words(self, text: str) -> list[str]:
        """The text's words, lower-cased and without diacritics, in order."""
        text = fold(text)
        if text.isascii():  # the common case, twice as fast as the regular expression
            return text.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
        return WORD.findall(text)

    def stem(self, word: str) -> str:
        """One word's stem, remembered; words under 3 or over 64 letters stay whole (as in FTS5)."""
        found = self._stems.get(word)
        if found is None:
            if len(word) < 3 or len(word) > 64:
                found = word
            else:
                with self._lock:
                    found = self._stemmer.stemWord(word)
            if len(self._stems) > 1 << 20:  # bound the memory a stream of odd tokens can take
                self._stems.clear()
            self._stems[word] = found
        return found

    def document(self, text: str) -> Analysed:
        """The stems of the text's words other than stop words, counted; length counts all."""
        words = self.words(text)
        counts: dict[str, int] = {}
        stems, stop = self._stems, self.stop_words
        for word, count in Counter(words).items():
            if word not in stop:
                stem = stems.get(word) or self.stem(word)
                counts[stem] = counts.get(stem, 0) + count
        return Analysed(counts, len(words))

    def query(self, text: str) -> dict[str, int]:
        """The stems of the query's distinct words other than stop words, with multiplicity."""
        distinct = dict.fromkeys(w for w in self.words(text) if w not in self.stop_words)
        return dict(Counter(self.stem(word) for word in distinct))


ANALYZERS: dict[str, Analyzer] = {
    "en": StemmingAnalyzer("en", "porter", STOP_WORDS),
}


def analyzer_for(language: str | None) -> Analyzer:
    """The analyzer of a language code ("en", "es-MX"), English when it has none of its own."""
    code = (language or DEFAULT_LANGUAGE).split("-")[0].split("_")[0].lower()
    return ANALYZERS.get(code, ANALYZERS[DEFAULT_LANGUAGE])


def query_terms(text: str, languages: set[str]) -> dict[str, int]:
    """A query read by the analyzers of the given languages: each term with its highest weight."""
    analyzers = {id(a): a for a in map(analyzer_for, languages or {DEFAULT_LANGUAGE})}
    merged: dict[str, int] = {}
    for analyzer in analyzers.values():
        for term, weight in analyzer.query(text).items():
            merged[term] = max(weight, merged.get(term, 0))
    return merged
