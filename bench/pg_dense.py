"""`python -m bench.pg_dense`: dense search in PostgreSQL (pgvector HNSW) against the exact
in-memory search of the same vectors.

Two stores, each copied into a new database on the local server (deploy/postgres.sh, or
$CYBERBRIEF_BENCH_POSTGRES) and indexed there (the build timed): a synthetic one at size
(bench.synthetic, random unit vectors; queries near stored vectors), for the speed of a big
graph; and, for recall that means something, SciFact's abstracts and its 300 test queries
embedded with the configured model. Prints build time, median and 95th-percentile query times
and recall@100 against the exact answer for each ef_search; asserts nothing.
"""

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.db_copy import fresh_database, server
from bench.report import table
from bench.synthetic import describe, synthetic_store
from retrieval.core.config import Settings
from retrieval.core.database import open_target
from retrieval.core.postgres import PostgresStore
from retrieval.core.postgres_vectors import PostgresVectors
from retrieval.core.store import Store
from retrieval.core.variants import configured_embedder
from retrieval.evaluation.common import load_collection
from retrieval.operations.copying import copy_database
from retrieval.text.raw import RawArticle

SYNTHETIC_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
SCIFACT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "scifact"


def near(matrix: np.ndarray, count: int, seed: int = 11) -> np.ndarray:
    """Unit vectors near stored ones (cosine about 0.95), as questions near their passages."""
    rng = np.random.default_rng(seed)
    picked = matrix[rng.choice(len(matrix), count, replace=False)]
    noise = rng.standard_normal(picked.shape).astype(np.float32) * 0.3 / np.sqrt(picked.shape[1])
    noisy = picked + noise
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def milliseconds(seconds: list[float]) -> list[str]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(seconds)
    return [
        f"{statistics.median(ordered) * 1000:.1f}",
        f"{ordered[int(len(ordered) * 0.95)] * 1000:.1f}",
    ]


def compare(
    name: str, sqlite: Store, model: str, queries: np.ndarray, ef_searches: Sequence[int]
) -> list[list[str]]:
    """Rows for one store: exact search in memory, then the HNSW index at each ef_search."""
    ids, matrix = sqlite.chunk_vectors(model)
    postgres = open_target(fresh_database(server()))
    assert isinstance(postgres, PostgresStore)
    copy_database(sqlite, postgres)
    postgres.run("ANALYZE")
    started = time.perf_counter()
    PostgresVectors(postgres, model, matrix.shape[1]).build()
    build = f"{time.perf_counter() - started:.0f} s"
    exact, truths = [], []
    for query in queries:
        started = time.perf_counter()
        best = np.argpartition(-(matrix @ query), 99)[:100]
        exact.append(time.perf_counter() - started)
        truths.append({int(ids[i]) for i in best})
    rows = [[name, "exact, in memory", "-", *milliseconds(exact), "1.000"]]
    for ef_search in ef_searches:
        index = PostgresVectors(postgres, model, matrix.shape[1], ef_search)
        taken, recalls = [], []
        for query, truth in zip(queries, truths, strict=True):
            started = time.perf_counter()
            found = index.nearest(query, 100)
            taken.append(time.perf_counter() - started)
            recalls.append(len(truth & set(found)) / len(truth))
        recall = f"{statistics.mean(recalls):.3f}"
        rows.append([name, f"HNSW, ef_search={ef_search}", build, *milliseconds(taken), recall])
    postgres.close()
    return rows


def scifact(folder: Path) -> tuple[Store, str, np.ndarray, str]:
    """SciFact's abstracts stored with the configured model, its test queries embedded."""
    embedder = configured_embedder(Settings.from_env())
    corpus = [json.loads(line) for line in (SCIFACT / "corpus.jsonl").open(encoding="utf-8")]
    articles = [
        RawArticle(title=row.get("title") or row["_id"], text=row["text"], origin=row["_id"])
        for row in corpus
        if row["text"].strip()
    ]
    collection, _ = load_collection(articles, embedder, folder / "scifact.db")
    tested = {line.split("\t")[0] for line in (SCIFACT / "qrels" / "test.tsv").open()}
    queries = [
        row["text"]
        for row in map(json.loads, (SCIFACT / "queries.jsonl").open(encoding="utf-8"))
        if row["_id"] in tested
    ]
    chunks = collection.store.rows("SELECT count(*) FROM chunks")[0][0]
    about = f"SciFact: {len(articles):,} abstracts, {chunks:,} chunks, {len(queries)} queries"
    return collection.store, embedder.name, embedder.embed(queries), about


def main(argv: Sequence[str] | None = None) -> None:
    """Index and query both stores; print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_dense", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000, help="synthetic store size")
    parser.add_argument("--queries", type=int, default=200, help="queries on the synthetic store")
    parser.add_argument("--ef-search", default="100,200,400", help="graph candidates, each tried")
    args = parser.parse_args(argv)
    ef_searches = [int(value) for value in args.ef_search.split(",")]
    built = synthetic_store(args.chunks, SYNTHETIC_MODEL)
    synthetic = Store(built.path)
    _, matrix = synthetic.chunk_vectors(SYNTHETIC_MODEL)
    rows = compare("synthetic", synthetic, SYNTHETIC_MODEL, near(matrix, args.queries), ef_searches)
    synthetic.close()
    with tempfile.TemporaryDirectory() as folder:
        store, model, queries, about = scifact(Path(folder))
        rows += compare("SciFact", store, model, queries, ef_searches)
        store.close()
    print(f"## Dense search in PostgreSQL\n\nsynthetic: {describe(built)}; {about}\n")
    print(table(["store", "search", "index build", "median ms", "p95 ms", "recall@100"], rows))


if __name__ == "__main__":
    main()
