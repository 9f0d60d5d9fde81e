"""`python -m bench.pg_dense`: dense search at size in PostgreSQL (pgvector HNSW) against the
exact in-memory search SQLite's store uses, on the same synthetic store.

The synthetic store (bench.synthetic, random unit vectors) is copied into a new database on the
local server (deploy/postgres.sh, or $CYBERBRIEF_BENCH_POSTGRES); its HNSW index is built
(timed); then queries near stored vectors ask both for their 100 nearest chunks. Prints build
time, median and 95th-percentile query times and recall@100 against the exact answer; asserts
nothing. Random vectors are the hard case for a graph index: real ones cluster.
"""

import argparse
import statistics
import time
from collections.abc import Sequence

import numpy as np

from bench.db_copy import fresh_database, server
from bench.report import table
from bench.synthetic import describe, synthetic_store
from retrieval.core.database import open_target
from retrieval.core.postgres import PostgresStore
from retrieval.core.postgres_vectors import PostgresVectors
from retrieval.core.store import Store
from retrieval.operations.copying import copy_database

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384


def queries(matrix: np.ndarray, count: int, seed: int = 11) -> np.ndarray:
    """Unit vectors near stored ones, as questions land near the passages answering them."""
    rng = np.random.default_rng(seed)
    picked = matrix[rng.choice(len(matrix), count, replace=False)]
    noisy = picked + rng.standard_normal(picked.shape).astype(np.float32) * 0.05
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def percentiles(seconds: list[float]) -> tuple[str, str]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(seconds)
    return (
        f"{statistics.median(ordered) * 1000:.1f}",
        f"{ordered[int(len(ordered) * 0.95)] * 1000:.1f}",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Copy, index and query; print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_dense", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000, help="synthetic store size")
    parser.add_argument("--queries", type=int, default=200, help="queries asked")
    parser.add_argument("--ef-search", default="100,200,400", help="graph candidates, each tried")
    args = parser.parse_args(argv)
    built = synthetic_store(args.chunks, MODEL)
    print(f"## Dense search at size\n\n{describe(built)}\n")
    sqlite = Store(built.path)
    ids, matrix = sqlite.chunk_vectors(MODEL)
    postgres = open_target(fresh_database(server()))
    assert isinstance(postgres, PostgresStore)
    copy_database(sqlite, postgres)
    postgres.run("ANALYZE")
    started = time.perf_counter()
    PostgresVectors(postgres, MODEL, DIMENSION).build()
    build_seconds = time.perf_counter() - started
    asked = queries(matrix, args.queries)
    exact_times, truths = [], []
    for query in asked:
        started = time.perf_counter()
        best = np.argpartition(-(matrix @ query), 99)[:100]
        exact_times.append(time.perf_counter() - started)
        truths.append({int(ids[i]) for i in best})
    rows = [["exact, in memory (SQLite's)", "-", *percentiles(exact_times), "1.000"]]
    for ef_search in (int(value) for value in args.ef_search.split(",")):
        index = PostgresVectors(postgres, MODEL, DIMENSION, ef_search)
        graph_times, recalls = [], []
        for query, truth in zip(asked, truths, strict=True):
            started = time.perf_counter()
            found = index.nearest(query, 100)
            graph_times.append(time.perf_counter() - started)
            recalls.append(len(truth & set(found)) / len(truth))
        name = f"pgvector HNSW (m=16, ef_construction=64), ef_search={ef_search}"
        recall = f"{statistics.mean(recalls):.3f}"
        rows.append([name, f"{build_seconds:.0f} s", *percentiles(graph_times), recall])
    print(table(["dense search", "index build", "median ms", "p95 ms", "recall@100"], rows))
    sqlite.close()
    postgres.close()


if __name__ == "__main__":
    main()
