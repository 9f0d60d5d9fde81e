"""The PostgreSQL store: the connection, its transactions, and the articles with their parts."""

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import psycopg
import psycopg.abc
from pgvector.psycopg import register_vector

from retrieval.core import postgres_migrations
from retrieval.core.config import redacted
from retrieval.core.models import Article, Outlet
from retrieval.core.store import ArticleNotFound, ArticleWrite, DuplicateArticle, StoredKey, utc_now


class PostgresStore:
    """Articles and everything the capabilities keep, in one PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.conn = psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as error:
            raise ConnectionError(f"cannot connect to {redacted(url)}: {error}") from error
        self._lock = threading.RLock()
        if postgres_migrations.pending(self.conn):
            postgres_migrations.apply(self.conn)
        register_vector(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """Run the block in one transaction, serialised with this process's other threads."""
        with self._lock, self.conn.transaction():
            yield self.conn

    def run(self, statement: psycopg.abc.Query) -> None:
        """Run a statement outside any transaction (CREATE INDEX CONCURRENTLY, say)."""
        with self._lock:
            self.conn.execute(statement)

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run a read query and return all its rows."""
        with self._lock:
            return self.conn.execute(sql, list(params)).fetchall()

    # -- articles ---------------------------------------------------------

    def find_key(
        self, *, url: str | None = None, origin: str | None = None, content_hash: str | None = None
    ) -> StoredKey | None:
        """Find a stored article by canonical URL, by origin (url-less only) or by content hash."""
        if url:
            where, value = "url = %s", url
        elif origin:
            where, value = "origin = %s AND url IS NULL", origin
        elif content_hash:
            where, value = "content_hash = %s", content_hash
        else:
            return None
        rows = self.rows(f"SELECT id, content_hash FROM articles WHERE {where} LIMIT 1", [value])
        return StoredKey(*rows[0]) if rows else None

    def write_article(self, write: ArticleWrite, replace: int | None = None) -> int:
        """Store an article with its chunks, sentences and vectors, replacing article `replace`."""
        raw, now = write.raw, utc_now()
        values = [raw.url, raw.origin, raw.title, raw.source, raw.published, raw.language]
        values += [raw.text, write.content_hash, now]
        columns = "url, origin, title, source, published, language, text, content_hash, updated_at"
        try:
            with self.transaction() as conn:
                if replace is None:
                    found = conn.execute(
                        f"INSERT INTO articles ({columns}, ingested_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                        [*values, now],
                    ).fetchone()
                    article_id = int(found[0]) if found else 0
                else:
                    article_id = replace
                    self._delete_parts(conn, article_id)
                    conn.execute(
                        f"UPDATE articles SET ({columns}) = "
                        "(%s, %s, %s, %s, %s, %s, %s, %s, %s) WHERE id = %s",
                        [*values, article_id],
                    )
                self._insert_parts(conn, article_id, write)
                conn.execute(
                    "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'"
                )
        except psycopg.errors.UniqueViolation as error:
            raise DuplicateArticle(raw.url) from error
        return article_id

    @staticmethod
    def _delete_parts(conn: psycopg.Connection, article_id: int) -> None:
        """Remove an article's chunks, sentences and vectors (inside a transaction)."""
        conn.execute(
            "DELETE FROM embeddings WHERE chunk_id IN "
            "(SELECT id FROM chunks WHERE article_id = %s)",
            [article_id],
        )
        conn.execute("DELETE FROM chunks WHERE article_id = %s", [article_id])
        conn.execute("DELETE FROM sentences WHERE article_id = %s", [article_id])

    @staticmethod
    def _insert_parts(conn: psycopg.Connection, article_id: int, write: ArticleWrite) -> None:
        """Insert an article's chunks, sentences and vectors (inside a transaction)."""
        with conn.cursor() as cursor:
            for order, ((start, end), vector) in enumerate(
                zip(write.chunks, write.chunk_vectors, strict=True)
            ):
                cursor.execute(
                    'INSERT INTO chunks (article_id, ord, start, "end") '
                    "VALUES (%s, %s, %s, %s) RETURNING id",
                    [article_id, order, start, end],
                )
                found = cursor.fetchone()
                cursor.execute(
                    "INSERT INTO embeddings (chunk_id, model, vector) VALUES (%s, %s, %s)",
                    [found[0] if found else None, write.model, np.asarray(vector, np.float32)],
                )
            cursor.executemany(
                'INSERT INTO sentences (article_id, ord, start, "end", vector, model) '
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        article_id,
                        order,
                        start,
                        end,
                        np.asarray(vector, "<f4").tobytes(),
                        write.model,
                    )
                    for order, ((start, end), vector) in enumerate(
                        zip(write.sentences, write.sentence_vectors, strict=True)
                    )
                ],
            )

    def article(self, article_id: int) -> Article:
        """Return one stored article."""
        found = self.articles([article_id])
        if article_id not in found:
            raise ArticleNotFound(article_id)
        return found[article_id]

    def articles(self, ids: Iterable[int]) -> dict[int, Article]:
        """Return stored articles by id; unknown ids are left out."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.rows(
            "SELECT id, title, text, source, published, url, language, content_hash, ingested_at "
            "FROM articles WHERE id = ANY(%s)",
            [wanted],
        )
        return {row[0]: Article(*row) for row in rows}

    def newest_articles(self, limit: int) -> list[Article]:
        """The most recently published articles, undated ones last."""
        rows = self.rows(
            "SELECT id FROM articles ORDER BY published IS NULL, published DESC, id DESC LIMIT %s",
            [limit],
        )
        found = self.articles(row[0] for row in rows)
        return [found[row[0]] for row in rows]

    def collection_summary(self) -> tuple[int, list[str], str | None]:
        """How many articles are stored, from which outlets, and the newest publication date."""
        ((count, newest),) = self.rows("SELECT count(*), max(published) FROM articles")
        return count, [outlet.name for outlet in self.outlets()], newest

    def outlets(self) -> list[Outlet]:
        """Every outlet with its article count and date range, the biggest first."""
        rows = self.rows(
            "SELECT source, count(*), min(published), max(published) FROM articles "
            'WHERE source IS NOT NULL GROUP BY source ORDER BY count(*) DESC, source COLLATE "C"'
        )
        return [Outlet(*row) for row in rows]

    def generation(self) -> int:
        """A counter bumped by every article write, for caches to notice changes."""
        ((value,),) = self.rows("SELECT value FROM meta WHERE key = 'generation'")
        return int(value)
