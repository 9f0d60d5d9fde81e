"""`python -m bench.recall`: recall@100 of the HNSW graph on real model vectors, against exact.

The graph is the one search uses (retrieval.core.vectors: same parameters), filled with the
sentence vectors of SciFact and SQuAD dev (bench.realvectors) and asked with real queries.
Prints a table; asserts nothing.
"""

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.realvectors import RealVectors, available, real_vectors
from bench.report import median, table
from retrieval.core import vectors
from retrieval.core.config import Settings
from retrieval.core.embeddings import Embedder
from retrieval.core.variants import configured_embedder
from retrieval.core.vectors import VectorIndex

K = 100


@dataclass(frozen=True)
class Recall:
    """Recall@K of the graph at one search expansion, with per-query times of both searches."""

    expansion: int
    recall: float
    worst: float
    graph_seconds: list[float]
    exact_seconds: list[float]


def measure(real: RealVectors, expansions: Sequence[int]) -> tuple[float, list[Recall]]:
    """Build the graph over the sentences (seconds), then recall@K per search expansion."""
    ids = np.arange(len(real.sentences), dtype=np.int64)
    exact = VectorIndex(real.sentences.shape[1])
    exact.update(np.zeros(0, np.int64), ids, real.sentences)
    graph = VectorIndex(real.sentences.shape[1])
    graph.update(np.zeros(0, np.int64), ids, real.sentences)
    started = time.perf_counter()
    graph.to_graph()
    build = time.perf_counter() - started
    truth, exact_seconds = [], []
    for query in real.queries:
        started = time.perf_counter()
        truth.append(set(exact.nearest(query, K)))
        exact_seconds.append(time.perf_counter() - started)
    results = []
    for expansion in expansions:
        graph.expansion(expansion)
        found, seconds = [], []
        for query in real.queries:
            started = time.perf_counter()
            found.append(set(graph.nearest(query, K)))
            seconds.append(time.perf_counter() - started)
        shares = [len(f & t) / K for f, t in zip(found, truth, strict=True)]
        results.append(
            Recall(expansion, float(np.mean(shares)), min(shares), seconds, exact_seconds)
        )
    graph.expansion(vectors.EXPANSION_SEARCH)
    return build, results


def report(real: RealVectors, build: float, results: list[Recall]) -> str:
    """The recall table as Markdown."""
    rows = [
        [
            f"{r.expansion}{' (used)' if r.expansion == vectors.EXPANSION_SEARCH else ''}",
            f"**{r.recall:.4f}**",
            f"{r.worst:.2f}",
            f"{median(r.graph_seconds) * 1000:.2f} ms",
            f"{median(r.exact_seconds) * 1000:.2f} ms",
        ]
        for r in results
    ]
    return "\n".join(
        [
            f"## Dense recall@{K} on real vectors ({len(real.sentences):,} sentences, "
            f"{len(real.queries):,} queries)",
            "",
            f"HNSW ({vectors.GRAPH_DTYPE}, connectivity {vectors.CONNECTIVITY}, expansion on add "
            f"{vectors.EXPANSION_ADD}) built in {build:.1f} s over SciFact and SQuAD dev "
            "sentences; queries are SciFact claims and SQuAD questions. Recall is the share of "
            f"the exact top {K} the graph returns.",
            "",
            table(
                ["search expansion", f"recall@{K}", "worst query", "graph p50", "exact p50"],
                rows,
            ),
        ]
    )


def run(embedder: Embedder, expansions: Sequence[int]) -> str:
    """Measure and report, or say why the data sets are missing."""
    if not available():
        return f"## Dense recall@{K}\n\nSkipped: the SciFact and SQuAD files are not in ../shared."
    real = real_vectors(embedder)
    build, results = measure(real, expansions)
    return report(real, build, results)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the recall table."""
    parser = argparse.ArgumentParser(prog="python -m bench.recall", description=__doc__)
    parser.add_argument("--expansions", default="64,128,256,512", help="search expansions")
    args = parser.parse_args(argv)
    expansions = [int(x) for x in args.expansions.split(",")]
    print(run(configured_embedder(Settings.from_env()), expansions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
