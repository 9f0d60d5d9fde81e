"""The collection's vocabulary: how many articles use a word, and the known word nearest a typo.

The `words` and `stems` tables (migration m008) are written and read here only on SQLite; on
PostgreSQL (p006) in `postgres_vocabulary`, behind the same `WordTable`.
"""

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA

from retrieval.text.query import fold, word_stems


class Readable(Protocol):
    """A database that runs read queries (the store)."""

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """All rows of a read query."""
        ...


class WordTable(Protocol):
    """The `words` and `stems` tables of one backend, as the vocabulary reads them."""

    def articles(self) -> int:
        """How many articles the collection holds."""
        ...

    def generation(self) -> int:
        """The counter every article written or removed bumps."""
        ...

    def stem_counts(self, stems: Sequence[str]) -> list[tuple[str, int]]:
        """(stem, articles) for the given stems that are stored."""
        ...

    def word_counts(self, words: Sequence[str]) -> list[tuple[str, int]]:
        """(word, articles) for the given words that are stored."""
        ...

    def words_after(self, position: int) -> list[tuple[int, str]]:
        """(position, word) of the words stored after `position`, in the order they came."""
        ...


class WordCounts(Protocol):
    """What answering reads of a vocabulary: the stored one, or one with articles left out."""

    def articles(self) -> int:
        """How many articles the collection holds."""
        ...

    def frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """How many articles use each stem (0 for a stem no article uses)."""
        ...

    def closest(self, word: str, max_edits: int) -> str | None:
        """The known word fewest edits away, if one is at most `max_edits` away."""
        ...


def tally(texts: Iterable[tuple[str, str]]) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """How many of the (title, text) articles use each (word, stem), and each stem."""
    words: Counter[tuple[str, str]] = Counter()
    stems: Counter[str] = Counter()
    for title, text in texts:
        found = word_stems(f"{title}\n{text}")
        words.update(found.items())
        stems.update(set(found.values()))
    return words, stems


def count_words(conn: sqlite3.Connection, title: str, text: str, change: int) -> None:
    """Count an article's distinct words and stems in (1) or out of (-1) the vocabulary.

    Called inside the transaction that writes or removes the article.
    """
    words = word_stems(f"{title}\n{text}")
    upsert = " ON CONFLICT DO UPDATE SET articles = articles + excluded.articles"
    conn.executemany(
        "INSERT INTO words (word, stem, articles) VALUES (?, ?, ?)" + upsert,
        [(word, stem, change) for word, stem in words.items()],
    )
    conn.executemany(
        "INSERT INTO stems (stem, articles) VALUES (?, ?)" + upsert,
        [(stem, change) for stem in set(words.values())],
    )


def uncount_article(conn: sqlite3.Connection, article_id: int) -> None:
    """Count a stored article's words out of the vocabulary, before its text is replaced or
    removed."""
    for title, text in conn.execute("SELECT title, text FROM articles WHERE id = ?", [article_id]):
        count_words(conn, title, text, -1)


def _marks(values: Sequence[object]) -> str:
    """Placeholders for an SQL IN list."""
    return ",".join("?" * len(values))


class SqliteWords:
    """The vocabulary's tables in a SQLite file; a word's position is its rowid."""

    def __init__(self, store: Readable) -> None:
        self.store = store

    def articles(self) -> int:
        """How many articles the collection holds."""
        ((count,),) = self.store.rows("SELECT count(*) FROM articles")
        return int(count)

    def generation(self) -> int:
        """The counter every article written or removed bumps."""
        ((generation,),) = self.store.rows("SELECT value FROM meta WHERE key = 'generation'")
        return int(generation)

    def stem_counts(self, stems: Sequence[str]) -> list[tuple[str, int]]:
        """(stem, articles) for the given stems that are stored."""
        return self._counts("SELECT stem, articles FROM stems WHERE stem IN ({})", stems)

    def word_counts(self, words: Sequence[str]) -> list[tuple[str, int]]:
        """(word, articles) for the given words that are stored."""
        return self._counts("SELECT word, articles FROM words WHERE word IN ({})", words)

    def words_after(self, position: int) -> list[tuple[int, str]]:
        """(rowid, word) of the words stored after rowid `position`, in the order they came."""
        return self.store.rows(
            "SELECT rowid, word FROM words WHERE rowid > ? ORDER BY rowid", [position]
        )

    def _counts(self, sql: str, keys: Sequence[str]) -> list[tuple[str, int]]:
        """The rows of a query whose `{}` is an IN list of keys, asked 500 at a time."""
        rows: list[tuple[str, int]] = []
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            rows += self.store.rows(sql.format(_marks(part)), part)
        return rows


class Vocabulary:
    """The words of the stored articles, read from the `words` and `stems` tables.

    Every question reads the vocabulary through this one class, whichever backend holds the
    tables (SQLite or PostgreSQL: a `WordTable` each).
    """

    def __init__(self, table: WordTable) -> None:
        self.table = table
        self._lock = threading.Lock()
        self._last_row = 0
        self._by_length: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._count: tuple[int, int] | None = None  # (generation, articles) when last counted

    def articles(self) -> int:
        """How many articles the collection holds (counted again only after a write)."""
        # Counting scans the table (3 ms at 300,000 articles); the generation is one row, bumped
        # by every article written or removed. Read first, so a count is never older than it.
        generation = self.table.generation()
        known = self._count
        if known is None or known[0] != generation:
            known = self._count = (generation, self.table.articles())
        return known[1]

    def frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """How many articles use each stem (0 for a stem no article uses)."""
        wanted = sorted(set(stems))
        found = dict.fromkeys(wanted, 0)
        found.update((stem, max(int(count), 0)) for stem, count in self.table.stem_counts(wanted))
        return found

    def closest(self, word: str, max_edits: int) -> str | None:
        """The known word fewest edits away (at most `max_edits`, accents aside), the most used
        among equals."""
        typed = fold(word)
        by_length = self._words()
        near: list[tuple[str, int]] = []
        for length in range(len(typed) - max_edits, len(typed) + max_edits + 1):
            folded, written = by_length.get(length, ((), ()))
            found = process.extract(
                typed, folded, scorer=OSA.distance, score_cutoff=max_edits, limit=None
            )
            near += [(written[index], int(edits)) for _, edits, index in found]
        if not near:
            return None
        used = dict.fromkeys((candidate for candidate, _ in near), 0)
        used.update((w, int(count)) for w, count in self.table.word_counts(list(used)))
        ranked = sorted(
            (edits, -used[candidate], candidate) for candidate, edits in near if used[candidate]
        )
        return ranked[0][2] if ranked else None

    def _words(self) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
        """The alphabetic words by folded length, folded and as written; read as they are added."""
        with self._lock:
            added: dict[int, list[tuple[str, str]]] = {}
            for position, word in self.table.words_after(self._last_row):
                folded = fold(word)
                if folded.isalpha():
                    added.setdefault(len(folded), []).append((folded, word))
                self._last_row = position
            for length, pairs in added.items():
                folded_words, written = self._by_length.get(length, ((), ()))
                self._by_length[length] = (
                    folded_words + tuple(f for f, _ in pairs),
                    written + tuple(w for _, w in pairs),
                )
            return dict(self._by_length)
