"""Dense search in PostgreSQL through pgvector's HNSW index."""

import numpy as np
import pytest

from retrieval.core.postgres import PostgresStore
from retrieval.core.postgres_vectors import PostgresVectors
from retrieval.core.store import ArticleWrite
from retrieval.text.raw import RawArticle

DIMENSION = 16


@pytest.fixture
def vectors(postgres_url: str) -> tuple[PostgresStore, dict[int, np.ndarray]]:
    """300 one-chunk articles with random unit vectors, and each chunk's vector by its id."""
    store = PostgresStore(postgres_url)
    rng = np.random.default_rng(3)
    for n in range(300):
        vector = rng.standard_normal((1, DIMENSION)).astype(np.float32)
        vector /= np.linalg.norm(vector)
        text = f"Article {n}."
        raw = RawArticle(title=f"A{n}", text=text, origin=f"o{n}")
        span = [(0, len(text))]
        store.write_article(ArticleWrite(raw, f"h{n}", span, span, vector, vector, "m"))
    rows = store.rows("SELECT chunk_id, vector FROM embeddings ORDER BY chunk_id")
    return store, {chunk_id: vector.to_numpy() for chunk_id, vector in rows}


def exact(chunks: dict[int, np.ndarray], query: np.ndarray, n: int) -> list[int]:
    """The n nearest chunk ids by cosine, computed exactly."""
    return sorted(chunks, key=lambda chunk: -float(chunks[chunk] @ query))[:n]


def test_the_nearest_chunks_come_from_the_index_as_exactly_computed(vectors) -> None:
    store, chunks = vectors
    index = PostgresVectors(store, "m", DIMENSION)
    index.build()
    query = chunks[min(chunks)] * 0.9 + chunks[max(chunks)] * 0.1
    query /= np.linalg.norm(query)
    found = index.nearest(query, 10)
    assert list(found) == exact(chunks, query, 10)
    best = min(chunks)
    assert found[best] == pytest.approx(float(chunks[best] @ query), abs=1e-5)
    with store.transaction() as conn:  # the query's shape can use the index (300 rows: no need)
        for plan_kind in ("seqscan", "bitmapscan", "sort"):
            conn.execute(f"SET LOCAL enable_{plan_kind} = off")
        plan = conn.execute(
            "EXPLAIN SELECT chunk_id FROM embeddings e WHERE e.model = 'm' "
            "ORDER BY e.vector::vector(16) <=> %s LIMIT 10",
            [query],
        ).fetchall()
    assert "Index Scan using embeddings_hnsw_" in " ".join(row[0] for row in plan)
    store.close()


def test_a_filter_keeps_to_its_articles(vectors) -> None:
    store, chunks = vectors
    index = PostgresVectors(store, "m", DIMENSION)
    index.build()
    articles = dict(store.rows("SELECT id, article_id FROM chunks"))
    allowed = {article for chunk, article in articles.items() if chunk % 7 == 0}
    query = chunks[min(chunks)]
    found = index.nearest(query, 5, allowed)
    assert found and {articles[chunk] for chunk in found} <= allowed
    inside = {chunk: v for chunk, v in chunks.items() if articles[chunk] in allowed}
    assert list(found) == exact(inside, query, 5)
    assert PostgresVectors(store, "other", DIMENSION).nearest(query, 5) == {}
    store.close()


def test_similarity_to_given_chunks_is_the_cosine(vectors) -> None:
    store, chunks = vectors
    index = PostgresVectors(store, "m", DIMENSION)
    query = chunks[min(chunks)]
    wanted = sorted(chunks)[:5]
    found = index.similarity(query, wanted)
    assert found.keys() == set(wanted)
    for chunk_id in wanted:
        assert found[chunk_id] == pytest.approx(float(chunks[chunk_id] @ query), abs=1e-5)
    assert index.similarity(query, []) == {}
