"""The dense index: exact when small, an HNSW graph when big, following writes either way."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.core import vectors
from retrieval.core.vectors import VectorIndex

NONE = np.zeros(0, np.int64)


def clustered(count: int, dimension: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors around a few centres, like a model's (random ones have no neighbours)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((8, dimension))
    rows = centres[rng.integers(0, 8, count)] + 0.4 * rng.standard_normal((count, dimension))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def exact_best(ids: np.ndarray, matrix: np.ndarray, query: np.ndarray, n: int) -> list[int]:
    """The n most similar ids by a full comparison."""
    return ids[np.argsort(-(matrix @ query), kind="stable")[:n]].tolist()


def test_exact_index_adds_and_drops_vectors() -> None:
    matrix = clustered(50)
    index = VectorIndex(32)
    index.update(NONE, np.arange(1, 51), matrix)
    assert not index.approximate and len(index) == 50
    assert list(index.nearest(matrix[9], 1)) == [10]
    index.update(np.array([10]), np.array([10]), matrix[20])  # chunk 10 rewritten
    assert index.similarity(matrix[20], [10, 21]) == pytest.approx({10: 1.0, 21: 1.0})
    index.update(np.array([10, 99]), NONE, matrix[:0])  # chunk 10 removed, 99 never held
    assert len(index) == 49 and 10 not in index.nearest(matrix[20], 49)
    assert set(index.nearest(matrix[0], 5, allowed=np.array([3, 4]))) == {3, 4}


def test_above_the_threshold_the_graph_finds_what_an_exact_search_finds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(vectors, "GRAPH_MIN", 100)
    matrix, ids = clustered(600), np.arange(1000, 1600)
    index = VectorIndex(32)
    index.update(NONE, ids, matrix)
    assert index.settle() and index.approximate and len(index) == 600
    queries = clustered(20, seed=1)
    recall = np.mean(
        [len(set(index.nearest(q, 10)) & set(exact_best(ids, matrix, q, 10))) / 10 for q in queries]
    )
    assert recall >= 0.98
    sims = index.similarity(queries[0], [1000, 1001, 5])
    assert set(sims) == {1000, 1001}
    assert sims[1000] == pytest.approx(float(matrix[0] @ queries[0]), abs=2e-3)  # half floats

    index.update(np.array([1000]), NONE, matrix[:0])
    assert 1000 not in index.nearest(matrix[0], 5) and len(index) == 599
    assert index.save(tmp_path / "graph.usearch")
    loaded = VectorIndex(32)
    loaded.load(tmp_path / "graph.usearch")
    assert loaded.approximate and loaded.nearest(queries[3], 10) == pytest.approx(
        index.nearest(queries[3], 10)
    )


@pytest.mark.parametrize("exact_filter", [1000, 10])
def test_filtered_graph_search_returns_only_allowed_chunks(
    monkeypatch: pytest.MonkeyPatch, exact_filter: int
) -> None:
    monkeypatch.setattr(vectors, "GRAPH_MIN", 100)
    monkeypatch.setattr(vectors, "EXACT_FILTER", exact_filter)  # compared one by one, or not
    matrix, ids = clustered(400), np.arange(400)
    index = VectorIndex(32)
    index.update(NONE, ids, matrix)
    index.settle()
    allowed = ids[::7]
    query = clustered(1, seed=2)[0]
    found = index.nearest(query, 20, allowed)
    assert len(found) == 20 and set(found) <= set(allowed.tolist())
    expected = exact_best(allowed, matrix[allowed], query, 20)
    assert len(set(found) & set(expected)) >= 19


def test_the_graph_gives_way_to_exact_search_when_the_collection_shrinks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vectors, "GRAPH_MIN", 100)
    matrix = clustered(120)
    index = VectorIndex(32)
    index.update(NONE, np.arange(120), matrix)
    index.settle()
    index.update(np.arange(80), NONE, matrix[:0])
    assert index.settle() and not index.approximate and len(index) == 40
    assert list(index.nearest(matrix[100], 1)) == [100]


def test_the_vector_index_and_onnx_runtime_load_in_either_order() -> None:
    """usearch 2.26.2 to 2.26.6 crash the process when onnxruntime is imported after them."""
    for first, second in (("retrieval.core.vectors", "onnxruntime"), ("onnxruntime", "usearch")):
        done = subprocess.run(
            [sys.executable, "-c", f"import {first}, {second}; print('loaded')"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (done.returncode, done.stdout.strip()) == (0, "loaded"), done.stderr
