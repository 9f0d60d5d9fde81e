"""Hybrid search: FTS5 BM25 and dense similarity fused, then re-ranked by best sentence."""

import threading
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from retrieval.core.embeddings import Embedder
from retrieval.core.fusion import blend, max_normalised, min_max_normalised, top
from retrieval.core.models import Hit, Mode
from retrieval.core.store import Filters, SentenceRow, Store
from retrieval.text.query import fts_expression, query_stems


@dataclass(frozen=True)
class SearchConfig:
    """Fusion weights and pool sizes, chosen by measurement on SQuAD dev (see README)."""

    candidates: int = 100
    rerank: int = 30
    first_keyword_weight: float = 0.5
    keyword_weight: float = 0.6


@dataclass(frozen=True)
class SearchResult:
    """Ranked hits, plus what answering needs: the query's vector and words, and the sentences."""

    hits: list[Hit]
    query_vector: np.ndarray | None
    stems: list[str]
    sentences: dict[int, list[SentenceRow]]

    def first(self, n: int, skip: AbstractSet[int] = frozenset()) -> "SearchResult":
        """The same result cut to its first n hits, leaving out the articles in `skip`."""
        hits = [hit for hit in self.hits if hit.article_id not in skip]
        return replace(self, hits=hits[:n])


class VectorIndex:
    """All chunk vectors of one model in memory, reloaded when the store has changed."""

    def __init__(self, store: Store, model: str) -> None:
        self._store = store
        self._model = model
        self._lock = threading.Lock()
        self._generation = -1
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._row: dict[int, int] = {}

    def _refresh(self) -> None:
        """Reload vectors if any article was written since the last load."""
        generation = self._store.generation()
        if generation == self._generation:
            return
        with self._lock:
            if generation != self._generation:
                self._ids, self._matrix = self._store.chunk_vectors(self._model)
                self._row = {int(chunk_id): row for row, chunk_id in enumerate(self._ids)}
                self._generation = generation

    def nearest(
        self, vector: np.ndarray, n: int, allowed: set[int] | None = None
    ) -> dict[int, float]:
        """The n chunks most similar to the vector, as chunk id -> cosine similarity."""
        self._refresh()
        ids, matrix = self._ids, self._matrix
        if not len(ids):
            return {}
        sims = matrix @ vector
        if allowed is not None:
            mask = np.fromiter((int(i) in allowed for i in ids), dtype=bool, count=len(ids))
            sims = np.where(mask, sims, -np.inf)
        n = min(n, len(ids))
        best = np.argpartition(-sims, n - 1)[:n]
        return {int(ids[i]): float(sims[i]) for i in best if np.isfinite(sims[i])}

    def similarity(self, vector: np.ndarray, chunk_ids: list[int]) -> dict[int, float]:
        """Cosine similarity of the vector to the given chunks."""
        self._refresh()
        rows = [self._row[c] for c in chunk_ids if c in self._row]
        if not rows:
            return {}
        sims = self._matrix[rows] @ vector
        return {int(self._ids[row]): float(sim) for row, sim in zip(rows, sims, strict=True)}


class Searcher:
    """Searches a store; the embedding model is only used when a query needs it."""

    def __init__(self, store: Store, embedder: Embedder, config: SearchConfig = SearchConfig()):
        self.store = store
        self.embedder = embedder
        self.config = config
        self.index = VectorIndex(store, embedder.name)

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters = Filters(),
        mode: Mode = "hybrid",
        vector: np.ndarray | None = None,
    ) -> SearchResult:
        """The k best chunks for a query, best first; pass `vector` if the query is embedded."""
        config = self.config
        match = fts_expression(query)
        stems = query_stems(query)
        allowed = self.store.allowed_chunks(filters) if filters else None
        keyword: dict[int, float] = {}
        if match and mode != "dense":
            keyword = self.store.bm25_chunks(match, max(config.candidates, k), filters)
        if mode == "bm25":
            ranked = top(keyword, k)
            hits = self._hits(ranked, keyword, keyword, {})
            return SearchResult(
                hits, None, stems, self.store.chunk_sentences(ranked, self.embedder.name)
            )
        if vector is None:
            vector = self.embedder.embed([query])[0]
        dense = self.index.nearest(vector, max(config.candidates, k), allowed)
        if mode == "dense":
            pool = top(dense, max(config.rerank, k))
            keyword = {}
        else:
            missing_dense = [c for c in keyword if c not in dense]
            dense.update(self.index.similarity(vector, missing_dense))
            pool = top(blend(keyword, dense, config.first_keyword_weight), max(config.rerank, k))
        sentences = self.store.chunk_sentences(pool, self.embedder.name)
        best_sentence = {
            chunk_id: max(
                (float(row.vector @ vector) for row in rows), default=dense.get(chunk_id, 0)
            )
            for chunk_id, rows in sentences.items()
        }
        scores = self._rerank(keyword, best_sentence, pool)
        ranked = top(scores, k)
        return SearchResult(
            self._hits(ranked, scores, keyword, best_sentence), vector, stems, sentences
        )

    def _rerank(
        self, keyword: dict[int, float], best_sentence: dict[int, float], pool: list[int]
    ) -> dict[int, float]:
        """Final scores: keyword relevance blended with each chunk's best sentence similarity."""
        weight = self.config.keyword_weight if keyword else 0.0
        keyword_n = max_normalised({c: keyword.get(c, 0.0) for c in pool})
        sentence_n = min_max_normalised({c: best_sentence[c] for c in pool})
        return {c: weight * keyword_n[c] + (1 - weight) * sentence_n[c] for c in pool}

    def _hits(
        self,
        ranked: list[int],
        scores: dict[int, float],
        keyword: dict[int, float],
        dense: dict[int, float],
    ) -> list[Hit]:
        """Hits for ranked chunk ids, with their articles and component scores."""
        spans = self.store.chunk_spans(ranked)
        return [
            Hit(c, *spans[c], scores[c], keyword.get(c, 0.0), dense.get(c, 0.0)) for c in ranked
        ]
