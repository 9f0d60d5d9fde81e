"""`python -m bench.pg_answers`: answers per second with 1, 2 and 4 worker processes on
PostgreSQL against one on SQLite, one collection, one run.

A synthetic store (bench.synthetic, 10k chunks by default) is copied into a new database on the
local server. Each worker is a process of its own, as a bot worker is: it opens the collection
with the configured model, asks once to warm up, waits for the others, then asks the questions
of bench.queries in turn for `--seconds`. Prints answers per second and the median time of an
answer; asserts nothing. The machine's cores bound what more workers can add.
"""

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Sequence
from multiprocessing.synchronize import Barrier

from bench.db_copy import fresh_database, server
from bench.queries import QUESTIONS
from bench.report import table
from bench.synthetic import describe, synthetic_store
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.database import open_target
from retrieval.core.store import Store
from retrieval.core.variants import configured_embedder
from retrieval.operations.copying import copy_database


def work(
    target: str, seconds: float, first: int, ready: Barrier, results: "multiprocessing.Queue"
) -> None:
    """One worker: warm up, wait for the others, then answer for `seconds`; put the times."""
    collection = Collection(open_target(target), configured_embedder(Settings.from_env()))
    collection.ask(QUESTIONS[0])
    ready.wait()
    taken: list[float] = []
    end = time.perf_counter() + seconds
    n = first
    while (started := time.perf_counter()) < end:
        collection.ask(QUESTIONS[n % len(QUESTIONS)])
        taken.append(time.perf_counter() - started)
        n += 1
    collection.close()
    results.put(taken)


def run(target: str, workers: int, seconds: float) -> list[list[float]]:
    """Each worker's answer times, all started together."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(workers + 1)
    results = context.Queue()
    processes = [
        context.Process(target=work, args=(target, seconds, n * 7, ready, results))
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=600)
    found = [results.get(timeout=seconds + 600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return found


def main(argv: Sequence[str] | None = None) -> None:
    """Copy the store, run each configuration, print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_answers", description=__doc__)
    parser.add_argument("--chunks", type=int, default=10_000, help="synthetic store size")
    parser.add_argument("--seconds", type=float, default=30.0, help="answering per configuration")
    args = parser.parse_args(argv)
    embedder = configured_embedder(Settings.from_env())
    built = synthetic_store(args.chunks, embedder.name)
    postgres_url = fresh_database(server(), "cyberbrief_bench_answers")
    postgres = open_target(postgres_url)
    copy_database(Store(built.path), postgres)
    Collection(postgres, embedder).searcher.checkpoint()  # the HNSW index, as after an ingest
    postgres.close()
    rows = []
    for name, target, workers in (
        ("SQLite", str(built.path), 1),
        ("PostgreSQL", postgres_url, 1),
        ("PostgreSQL", postgres_url, 2),
        ("PostgreSQL", postgres_url, 4),
    ):
        taken = run(target, workers, args.seconds)
        answers = sum(len(times) for times in taken)
        every = [seconds for times in taken for seconds in times]
        rows.append(
            [
                name,
                str(workers),
                f"{answers / args.seconds:.1f}",
                f"{statistics.median(every) * 1000:.0f}",
            ]
        )
    print(f"## Answers per second by workers\n\n{describe(built)}; {args.seconds:.0f} s each\n")
    print(table(["backend", "workers", "answers/s", "median ms per answer"], rows))


if __name__ == "__main__":
    main()
