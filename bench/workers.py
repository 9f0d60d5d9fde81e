"""`python -m bench.workers`: what the workers' shared state costs per call, on both backends.

Times `first_sight` (an update seen), `reserve` (a send slot for a group) and `admit` (a
question against the flood limit): each is one short transaction. SQLite is a temporary file;
PostgreSQL a new database on the local server (deploy/postgres.sh, or
$CYBERBRIEF_BENCH_POSTGRES). Prints medians and 95th percentiles; asserts nothing.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.db_copy import fresh_database, server
from bench.report import table
from bot.workers import limits_for
from retrieval.core.database import open_target
from retrieval.workers.flood import FloodLimit
from retrieval.workers.store import WorkerStore, open_workers


def timings(call: Callable[[int], object], n: int) -> list[float]:
    """Seconds taken by each of n calls."""
    taken = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        taken.append(time.perf_counter() - started)
    return taken


def measure(workers: WorkerStore, n: int) -> list[tuple[str, list[float]]]:
    """Each operation timed n times."""
    now = time.time()
    return [
        ("first_sight", timings(lambda i: workers.first_sight(1, 10_000_000 + i, now), n)),
        ("reserve", timings(lambda i: workers.reserve(limits_for(-5 - i % 50), now + i), n)),
        ("admit", timings(lambda i: workers.admit("q", i % 100, now + i, FloodLimit(10, 60)), n)),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Time the operations on SQLite and PostgreSQL; print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--calls", type=int, default=500, help="calls of each operation")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for backend, target in (
            ("SQLite", str(Path(folder) / "workers.db")),
            ("PostgreSQL", fresh_database(server())),
        ):
            store = open_target(target)
            for name, taken in measure(open_workers(store), args.calls):
                median, p95 = statistics.median(taken), sorted(taken)[int(len(taken) * 0.95)]
                rows.append([backend, name, f"{median * 1000:.2f}", f"{p95 * 1000:.2f}"])
            store.close()
    print("## Workers' shared state\n")
    print(table(["backend", "operation", "median ms", "p95 ms"], rows))


if __name__ == "__main__":
    main()
