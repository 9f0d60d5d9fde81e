"""Warm query latency of search and ask, against the time to embed the query alone."""

import cProfile
import io
import pstats
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.stages import instrument
from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.store import Store


@dataclass(frozen=True)
class Latency:
    """Warm per-query seconds at one collection size, and each ask's wall and CPU per stage."""

    embed: list[float]
    embed_between: list[float]
    search: list[float]
    ask: list[float]
    embed_cpu: list[float]  # CPU seconds of the process (all threads): what a busy machine leaves
    ask_cpu: list[float]
    stages: list[dict[str, float]]
    stage_cpu: list[dict[str, float]]
    stage_order: list[str]
    abstained: int


def measure(path: Path, embedder: Embedder, questions: Sequence[str], repeats: int) -> Latency:
    """Time embedding alone, then embed, search and ask interleaved, after one warm-up question.

    Embedding alone (questions back to back) is the baseline; embedding between queries shows
    what the rest of a query leaves behind for the model (busy BLAS threads, cold caches).
    """
    collection = Collection(Store(path), embedder)
    try:
        collection.ask(questions[0])  # warm: the chunk matrix is loaded on first use
        alone: list[float] = []
        alone_cpu: list[float] = []
        for _ in range(repeats):
            for question in questions:
                started, started_cpu = time.perf_counter(), time.process_time()
                embedder.embed([question])
                alone.append(time.perf_counter() - started)
                alone_cpu.append(time.process_time() - started_cpu)
        embed, search, ask, ask_cpu = [], [], [], []
        abstained = 0
        for _ in range(repeats):
            for question in questions:
                started = time.perf_counter()
                embedder.embed([question])
                embedded = time.perf_counter()
                collection.search(question)
                searched, searched_cpu = time.perf_counter(), time.process_time()
                answer = collection.ask(question)
                asked = time.perf_counter()
                ask_cpu.append(time.process_time() - searched_cpu)
                embed.append(embedded - started)
                search.append(searched - embedded)
                ask.append(asked - searched)
                abstained += answer.abstained
        clock, order = instrument(collection)
        stages, stage_cpu = [], []
        for question in questions:
            collection.ask(question)
            wall, cpu = clock.take()
            stages.append(wall)
            stage_cpu.append(cpu)
        clock.restore()
    finally:
        collection.close()
    return Latency(
        alone, embed, search, ask, alone_cpu, ask_cpu, stages, stage_cpu, order, abstained
    )


def profile(path: Path, embedder: Embedder, questions: Sequence[str], lines: int = 25) -> str:
    """cProfile of asking every question once (warm), the top functions by own time."""
    collection = Collection(Store(path), embedder)
    try:
        collection.ask(questions[0])
        profiler = cProfile.Profile()
        profiler.enable()
        for question in questions:
            collection.ask(question)
        profiler.disable()
    finally:
        collection.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(lines)
    return out.getvalue()
