"""`python -m bench.pg_ask`: warm ask latency on PostgreSQL against SQLite, one collection.

A synthetic store (bench.synthetic, 100k chunks by default, real sentence vectors nudged when
../shared/eval is there) is copied into a new database on the local server (deploy/postgres.sh,
or $CYBERBRIEF_BENCH_POSTGRES) and its HNSW index built. Then, alternating the backends
question by question so that the machine's load falls on both alike, each asks every question
of bench.queries `--repeats` times after a warm-up (which builds the keyword index in memory).
Prints medians and 95th percentiles and the ratio of the medians; asserts nothing.
"""

import argparse
import statistics
import time
from collections.abc import Sequence

from bench import realvectors
from bench.db_copy import fresh_database, server
from bench.pg_dense import milliseconds
from bench.queries import QUESTIONS
from bench.report import table
from bench.synthetic import describe, synthetic_store
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.database import open_target
from retrieval.core.store import Store
from retrieval.core.variants import configured_embedder
from retrieval.operations.copying import copy_database


def main(argv: Sequence[str] | None = None) -> None:
    """Build both stores, ask on both, print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_ask", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000, help="synthetic store size")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of the questions")
    args = parser.parse_args(argv)
    embedder = configured_embedder(Settings.from_env())
    pool = realvectors.real_vectors(embedder).sentences if realvectors.available() else None
    built = synthetic_store(args.chunks, embedder.name, pool)
    sqlite = Store(built.path)
    postgres = open_target(fresh_database(server(), "cyberbrief_bench_ask"))
    started = time.perf_counter()
    copy_database(sqlite, postgres)
    copied = time.perf_counter() - started
    collections = {
        "SQLite": Collection(sqlite, embedder),
        "PostgreSQL": Collection(postgres, embedder),
    }
    started = time.perf_counter()
    collections["PostgreSQL"].searcher.checkpoint()  # the HNSW index, as after an ingest
    indexed = time.perf_counter() - started
    warm: dict[str, float] = {}
    for name, collection in collections.items():
        started = time.perf_counter()
        collection.ask(QUESTIONS[0])
        warm[name] = time.perf_counter() - started
    taken: dict[str, list[float]] = {name: [] for name in collections}
    for _ in range(args.repeats):
        for question in QUESTIONS:
            for name, collection in collections.items():
                started = time.perf_counter()
                collection.ask(question)
                taken[name].append(time.perf_counter() - started)
    for collection in collections.values():
        collection.close()
    median = {name: statistics.median(seconds) for name, seconds in taken.items()}
    rows = [
        [name, f"{warm[name]:.1f} s", *milliseconds(taken[name]), str(len(taken[name]))]
        for name in collections
    ]
    print(f"## Warm ask on PostgreSQL and SQLite\n\n{describe(built)}")
    print(f"copied into PostgreSQL in {copied:.0f} s, HNSW index built in {indexed:.0f} s\n")
    print(table(["backend", "first ask (indexes)", "median ms", "p95 ms", "asks"], rows))
    print(f"\nPostgreSQL / SQLite, median: {median['PostgreSQL'] / median['SQLite']:.2f}x")


if __name__ == "__main__":
    main()
