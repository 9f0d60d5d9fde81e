"""Hybrid search: BM25 and dense similarity fused, then re-ranked by best sentence."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from retrieval.core.article_store import ArticleStore
from retrieval.core.embeddings import Embedder
from retrieval.core.fusion import blend, max_normalised, min_max_normalised, top
from retrieval.core.indexes import ChunkIndexes, index_folder
from retrieval.core.keyword import Vocabulary
from retrieval.core.models import Hit, Mode
from retrieval.core.postgres import PostgresStore
from retrieval.core.postgres_vectors import PostgresVectors
from retrieval.core.questions import Query
from retrieval.core.store import Filters, SentenceRow
from retrieval.text.query import query_stems, terms


@dataclass(frozen=True)
class SearchConfig:
    """Fusion weights and pool sizes, chosen by measurement on SQuAD dev (see README)."""

    candidates: int = 100
    rerank: int = 30
    first_keyword_weight: float = 0.5
    keyword_weight: float = 0.6
    # For a question read through a translation (by the model, or searched for in another
    # language's articles): translated words match the articles' words less often than meanings
    # match, so keywords weigh less (XQuAD, README).
    translated_first_keyword_weight: float = 0.4
    translated_keyword_weight: float = 0.5

    def weights(self, query: Query) -> tuple[float, float]:
        """The keyword weights of the first blend and of the re-ranking, for this query."""
        if query.translated:
            return self.translated_first_keyword_weight, self.translated_keyword_weight
        return self.first_keyword_weight, self.keyword_weight


@dataclass(frozen=True)
class SearchResult:
    """Ranked hits, plus what answering needs: the query's vector and words, and the sentences."""

    hits: list[Hit]
    query_vector: np.ndarray | None
    stems: dict[str, list[str]]  # the query's word stems in each language searched
    sentences: dict[int, list[SentenceRow]]
    query: Query

    def first(self, n: int, skip: AbstractSet[int] = frozenset()) -> "SearchResult":
        """The same result cut to its first n hits, leaving out the articles in `skip`."""
        hits = [hit for hit in self.hits if hit.article_id not in skip]
        return replace(self, hits=hits[:n])


class Searcher:
    """Searches a store; the embedding model is only used when a query needs it."""

    def __init__(
        self, store: ArticleStore, embedder: Embedder, config: SearchConfig = SearchConfig()
    ):
        self.store = store
        self.embedder = embedder
        self.config = config
        folder = index_folder(store.path) if store.path else None
        # On PostgreSQL dense search runs in the database (pgvector); keywords stay in memory.
        self.database_vectors = (
            PostgresVectors(store, embedder.name, embedder.dimension)
            if isinstance(store, PostgresStore)
            else None
        )
        self.indexes = ChunkIndexes(
            store, embedder.name, embedder.dimension, folder, self.database_vectors is None
        )

    def checkpoint(self) -> None:
        """After writes: save the in-memory indexes (SQLite), or build the database's vector
        index if it is new (PostgreSQL, where the keyword index is built by each process)."""
        if self.database_vectors is None:
            self.indexes.checkpoint()
        else:
            self.database_vectors.build()

    def vocabulary(self) -> Vocabulary:
        """Every term of the keyword index (as its analyzer stems it) with its chunk count."""
        self.indexes.refresh()
        return self.indexes.keyword.vocabulary()

    def search(
        self,
        query: str | Query,
        k: int = 10,
        filters: Filters = Filters(),
        mode: Mode = "hybrid",
        vector: np.ndarray | None = None,
    ) -> SearchResult:
        """The k best chunks for a query, best first; pass `vector` if the query is embedded.

        A plain string is searched as it is; a `Query` is searched with its words in each
        language and its English meaning.
        """
        config = self.config
        query = query if isinstance(query, Query) else Query(query)
        searched = query.searched()
        stems = {language: query_stems(text, language) for language, text in searched.items()}
        # The keyword index reads the words of every language searched as one query, each
        # language's stop words left out first (as the FTS5 expression it replaced did).
        words = " ".join(" ".join(terms(text, language)) for language, text in searched.items())
        self.indexes.refresh()
        keyword_index = self.indexes.keyword
        articles = self.store.filtered_articles(filters) if filters else None
        keyword: dict[int, float] = {}
        if mode != "dense":
            keyword = keyword_index.search(words, max(config.candidates, k), articles)
        if mode == "bm25":
            ranked = top(keyword, k)
            hits = self._hits(ranked, keyword, keyword, {})
            sentences = self.store.chunk_sentences(ranked, self.embedder.name)
            return SearchResult(hits, None, stems, sentences, query)
        if vector is None:
            vector = self.embedder.embed([query.model_text])[0]
        dense = self._nearest(vector, max(config.candidates, k), articles)
        first_weight, rerank_weight = config.weights(query)
        if mode == "dense":
            pool = top(dense, max(config.rerank, k))
            keyword = {}
        else:
            missing_dense = [c for c in keyword if c not in dense]
            dense.update(self._similarity(vector, missing_dense))
            pool = top(blend(keyword, dense, first_weight), max(config.rerank, k))
        sentences = self.store.chunk_sentences(pool, self.embedder.name)
        best_sentence = _best_sentences(sentences, vector, dense)
        scores = self._rerank(keyword, best_sentence, pool, rerank_weight)
        ranked = top(scores, k)
        return SearchResult(
            self._hits(ranked, scores, keyword, best_sentence), vector, stems, sentences, query
        )

    def _nearest(self, vector: np.ndarray, n: int, articles: np.ndarray | None) -> dict[int, float]:
        """The n chunks nearest the vector (of the given articles only, if any)."""
        if self.database_vectors is not None:
            return self.database_vectors.nearest(vector, n, articles)
        allowed = self.indexes.keyword.chunks(articles) if articles is not None else None
        return self.indexes.vectors.nearest(vector, n, allowed)

    def _similarity(self, vector: np.ndarray, chunk_ids: list[int]) -> dict[int, float]:
        """The vector's similarity to each of the given chunks."""
        if self.database_vectors is not None:
            return self.database_vectors.similarity(vector, chunk_ids)
        return self.indexes.vectors.similarity(vector, chunk_ids)

    def _rerank(
        self,
        keyword: dict[int, float],
        best_sentence: dict[int, float],
        pool: list[int],
        keyword_weight: float,
    ) -> dict[int, float]:
        """Final scores: keyword relevance blended with each chunk's best sentence similarity."""
        weight = keyword_weight if keyword else 0.0
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
        spans = self.store.chunk_spans(ranked)  # a chunk removed since the search is left out
        return [
            Hit(c, *spans[c], scores[c], keyword.get(c, 0.0), dense.get(c, 0.0))
            for c in ranked
            if c in spans
        ]


def _best_sentences(
    sentences: dict[int, list[SentenceRow]], vector: np.ndarray, dense: dict[int, float]
) -> dict[int, float]:
    """Each chunk's best sentence similarity (its own similarity if it has no sentences)."""
    rows = [(chunk_id, row) for chunk_id, found in sentences.items() for row in found]
    sims = np.stack([row.vector for _, row in rows]) @ vector if rows else np.zeros(0)
    best = {
        chunk_id: dense.get(chunk_id, 0.0) for chunk_id, found in sentences.items() if not found
    }
    for (chunk_id, _), sim in zip(rows, sims.tolist(), strict=True):
        if sim > best.get(chunk_id, -np.inf):
            best[chunk_id] = sim
    return best
