"""Ingest throughput: the pipeline against today's and against the raw model, same texts."""

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import median
from bench.stages import StageClock
from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.store import Store
from retrieval.text.chunking import plan_chunks
from retrieval.text.documents import RawArticle


@dataclass
class Round:
    """Seconds taken on one part of the corpus by each pipeline and by raw encoding."""

    chunks: int
    sentences: int
    pipeline: float
    baseline: float
    raw_chunks: float
    raw_sentences: float


@dataclass
class Throughput:
    """The rounds of an ingest benchmark and where the pipeline spent its time."""

    articles: int
    rounds: list[Round] = field(default_factory=list)
    pipeline_stages: dict[str, float] = field(default_factory=dict)

    def total(self, name: str) -> float:
        """A figure summed over rounds."""
        return float(sum(getattr(r, name) for r in self.rounds))

    def round_ratios(self, step: str) -> float:
        """The median over rounds of a step's time over the pipeline's (its speed ratio)."""
        return median([getattr(r, step) / r.pipeline for r in self.rounds])


def _texts(articles: Sequence[RawArticle], embedder: Embedder) -> tuple[list[str], list[str]]:
    """The chunk texts and sentence texts the pipeline makes of the articles."""
    chunks, sentences = [], []
    for article in articles:
        plan = plan_chunks(article.text, embedder.count_tokens, embedder.max_tokens)
        chunks += [article.text[a:b] for a, b in plan.chunk_spans()]
        sentences += [article.text[a:b] for a, b in plan.sentences]
    return chunks, sentences


def _timed_embed(embedder: Embedder, texts: list[str]) -> float:
    """Seconds for the embedder alone to embed the texts in one call, as ingest does."""
    started = time.perf_counter()
    embedder.embed(texts)
    return time.perf_counter() - started


def _timed_ingest(collection: Collection, part: Sequence[RawArticle]) -> float:
    """Seconds for a collection to ingest a part, checking that all of it was stored."""
    started = time.perf_counter()
    report = collection.ingest(part)
    seconds = time.perf_counter() - started
    if report.added != len(part):
        raise RuntimeError(f"ingest benchmark stored too little: {report.summary}")
    return seconds


def measure(
    articles: Sequence[RawArticle], embedder: Embedder, baseline: Embedder, rounds: int
) -> Throughput:
    """Ingest the articles in `rounds` parts with both embedders; raw-encode each part too."""
    for model in (embedder, baseline):
        model.embed(["warm up the model", "and its batch path"] * 20)
    result = Throughput(articles=len(articles))
    parts = [articles[number::rounds] for number in range(rounds)]
    texts = [_texts(part, embedder) for part in parts]
    with tempfile.TemporaryDirectory(prefix="cyberbrief-bench-") as tmp:
        collection = Collection(Store(Path(tmp) / "ingest.db"), embedder)
        today = Collection(Store(Path(tmp) / "baseline.db"), baseline)
        clock = StageClock()
        clock.wrap(collection, "ingest", "plan, dedupe, chunk vectors (Python)")
        clock.wrap(embedder, "embed", "embed sentences")
        clock.wrap(embedder, "count_tokens", "count word pieces")
        clock.wrap(collection.store, "write_article", "write SQLite")
        clock.wrap(collection.searcher.indexes, "checkpoint", "update + save search indexes")
        steps = ["pipeline", "baseline", "raw_chunks", "raw_sentences"]
        for number, (part, (chunk_texts, sentence_texts)) in enumerate(
            zip(parts, texts, strict=True)
        ):
            seconds: dict[str, float] = {}
            for step in steps[number % 4 :] + steps[: number % 4]:  # rotate the order per round
                if step == "pipeline":
                    seconds[step] = _timed_ingest(collection, part)
                    stages = clock.take()[0]
                    for stage, spent in stages.items():
                        result.pipeline_stages[stage] = result.pipeline_stages.get(stage, 0) + spent
                elif step == "baseline":
                    seconds[step] = _timed_ingest(today, part)
                else:
                    inputs = chunk_texts if step == "raw_chunks" else sentence_texts
                    seconds[step] = _timed_embed(embedder, inputs)
                    clock.take()  # raw encoding is not pipeline time
            result.rounds.append(Round(len(chunk_texts), len(sentence_texts), **seconds))
        clock.restore()
        collection.close()
        today.close()
    return result
