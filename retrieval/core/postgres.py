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
from retrieval.core.embeddings import article_vector
from retrieval.core.models import Article, ChunkText, Outlet
from retrieval.core.postgres_vocabulary import count_words, uncount_article
from retrieval.core.store import (
    ArticleNotFound,
    ArticleWrite,
    DuplicateArticle,
    Filters,
    SentenceRow,
    StoredKey,
    utc_now,
)


class PostgresStore:
    """Articles and everything the capabilities keep, in one PostgreSQL database."""

    path = None  # no file to keep search indexes beside

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

    def rows(self, sql: str | psycopg.sql.Composed, params: Sequence[object] = ()) -> list[tuple]:
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
                    self.delete_parts(conn, article_id)
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
    def delete_parts(conn: psycopg.Connection, article_id: int) -> None:
        """Remove an article's chunks, sentences, vectors and word counts (inside a transaction)."""
        uncount_article(conn, article_id)
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
        count_words(conn, write.raw.title, write.raw.text, 1)

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

    # -- search primitives ------------------------------------------------

    def last_change(self) -> int:
        """The newest entry of the chunk change log (0 when empty): indexes follow it."""
        ((seq,),) = self.rows("SELECT coalesce(max(seq), 0) FROM chunk_changes")
        return int(seq)

    def changed_chunks(self, after: int) -> tuple[int, np.ndarray]:
        """The chunks written, replaced or removed after log entry `after`, and the newest entry."""
        rows = self.rows(
            "SELECT seq, chunk_id FROM chunk_changes WHERE seq > %s ORDER BY seq", [after]
        )
        if not rows:
            return after, np.zeros(0, np.int64)
        return rows[-1][0], np.unique(np.fromiter((r[1] for r in rows), np.int64, len(rows)))

    def chunk_ids(self, after: int, limit: int) -> list[int]:
        """Up to `limit` stored chunk ids greater than `after`, ascending."""
        rows = self.rows("SELECT id FROM chunks WHERE id > %s ORDER BY id LIMIT %s", [after, limit])
        return [row[0] for row in rows]

    def chunk_texts(self, chunk_ids: Sequence[int]) -> list[ChunkText]:
        """The stored chunks among the given ids, with their article's title and language."""
        rows = self.rows(
            "SELECT c.id, c.article_id, a.language, a.title, "
            'substr(a.text, c.start + 1, c."end" - c.start) FROM chunks c '
            "JOIN articles a ON a.id = c.article_id WHERE c.id = ANY(%s) ORDER BY c.id",
            [_ids(chunk_ids)],
        )
        return [ChunkText(*row) for row in rows]

    def chunk_vectors(
        self, model: str, chunk_ids: Sequence[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """One model's vectors of the given chunks (default: all), as (ids, matrix)."""
        sql = "SELECT chunk_id, vector FROM embeddings WHERE model = %s"
        params: list[object] = [model]
        if chunk_ids is not None:
            sql, params = sql + " AND chunk_id = ANY(%s)", [model, _ids(chunk_ids)]
        rows = self.rows(sql + " ORDER BY chunk_id", params)
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return ids, np.zeros((0, 0), dtype=np.float32)
        return ids, np.stack([row[1].to_numpy() for row in rows])

    def index_key(self) -> str:
        """A key made once per database, so indexes saved for it are never taken for another."""
        ((value,),) = self.rows("SELECT value FROM meta WHERE key = 'index_key'")
        return str(value)

    def article_vectors(self, ids: Sequence[int], model: str) -> dict[int, np.ndarray]:
        """Each article's meaning as one unit vector: the normalised mean of its chunk vectors.

        Only vectors made by `model` count: an article embedded by another variant is left out.
        """
        grouped: dict[int, list[np.ndarray]] = {}
        rows = self.rows(
            "SELECT c.article_id, e.vector FROM chunks c JOIN embeddings e ON e.chunk_id = c.id "
            "WHERE e.model = %s AND c.article_id = ANY(%s) ORDER BY c.article_id, c.ord",
            [model, _ids(ids)],
        )
        for article_id, vector in rows:
            grouped.setdefault(article_id, []).append(vector.to_numpy())
        return {
            article_id: article_vector(np.stack(vectors)) for article_id, vectors in grouped.items()
        }

    def filtered_articles(self, filters: Filters) -> np.ndarray:
        """Ids of the articles that pass the filters, ascending."""
        where, params = _filter_sql(filters)
        rows = self.rows(f"SELECT a.id FROM articles a WHERE true {where} ORDER BY a.id", params)
        return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))

    def chunk_spans(self, chunk_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """The article and character span of each chunk, as (article_id, start, end)."""
        rows = self.rows(
            'SELECT id, article_id, start, "end" FROM chunks WHERE id = ANY(%s)', [_ids(chunk_ids)]
        )
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def chunk_sentences(self, chunk_ids: Sequence[int], model: str) -> dict[int, list[SentenceRow]]:
        """Each chunk's sentences with their vectors (sentences starting inside the chunk)."""
        found: dict[int, list[SentenceRow]] = {chunk_id: [] for chunk_id in chunk_ids}
        if not chunk_ids:
            return found
        rows = self.rows(
            'SELECT c.id, s.id, s.article_id, s.start, s."end", s.vector FROM chunks c '
            "JOIN sentences s ON s.article_id = c.article_id "
            'AND s.start >= c.start AND s.start < c."end" '
            "WHERE c.id = ANY(%s) AND s.model = %s ORDER BY c.id, s.start",
            [_ids(chunk_ids), model],
        )
        if not rows:
            return found
        vectors = np.frombuffer(b"".join(row[5] for row in rows), dtype="<f4")
        for row, vector in zip(rows, vectors.reshape(len(rows), -1), strict=True):
            found[row[0]].append(SentenceRow(row[1], row[2], row[3], row[4], vector))
        return found


def _ids(values: Iterable[int]) -> list[int]:
    """Ids as plain ints, for an array parameter."""
    return [int(value) for value in values]


def _filter_sql(filters: Filters) -> tuple[str, list[object]]:
    """SQL conditions on articles `a` for the filters, with their parameters."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.published_from:
        clauses.append("a.published >= %s")
        params.append(filters.published_from)
    if filters.published_before:
        clauses.append("a.published < %s")
        params.append(filters.published_before)
    if filters.source:
        clauses.append("lower(a.source) = lower(%s)")
        params.append(filters.source)
    if filters.article_ids is not None:
        clauses.append("a.id = ANY(%s)")
        params.append(sorted(filters.article_ids))
    return "".join(f" AND {clause}" for clause in clauses), params
