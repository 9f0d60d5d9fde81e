"""Ingest throughput of the real pipeline against the raw model's encode on the same texts."""

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sentence_transformers import SentenceTransformer

from bench.report import median
from bench.stages import StageClock
from retrieval.core.collection import Collection
from retrieval.core.embeddings import SentenceTransformerEmbedder, model_path
from retrieval.core.store import Store
from retrieval.text.chunking import plan_chunks
from retrieval.text.documents import RawArticle

BATCH_SIZE = 32  # the embedder's default, and sentence-transformers' own


@dataclass
class Round:
    """Seconds taken by the pipeline and by raw encoding on one part of the corpus."""

    chunks: int
    sentences: int
    pipeline: float
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

    def round_ratios(self, unit: str) -> float:
        """The median over rounds of pipeline speed over raw speed, per chunk or per sentence."""
        raw = "raw_chunks" if unit == "chunks" else "raw_sentences"
        return median([getattr(r, raw) / r.pipeline for r in self.rounds])


def _texts(
    articles: Sequence[RawArticle], embedder: SentenceTransformerEmbedder
) -> tuple[list[str], list[str]]:
    """The chunk texts and sentence texts the pipeline makes of the articles."""
    chunks, sentences = [], []
    for article in articles:
        plan = plan_chunks(article.text, embedder.count_tokens, embedder.max_tokens)
        chunks += [article.text[a:b] for a, b in plan.chunk_spans()]
        sentences += [article.text[a:b] for a, b in plan.sentences]
    return chunks, sentences


def _encode(model: SentenceTransformer, texts: list[str]) -> float:
    """Seconds for the raw model to encode the texts as the embedder does."""
    started = time.perf_counter()
    model.encode(
        texts,
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - started


def measure(
    articles: Sequence[RawArticle], embedder: SentenceTransformerEmbedder, rounds: int
) -> Throughput:
    """Ingest the articles in `rounds` parts, each part also raw-encoded as chunks and sentences."""
    model = SentenceTransformer(str(model_path()), device="cpu")
    embedder.load()
    embedder.embed(["warm up the pipeline's model"])
    _encode(model, ["warm up the raw model"])
    result = Throughput(articles=len(articles))
    parts = [articles[number::rounds] for number in range(rounds)]
    texts = [_texts(part, embedder) for part in parts]
    with tempfile.TemporaryDirectory(prefix="cyberbrief-bench-") as tmp:
        collection = Collection(Store(Path(tmp) / "ingest.db"), embedder)
        clock = StageClock()
        clock.wrap(collection, "ingest", "plan, dedupe, chunk vectors (Python)")
        clock.wrap(embedder, "embed", "embed sentences")
        clock.wrap(embedder, "count_tokens", "count word pieces")
        clock.wrap(collection.store, "write_article", "write SQLite")
        clock.wrap(collection.searcher.indexes, "checkpoint", "update + save search indexes")
        steps = ["pipeline", "raw_chunks", "raw_sentences"]
        for number, (part, (chunk_texts, sentence_texts)) in enumerate(
            zip(parts, texts, strict=True)
        ):
            seconds: dict[str, float] = {}
            for step in steps[number % 3 :] + steps[: number % 3]:  # rotate the order per round
                if step == "pipeline":
                    started = time.perf_counter()
                    report = collection.ingest(part)
                    seconds[step] = time.perf_counter() - started
                    if report.added != len(part):
                        raise RuntimeError(f"ingest benchmark stored too little: {report.summary}")
                else:
                    inputs = chunk_texts if step == "raw_chunks" else sentence_texts
                    seconds[step] = _encode(model, inputs)
            result.rounds.append(Round(len(chunk_texts), len(sentence_texts), **seconds))
        result.pipeline_stages = clock.take()[0]
        clock.restore()
        collection.close()
    return result
