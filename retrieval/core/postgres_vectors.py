"""Dense search in PostgreSQL: pgvector's HNSW graph (cosine), one per model and dimension."""

import hashlib
from collections.abc import Collection, Sequence

import numpy as np
from psycopg import sql

from retrieval.core.postgres import PostgresStore

EF_SEARCH = 100  # candidates the graph walk keeps; at least as many as a search asks for
BUILD_LOCK = 0x686E_7377  # the advisory lock a worker building an HNSW index holds ("hnsw")
BUILD_MEMORY = "1GB"  # the graph is built fast while it fits in memory (100k vectors: ~250 MB)


def index_name(model: str, dimension: int) -> str:
    """The name of a model's HNSW index (models are free text: hashed)."""
    digest = hashlib.sha256(model.encode()).hexdigest()[:12]
    return f"embeddings_hnsw_{digest}_{dimension}"


class PostgresVectors:
    """The chunk vectors of one model, searched by pgvector's HNSW index on cosine distance.

    Vectors of every model share one column without dimensions; each model gets a partial
    expression index casting its vectors to their dimension, which the queries repeat.
    """

    def __init__(
        self, store: PostgresStore, model: str, dimension: int, ef_search: int = EF_SEARCH
    ) -> None:
        self.store = store
        self.model = model
        self.dimension = dimension
        self.ef_search = ef_search
        self._vector = sql.SQL("e.vector::vector({})").format(sql.Literal(dimension))

    def build(self) -> None:
        """Create the model's index if it is missing (without blocking writers meanwhile);
        of several workers finishing an ingest at once, one builds it."""
        name = index_name(self.model, self.dimension)
        if self.store.rows("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name]):
            return
        ((locked,),) = self.store.rows("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK])
        if not locked:  # another worker is building it
            return
        try:
            self._create()
        finally:
            self.store.rows("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK])

    def _create(self) -> None:
        """CREATE INDEX CONCURRENTLY, with memory enough for the graph."""
        create = sql.SQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON embeddings USING hnsw "
            "((vector::vector({})) vector_cosine_ops) WHERE model = {}"
        ).format(
            sql.Identifier(index_name(self.model, self.dimension)),
            sql.Literal(self.dimension),
            sql.Literal(self.model),
        )
        self.store.run(sql.SQL("SET maintenance_work_mem = {}").format(sql.Literal(BUILD_MEMORY)))
        try:
            self.store.run(create)
        finally:
            self.store.run("RESET maintenance_work_mem")

    def nearest(
        self, vector: np.ndarray, n: int, articles: Collection[int] | None = None
    ) -> dict[int, float]:
        """The n chunks most similar to the vector (only those of `articles`, if given), as
        chunk id -> cosine similarity."""
        query = np.asarray(vector, dtype=np.float32)
        within = sql.SQL("")
        params: list[object] = [query]
        if articles is not None:
            within = sql.SQL("AND c.article_id = ANY(%s)")
            params.append(sorted(int(article) for article in articles))
        statement = sql.SQL(
            "SELECT e.chunk_id, 1 - ({vector} <=> %s) AS similarity FROM embeddings e "
            "JOIN chunks c ON c.id = e.chunk_id WHERE e.model = {model} {within} "
            "ORDER BY {vector} <=> %s LIMIT %s"
        ).format(vector=self._vector, model=sql.Literal(self.model), within=within)
        with self.store.transaction() as conn:
            conn.execute(  # for this transaction only, in one round trip
                "SELECT set_config('hnsw.ef_search', %s, true), "
                "set_config('hnsw.iterative_scan', 'relaxed_order', true)",
                [str(max(self.ef_search, n))],
            )
            rows = conn.execute(statement, [*params, query, n]).fetchall()
        return {int(chunk_id): float(similarity) for chunk_id, similarity in rows}

    def similarity(self, vector: np.ndarray, chunk_ids: Sequence[int]) -> dict[int, float]:
        """Cosine similarity of the vector to each of the given chunks that has a vector."""
        if not chunk_ids:
            return {}
        statement = sql.SQL(
            "SELECT e.chunk_id, 1 - ({vector} <=> %s) FROM embeddings e "
            "WHERE e.model = {model} AND e.chunk_id = ANY(%s)"
        ).format(vector=self._vector, model=sql.Literal(self.model))
        query = np.asarray(vector, dtype=np.float32)
        rows = self.store.rows(statement, [query, [int(c) for c in chunk_ids]])
        return {int(chunk_id): float(similarity) for chunk_id, similarity in rows}
