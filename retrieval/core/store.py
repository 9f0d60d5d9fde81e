"""The SQLite store: the one module that owns all SQL."""

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlite_utils import Database

from retrieval.core.embeddings import article_vector
from retrieval.core.migrations import migrations
from retrieval.core.models import Article, ChunkText, Outlet
from retrieval.core.vocabulary import count_words, uncount_article
from retrieval.text.raw import RawArticle
from retrieval.text.sentences import Span


class ArticleNotFound(LookupError):
    """No stored article has the given id."""


class DuplicateArticle(ValueError):
    """Another writer stored an article with the same URL first."""


@dataclass(frozen=True)
class StoredKey:
    """What ingestion needs to know about an article already stored."""

    id: int
    content_hash: str


@dataclass(frozen=True)
class ArticleWrite:
    """Everything written for one article in one transaction."""

    raw: RawArticle
    content_hash: str
    chunks: Sequence[Span]
    sentences: Sequence[Span]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    model: str


@dataclass(frozen=True)
class SentenceRow:
    """A stored sentence with its vector."""

    id: int
    article_id: int
    start: int
    end: int
    vector: np.ndarray


@dataclass(frozen=True)
class Filters:
    """Optional restrictions on which articles a search may return."""

    published_from: str | None = None
    published_before: str | None = None
    source: str | None = None
    article_ids: frozenset[int] | None = None  # only these articles (a briefing's stories)

    def __bool__(self) -> bool:
        return any(
            (self.published_from, self.published_before, self.source, self.article_ids is not None)
        )


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def whole_second(moment: datetime) -> datetime:
    """A moment rounded up to the whole second, the precision times are stored at."""
    if moment.microsecond == 0:
        return moment
    return moment.replace(microsecond=0) + timedelta(seconds=1)


class Store:
    """Articles, chunks, sentences, vectors and full-text indexes in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = None if str(path) == ":memory:" else Path(path)
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self.db = Database(conn)
        self._lock = threading.RLock()
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        if migrations.pending(self.db):
            with self.transaction():  # two processes opening a new database migrate it once
                migrations.apply(self.db)

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction, serialised with threads and processes; nested, a savepoint."""
        # IMMEDIATE: locked before the first read, waiting up to the busy timeout; a deferred
        # BEGIN fails at once ("database is locked") if another process wrote in between.
        with self._lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield self.db
                return
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                self.db.rollback()
                raise

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run a read query under the lock and return all its rows."""
        with self._lock:
            return self.db.execute(sql, list(params)).fetchall()

    # -- articles ---------------------------------------------------------

    def find_key(
        self, *, url: str | None = None, origin: str | None = None, content_hash: str | None = None
    ) -> StoredKey | None:
        """Find a stored article by canonical URL, by origin (url-less only) or by content hash."""
        if url:
            where, value = "url = ?", url
        elif origin:
            where, value = "origin = ? AND url IS NULL", origin
        elif content_hash:
            where, value = "content_hash = ?", content_hash
        else:
            return None
        rows = self.rows(f"SELECT id, content_hash FROM articles WHERE {where}", [value])
        return StoredKey(*rows[0]) if rows else None

    def write_article(self, write: ArticleWrite, replace: int | None = None) -> int:
        """Store an article with its chunks, sentences and vectors, replacing article `replace`."""
        raw, now = write.raw, utc_now()
        record = {
            "url": raw.url,
            "origin": raw.origin,
            "title": raw.title,
            "source": raw.source,
            "published": raw.published,
            "language": raw.language,
            "text": raw.text,
            "content_hash": write.content_hash,
            "updated_at": now,
        }
        with self.transaction() as db:
            if replace is None:
                try:
                    inserted = db.table("articles").insert({**record, "ingested_at": now})
                except sqlite3.IntegrityError as error:
                    raise DuplicateArticle(raw.url) from error
                article_id = int(inserted.last_pk)  # type: ignore[arg-type]
            else:
                article_id = replace
                self.delete_parts(article_id)
                db.table("articles").update(article_id, record)
            self._insert_parts(article_id, write)
            db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
        return article_id

    def delete_parts(self, article_id: int) -> None:
        """Remove an article's parts and word counts (inside a transaction)."""
        uncount_article(self.db.conn, article_id)
        for sql in (
            "DELETE FROM embeddings WHERE chunk_id IN (SELECT id FROM chunks WHERE article_id = ?)",
            "DELETE FROM chunks WHERE article_id = ?",
            "DELETE FROM sentences WHERE article_id = ?",
        ):
            self.db.execute(sql, [article_id])

    def _insert_parts(self, article_id: int, write: ArticleWrite) -> None:
        """Insert an article's chunks, sentences, vectors and word counts (inside a transaction)."""
        conn = self.db.conn
        for order, ((start, end), vector) in enumerate(
            zip(write.chunks, write.chunk_vectors, strict=True)
        ):
            chunk_id = conn.execute(
                'INSERT INTO chunks (article_id, ord, start, "end") VALUES (?, ?, ?, ?)',
                (article_id, order, start, end),
            ).lastrowid
            conn.execute(
                "INSERT INTO embeddings (chunk_id, model, vector) VALUES (?, ?, ?)",
                (chunk_id, write.model, _blob(vector)),
            )
        conn.executemany(
            'INSERT INTO sentences (article_id, ord, start, "end", vector, model) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article_id, order, start, end, _blob(vector), write.model)
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
        sql = (
            "SELECT id, title, text, source, published, url, language, content_hash, ingested_at "
            "FROM articles WHERE id IN ({})"
        )
        rows = self._rows_for(sql, sorted(set(ids)))
        return {row[0]: Article(*row) for row in rows}

    def newest_articles(self, limit: int) -> list[Article]:
        """The most recently published articles, undated ones last."""
        rows = self.rows(
            "SELECT id FROM articles ORDER BY published IS NULL, published DESC, id DESC LIMIT ?",
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
            "WHERE source IS NOT NULL GROUP BY source ORDER BY count(*) DESC, source"
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
        rows = self.rows("SELECT seq, chunk_id FROM chunk_changes WHERE seq > ?", [after])
        if not rows:
            return after, np.zeros(0, np.int64)
        return rows[-1][0], np.unique(np.fromiter((r[1] for r in rows), np.int64, len(rows)))

    def chunk_ids(self, after: int, limit: int) -> list[int]:
        """Up to `limit` stored chunk ids greater than `after`, ascending."""
        rows = self.rows("SELECT id FROM chunks WHERE id > ? ORDER BY id LIMIT ?", [after, limit])
        return [row[0] for row in rows]

    def chunk_texts(self, chunk_ids: Sequence[int]) -> list[ChunkText]:
        """The stored chunks among the given ids, with their article's title and language."""
        sql = (
            "SELECT c.id, c.article_id, a.language, a.title, "
            'substr(a.text, c.start + 1, c."end" - c.start) FROM chunks c '
            "JOIN articles a ON a.id = c.article_id WHERE c.id IN ({})"
        )
        return [ChunkText(*row) for row in self._rows_for(sql, chunk_ids)]

    def chunk_vectors(
        self, model: str, chunk_ids: Sequence[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """One model's vectors of the given chunks (default: all), as (ids, matrix)."""
        sql = "SELECT chunk_id, vector FROM embeddings WHERE model = ?"
        if chunk_ids is None:
            rows = self.rows(sql + " ORDER BY chunk_id", [model])
        else:
            rows = self._rows_for(sql + " AND chunk_id IN ({})", chunk_ids, model)
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return ids, np.zeros((0, 0), dtype=np.float32)
        matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype="<f4")
        return ids, matrix.reshape(len(rows), -1)

    def _rows_for(self, sql: str, ids: Sequence[int], *params: object) -> list[tuple]:
        """The rows of a query whose `{}` is an IN list of ids, asked 500 ids at a time."""
        rows: list[tuple] = []
        for start in range(0, len(ids), 500):
            part = [int(value) for value in ids[start : start + 500]]
            rows += self.rows(sql.format(marks(part)), [*params, *part])
        return rows

    def index_key(self) -> str:
        """A key made once per database, so indexes saved beside it are never taken for another."""
        ((value,),) = self.rows("SELECT value FROM meta WHERE key = 'index_key'")
        return str(value)

    def article_vectors(self, ids: Sequence[int], model: str) -> dict[int, np.ndarray]:
        """Each article's meaning as one unit vector: the normalised mean of its chunk vectors.

        Only vectors made by `model` count: an article embedded by another variant is left out.
        """
        grouped: dict[int, list[bytes]] = {}
        sql = (
            "SELECT c.article_id, e.vector FROM chunks c JOIN embeddings e ON e.chunk_id = c.id "
            "WHERE e.model = ? AND c.article_id IN ({}) ORDER BY c.article_id, c.ord"
        )
        for article_id, vector in self._rows_for(sql, ids, model):
            grouped.setdefault(article_id, []).append(vector)
        return {
            article_id: article_vector(
                np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), -1)
            )
            for article_id, blobs in grouped.items()
        }

    def filtered_articles(self, filters: Filters) -> np.ndarray:
        """Ids of the articles that pass the filters, ascending."""
        where, params = _filter_sql(filters)
        rows = self.rows(f"SELECT a.id FROM articles a WHERE 1 {where} ORDER BY a.id", params)
        return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))

    def chunk_spans(self, chunk_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """The article and character span of each chunk, as (article_id, start, end)."""
        sql = 'SELECT id, article_id, start, "end" FROM chunks WHERE id IN ({})'
        return {row[0]: row[1:] for row in self._rows_for(sql, chunk_ids)}

    def chunk_sentences(self, chunk_ids: Sequence[int], model: str) -> dict[int, list[SentenceRow]]:
        """The sentences inside each chunk, in article order, with vectors made by `model`.

        Sentences embedded by another variant are left out until they are re-embedded.
        """
        if not chunk_ids:
            return {}
        rows = self.rows(  # a chunk is whole sentences: those starting inside it (one index range)
            'SELECT c.id, s.id, s.article_id, s.start, s."end", s.vector FROM chunks c '
            "JOIN sentences s ON s.article_id = c.article_id "
            'AND s.start >= c.start AND s.start < c."end" '
            f"WHERE c.id IN ({marks(chunk_ids)}) AND s.model = ? ORDER BY c.id, s.start",
            [*chunk_ids, model],
        )
        found: dict[int, list[SentenceRow]] = {chunk_id: [] for chunk_id in chunk_ids}
        if not rows:
            return found
        vectors = np.frombuffer(b"".join(row[5] for row in rows), dtype="<f4")
        for row, vector in zip(rows, vectors.reshape(len(rows), -1), strict=True):
            found[row[0]].append(SentenceRow(row[1], row[2], row[3], row[4], vector))
        return found


def _blob(vector: np.ndarray) -> bytes:
    """Serialise a vector as little-endian float32 bytes."""
    return np.asarray(vector, dtype="<f4").tobytes()


def marks(values: Sequence[object]) -> str:
    """Placeholders for an SQL IN list."""
    return ",".join("?" * len(values))


def _filter_sql(filters: Filters) -> tuple[str, list[object]]:
    """SQL conditions on articles `a` for the filters, with their parameters."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.published_from:
        clauses.append("a.published >= ?")
        params.append(filters.published_from)
    if filters.published_before:
        clauses.append("a.published < ?")
        params.append(filters.published_before)
    if filters.source:
        clauses.append("a.source = ? COLLATE NOCASE")
        params.append(filters.source)
    if filters.article_ids is not None:
        ids = sorted(filters.article_ids)
        clauses.append(f"a.id IN ({marks(ids)})" if ids else "0")
        params.extend(ids)
    return "".join(f" AND {clause}" for clause in clauses), params
