"""Per-stage timing of a query: wrap the retrieval layer's calls and attribute exclusive time."""

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from retrieval.core.collection import Collection


class StageClock:
    """Wraps methods on instances; each call's time, less its wrapped callees, goes to a stage.

    CPU time is the calling thread's (time.thread_time): on a busy machine it shows the work a
    stage does, where wall time also counts waiting for a core. Torch's extra threads are not in it.
    """

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self._callees: list[list[float]] = []
        self._wrapped: list[tuple[object, str]] = []

    def wrap(self, owner: object, name: str, stage: str | Callable[..., str]) -> bool:
        """Time calls of `owner.name` under `stage` (or the stage it names for the arguments).

        Returns False, wrapping nothing, when the owner has no such method.
        """
        inner = getattr(owner, name, None)
        if inner is None:
            return False

        def timed(*args: Any, **kwargs: Any) -> Any:
            label = stage if isinstance(stage, str) else stage(*args, **kwargs)
            self._callees.append([0.0, 0.0])
            started, started_cpu = time.perf_counter(), time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                elapsed_cpu = time.thread_time() - started_cpu
                callees, callees_cpu = self._callees.pop()
                self.seconds[label] += elapsed - callees
                self.cpu[label] += elapsed_cpu - callees_cpu
                if self._callees:
                    self._callees[-1][0] += elapsed
                    self._callees[-1][1] += elapsed_cpu

        setattr(owner, name, timed)
        self._wrapped.append((owner, name))
        return True

    def restore(self) -> None:
        """Remove the wrappers, so the instances use their class's methods again."""
        for owner, name in reversed(self._wrapped):
            delattr(owner, name)
        self._wrapped.clear()

    def take(self) -> tuple[dict[str, float], dict[str, float]]:
        """Wall and this thread's CPU seconds per stage since the last take; start again."""
        taken = dict(self.seconds), dict(self.cpu)
        self.seconds.clear()
        self.cpu.clear()
        return taken


def query_stages(collection: Collection) -> list[tuple[object, str, str | Callable[..., str]]]:
    """The calls that answering a question makes, in order, with the stage each is timed under.

    The two Python rows get what is left of search() and of ranking quotes once the calls inside
    them are taken out. Methods the retrieval layer no longer has are skipped.
    """
    store, searcher, answerer = collection.store, collection.searcher, collection.answerer
    indexes = searcher.indexes
    indexes.refresh()  # load the indexes first: the stages wrap the instances in use
    return [
        (searcher.embedder, "embed", "embed query"),
        (indexes, "refresh", "change-log check (SQL)"),
        (indexes.keyword, "search", "BM25 top chunks (keyword index)"),
        (indexes.vectors, "nearest", "dense top chunks (exact or HNSW)"),
        (indexes.vectors, "similarity", "dense scores of BM25-only chunks"),
        (store, "chunk_sentences", "load sentences + vectors (SQL)"),
        (searcher, "search", "fusion + best-sentence rerank (Python)"),
        (store, "chunk_spans", "chunk spans (SQL)"),
        (store, "articles", "load articles (SQL)"),
        (answerer, "assess", "quote ranking and coverage (Python)"),
        (answerer, "ask", "rest of ask (Python)"),
    ]


def instrument(collection: Collection) -> tuple[StageClock, list[str]]:
    """Wrap a collection's query calls with one stage clock; also return the stages, in order."""
    clock = StageClock()
    stages: list[str] = []
    for owner, name, stage in query_stages(collection):
        if clock.wrap(owner, name, stage) and isinstance(stage, str):
            stages.append(stage)
    return clock, stages
