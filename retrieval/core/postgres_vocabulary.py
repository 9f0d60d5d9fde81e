"""The collection's vocabulary in PostgreSQL: the `words` and `stems` tables (migration p006).

Counted inside the transaction that writes or removes an article, as on SQLite. Writers take
the change-log lock first (the one every article write takes): the counts of concurrent writers
are added one transaction after another, and a word's `seq` is committed in the order of the
numbers, so a reader past `seq` n never misses a word committed later below n.
"""

from collections.abc import Sequence

import psycopg

from retrieval.core.postgres_migrations import CHANGES_LOCK
from retrieval.core.vocabulary import Readable
from retrieval.text.query import word_stems


def count_words(conn: psycopg.Connection, title: str, text: str, change: int) -> None:
    """Count an article's distinct words and stems in (1) or out of (-1) the vocabulary.

    Called inside the transaction that writes or removes the article.
    """
    words = sorted(word_stems(f"{title}\n{text}").items())
    if not words:
        return
    _lock(conn)
    conn.execute(
        "INSERT INTO words (word, stem, articles) "
        "SELECT word, stem, %s FROM unnest(%s::text[], %s::text[]) AS t (word, stem) "
        "ON CONFLICT (word) DO UPDATE SET articles = words.articles + excluded.articles",
        [change, [word for word, _ in words], [stem for _, stem in words]],
    )
    conn.execute(
        "INSERT INTO stems (stem, articles) SELECT stem, %s FROM unnest(%s::text[]) AS t (stem) "
        "ON CONFLICT (stem) DO UPDATE SET articles = stems.articles + excluded.articles",
        [change, sorted({stem for _, stem in words})],
    )


def uncount_article(conn: psycopg.Connection, article_id: int) -> None:
    """Count a stored article's words out of the vocabulary, before its text is replaced or
    removed. The lock comes first: the text read is the one the last writer committed."""
    _lock(conn)
    found = conn.execute("SELECT title, text FROM articles WHERE id = %s", [article_id]).fetchone()
    if found:
        count_words(conn, found[0], found[1], -1)


def _lock(conn: psycopg.Connection) -> None:
    """Take the article writers' lock until the transaction ends (again: no wait)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGES_LOCK])


class PostgresWords:
    """The vocabulary's tables in PostgreSQL; a word's position is its `seq`."""

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
        return self.store.rows(
            "SELECT stem, articles FROM stems WHERE stem = ANY(%s)", [list(stems)]
        )

    def word_counts(self, words: Sequence[str]) -> list[tuple[str, int]]:
        """(word, articles) for the given words that are stored."""
        return self.store.rows(
            "SELECT word, articles FROM words WHERE word = ANY(%s)", [list(words)]
        )

    def words_after(self, position: int) -> list[tuple[int, str]]:
        """(seq, word) of the words stored after `position`, in the order they came."""
        return self.store.rows(
            "SELECT seq, word FROM words WHERE seq > %s ORDER BY seq", [position]
        )
