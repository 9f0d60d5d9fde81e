"""Briefing benchmark: a collection growing by 500 articles a day for 30 days.

Prints the time and memory of building a briefing over the last 1, 7 and 30 days. Articles are
generated text with random unit vectors (the model plays no part in building a briefing).

    python -m bench.briefing [--per-day 500] [--days 30] [--words 300]
"""

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.corpus import ArticleGenerator, vocabulary
from bench.machine import facts
from bench.report import median, table
from bench.synthetic import write_synthetic
from retrieval.briefings.builder import Briefer
from retrieval.briefings.render import briefing_blocks
from retrieval.core.collection import Collection
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import Store

RUNS = 3
WINDOWS = (1, 7, 30)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.briefing", description=__doc__)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--words", type=int, default=300, help="median words per article")
    return parser.parse_args(argv)


def grow(store: Store, args: argparse.Namespace, now: datetime, model: str) -> None:
    """Write the articles, then date their storage day by day back from now."""
    generator = ArticleGenerator(vocabulary(), seed=5, median_words=args.words)
    rng = np.random.default_rng(5)
    total = args.per_day * args.days
    with store.transaction():
        for number in range(total):
            write_synthetic(store, generator.article(number), rng, model)
            if number % 1000 == 999:
                print(f"  {number + 1:,}/{total:,} articles", end="\r", file=sys.stderr)
    print(file=sys.stderr)
    with store.transaction() as db:  # the benchmark's own clock: article n arrives on day n/500
        for number in range(total):
            age = timedelta(days=args.days) * (1 - (number + 0.5) / total)
            stamp = (now - age).isoformat(timespec="seconds")
            db.execute(
                "UPDATE articles SET ingested_at = ?, published = ? WHERE id = ?",
                [stamp, stamp, number + 1],
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the collection, time briefings over each window, print the report."""
    args = parse(argv)
    now = datetime.now(UTC).replace(microsecond=0)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cyberbrief-briefing-") as folder:
        store = Store(Path(folder) / "briefing.db")
        embedder = OnnxEmbedder()
        started = time.perf_counter()
        grow(store, args, now, embedder.name)
        built = time.perf_counter() - started
        briefer = Briefer(Collection(store, embedder), clock=lambda: now)
        for days in WINDOWS:
            if days > args.days:
                continue
            seconds = []
            for _ in range(RUNS):
                started = time.perf_counter()
                briefing = briefer.build(now - timedelta(days=days))
                blocks = briefing_blocks(briefing)
                seconds.append(time.perf_counter() - started)
            tracemalloc.start()  # a separate build: tracing slows Python down
            briefing_blocks(briefer.build(now - timedelta(days=days)))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append(
                (
                    f"{days} day{'s' if days > 1 else ''}",
                    f"{days * args.per_day:,}",
                    f"{briefing.total_stories:,}",
                    len(briefing.stories),
                    f"{median(seconds) * 1000:,.0f} ms",
                    f"{peak / 2**20:,.1f} MiB",
                    len(blocks),
                )
            )
        store.close()
    print(
        "\n".join(
            [
                "# Briefings over a growing collection",
                "",
                table(["machine", ""], facts()),
                "",
                f"{args.per_day} articles a day for {args.days} days (median {args.words} words; "
                f"built in {built:.0f} s), random unit vectors; median of {RUNS} builds; "
                "peak heap (Python and numpy) of one more build, traced by tracemalloc.",
                "",
                table(
                    [
                        "window",
                        "articles",
                        "stories",
                        "shown",
                        "build + render",
                        "peak heap",
                        "blocks",
                    ],
                    rows,
                ),
            ]
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
