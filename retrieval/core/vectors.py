"""The dense index: chunk vectors in memory, exact below GRAPH_MIN chunks, an HNSW graph above.

Below GRAPH_MIN chunks one matrix product is fast and exact. Above, an HNSW graph (usearch)
answers in a fraction of a millisecond with recall@100 >= 0.98 on the model's real vectors
(`python -m bench.recall`). Either way the index follows writes: new vectors are added and the
vectors of removed or rewritten chunks dropped, never everything reloaded.
"""

import math
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits
from usearch.index import Index

GRAPH_MIN = 10_000
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 256
GRAPH_DTYPE = "f16"
EXACT_FILTER = 20_000  # with filters allowing at most this many chunks, compare with each
OVERSAMPLE = 2  # a filtered graph search asks for this many times the expected need
BATCH = 50_000  # vectors handled at once when building a graph or scanning it exactly


class VectorIndex:
    """Cosine similarity between a query and chunk vectors; thread-safe."""

    def __init__(self, dimension: int) -> None:
        # One BLAS thread: a query's small products gain nothing from more, and idle BLAS threads
        # spinning after each one slowed the next query embedding 2.5x (README, Speed).
        threadpool_limits(1, user_api="blas")
        self.dimension = dimension
        self._lock = threading.Lock()
        self._ids = np.zeros(0, np.int64)  # exact mode: ids and their unit vectors
        self._matrix = _empty(dimension)
        self._graph: Index | None = None  # approximate mode
        self.unsaved = 0  # vectors added or dropped since the graph was saved or loaded

    @property
    def approximate(self) -> bool:
        """Whether searches go through the HNSW graph."""
        return self._graph is not None

    def __len__(self) -> int:
        graph = self._graph
        return len(graph) if graph is not None else len(self._ids)

    def nearest(
        self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None
    ) -> dict[int, float]:
        """The n chunks most similar to the vector (among the allowed ids), as id -> cosine."""
        with self._lock:
            if self._graph is None:
                return _best(self._ids, self._matrix, vector, n, allowed)
            return self._graph_nearest(self._graph, vector, n, allowed)

    def similarity(self, vector: np.ndarray, chunk_ids: Sequence[int]) -> dict[int, float]:
        """Cosine similarity of the vector to each of the given chunks the index holds."""
        wanted = np.asarray(chunk_ids, np.int64)
        with self._lock:
            ids, matrix = self._vectors(wanted)
        sims = matrix @ vector
        return dict(zip(ids.tolist(), sims.tolist(), strict=True))

    def update(self, touched: np.ndarray, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Drop the touched chunks' old vectors, then add the given ones."""
        vectors = vectors.reshape(len(ids), self.dimension).astype(np.float32, copy=False)
        with self._lock:
            self.unsaved += len(touched) + len(ids)
            graph = self._graph
            if graph is None:
                keep = ~np.isin(self._ids, touched)
                self._ids = np.concatenate([self._ids[keep], ids])
                self._matrix = np.concatenate([self._matrix[keep], vectors])
                return
            present = touched[graph.contains(touched)] if len(touched) else touched
            if len(present):
                graph.remove(present)
            if len(ids):
                graph.add(ids, vectors)

    def settle(self) -> bool:
        """Move to the graph once the index is big enough (or back when it shrank); say if so."""
        with self._lock:
            size = len(self)
            if self._graph is None and size >= GRAPH_MIN:
                self._to_graph()
                return True
            if self._graph is not None and size < GRAPH_MIN // 2:
                keys = np.asarray(self._graph.keys, np.int64)
                self._ids, self._matrix = self._vectors(keys)
                self._graph = None
                return True
            return False

    def to_graph(self) -> None:
        """Move to the graph now, whatever the size (to measure it)."""
        with self._lock:
            if self._graph is None:
                self._to_graph()

    def expansion(self, value: int) -> None:
        """How widely the graph searches: wider finds more of the true nearest, slower."""
        with self._lock:
            if self._graph is not None:
                self._graph.expansion_search = value  # type: ignore[misc]

    def _to_graph(self) -> None:
        """Put the exact index's vectors in a new graph (under the lock)."""
        graph = _graph(self.dimension)
        for start in range(0, len(self._ids), BATCH):
            graph.add(self._ids[start : start + BATCH], self._matrix[start : start + BATCH])
        self._graph = graph
        self._ids, self._matrix = np.zeros(0, np.int64), _empty(self.dimension)

    def save(self, path: Path) -> bool:
        """Write the graph to a file (the exact mode is quick to rebuild and is not saved)."""
        with self._lock:
            if self._graph is None:
                return False
            self._graph.save(str(path))
            self.unsaved = 0
            return True

    def load(self, path: Path) -> None:
        """Take the graph saved in a file, replacing what the index held."""
        graph = Index.restore(str(path))
        if graph is None or graph.ndim != self.dimension:
            raise ValueError(f"{path} holds no graph of {self.dimension} dimensions")
        graph.expansion_search = EXPANSION_SEARCH  # type: ignore[misc]  # not saved in the file
        with self._lock:
            self._graph, self.unsaved = graph, 0
            self._ids, self._matrix = np.zeros(0, np.int64), _empty(self.dimension)

    def _vectors(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ids among `wanted` that the index holds, and their vectors (under the lock)."""
        graph = self._graph
        if graph is None:
            keep = np.isin(self._ids, wanted)
            return self._ids[keep], self._matrix[keep]
        ids = wanted[graph.contains(wanted)] if len(wanted) else wanted
        if not len(ids):
            return ids, _empty(self.dimension)
        found: tuple[np.ndarray, ...] = graph.get(ids, dtype="f32")  # type: ignore[assignment]
        return ids, np.stack(found)

    def _graph_nearest(
        self, graph: Index, vector: np.ndarray, n: int, allowed: np.ndarray | None
    ) -> dict[int, float]:
        """Nearest chunks through the graph; with few allowed chunks, compared one by one."""
        size = len(graph)
        if not size:
            return {}
        if allowed is not None and len(allowed) <= EXACT_FILTER:
            ids, matrix = self._vectors(allowed)
            return _best(ids, matrix, vector, n, None)
        count = min(size, n)
        if allowed is not None:
            count = min(size, math.ceil(n * OVERSAMPLE * size / max(len(allowed), 1)))
        while True:
            matches = graph.search(vector, count)
            keys = np.asarray(matches.keys, np.int64)
            sims = 1.0 - np.asarray(matches.distances, np.float64)
            if allowed is not None:
                keep = np.isin(keys, allowed)
                keys, sims = keys[keep], sims[keep]
            if len(keys) >= n or count >= size:
                break
            count = min(size, count * 4)
        best = np.argsort(-sims, kind="stable")[:n]
        return dict(zip(keys[best].tolist(), sims[best].tolist(), strict=True))


def _empty(dimension: int) -> np.ndarray:
    """No vectors."""
    return np.zeros((0, dimension), np.float32)


def _graph(dimension: int) -> Index:
    """An empty HNSW graph for cosine similarity."""
    return Index(
        ndim=dimension,
        metric="cos",
        dtype=GRAPH_DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )


def _best(
    ids: np.ndarray, matrix: np.ndarray, vector: np.ndarray, n: int, allowed: np.ndarray | None
) -> dict[int, float]:
    """The n best rows of an exact comparison, as id -> cosine similarity."""
    if allowed is not None:
        keep = np.isin(ids, allowed)
        ids, matrix = ids[keep], matrix[keep]
    if not len(ids) or n <= 0:
        return {}
    sims = matrix @ vector
    n = min(n, len(ids))
    best = np.argpartition(-sims, n - 1)[:n]
    return dict(zip(ids[best].tolist(), sims[best].astype(float).tolist(), strict=True))
