"""The interface of the article store that ingest and search use: SQLite or PostgreSQL."""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.core.models import Article, ChunkText, Outlet
from retrieval.core.store import ArticleWrite, Filters, SentenceRow, StoredKey


class ArticleStore(Protocol):
    """Articles with their chunks, sentences and vectors, and the change log indexes follow."""

    @property
    def path(self) -> Path | None:
        """The database file, beside which search indexes are saved (None: not saved)."""

    def close(self) -> None:
        """Close the database."""

    def find_key(
        self, *, url: str | None = None, origin: str | None = None, content_hash: str | None = None
    ) -> StoredKey | None:
        """Find a stored article by canonical URL, by origin (url-less only) or by content hash."""

    def write_article(self, write: ArticleWrite, replace: int | None = None) -> int:
        """Store an article with its chunks, sentences and vectors, replacing article `replace`."""

    def article(self, article_id: int) -> Article:
        """Return one stored article."""

    def articles(self, ids: Iterable[int]) -> dict[int, Article]:
        """Return stored articles by id; unknown ids are left out."""

    def newest_articles(self, limit: int) -> list[Article]:
        """The most recently published articles, undated ones last."""

    def collection_summary(self) -> tuple[int, list[str], str | None]:
        """How many articles are stored, from which outlets, and the newest publication date."""

    def outlets(self) -> list[Outlet]:
        """Every outlet with its article count and date range, the biggest first."""

    def generation(self) -> int:
        """A counter bumped by every article write, for caches to notice changes."""

    def last_change(self) -> int:
        """The newest entry of the chunk change log (0 when empty): indexes follow it."""

    def changed_chunks(self, after: int) -> tuple[int, np.ndarray]:
        """The chunks written, replaced or removed after log entry `after`, and the newest entry."""

    def chunk_ids(self, after: int, limit: int) -> list[int]:
        """Up to `limit` stored chunk ids greater than `after`, ascending."""

    def chunk_texts(self, chunk_ids: Sequence[int]) -> list[ChunkText]:
        """The stored chunks among the given ids, with their article's title and language."""

    def chunk_vectors(
        self, model: str, chunk_ids: Sequence[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """One model's vectors of the given chunks (default: all), as (ids, matrix)."""

    def index_key(self) -> str:
        """A key made once per database, so indexes saved for it are never taken for another."""

    def article_vectors(self, ids: Sequence[int], model: str) -> dict[int, np.ndarray]:
        """Each article's meaning as one unit vector: the normalised mean of its chunk vectors."""

    def filtered_articles(self, filters: Filters) -> np.ndarray:
        """Ids of the articles that pass the filters, ascending."""

    def chunk_spans(self, chunk_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """The article and character span of each chunk, as (article_id, start, end)."""

    def chunk_sentences(self, chunk_ids: Sequence[int], model: str) -> dict[int, list[SentenceRow]]:
        """Each chunk's sentences with their vectors (sentences starting inside the chunk)."""
