"""`python -m bench`: the retrieval benchmarks, printed as Markdown; timings are never asserted."""

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from bench import (
    embedding,
    latency,
    machine,
    memory,
    realvectors,
    recall,
    sections,
    synthetic,
    throughput,
)
from bench.corpus import ArticleGenerator, shipped_articles, vocabulary
from bench.queries import QUESTIONS
from bench.report import table
from retrieval.core import vectors
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.embeddings import Embedder, SentenceTransformerEmbedder
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import Store
from retrieval.core.variants import configured_embedder
from retrieval.evaluation.squad import squad_collection
from retrieval.text.chunking import plan_chunks
from retrieval.text.documents import RawArticle

PARTS = ("embedding", "ingest", "latency", "memory", "recall")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options; --quick shrinks everything for a smoke run."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000,1000000",
        help="collection sizes in chunks (1000,10000,…)",
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (about 2 minutes)")
    parser.add_argument("--skip", action="append", choices=PARTS, default=[], help="skip a part")
    parser.add_argument("--ingest-articles", type=int, default=200, help="ingest corpus size")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved ingest rounds")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the questions")
    parser.add_argument("--questions", type=int, default=len(QUESTIONS), help="how many to ask")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold `cyberbrief ask` runs")
    parser.add_argument("--squad", type=Path, help="ingest SQuAD v1.1 dev paragraphs instead")
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached synthetic stores")
    parser.add_argument("--profile", action="store_true", help="cProfile ask at the largest size")
    parser.add_argument(
        "--torch-threads", type=int, help="torch intra-op threads here (default: torch's choice)"
    )
    parser.add_argument("--sentences", type=int, default=2000, help="sentences per speed round")
    parser.add_argument("--paragraphs", type=int, default=300, help="paragraphs per speed round")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.ingest_articles, args.rounds = "1000", 24, 1
        args.skip.append("recall")
        args.repeats, args.questions, args.cold_runs = 1, 10, 1
        args.sentences, args.paragraphs = 200, 30
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    args.questions = max(1, min(args.questions, len(QUESTIONS)))
    return args


def progress(message: str) -> None:
    """A progress line on standard error, so standard output stays the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(text: str) -> None:
    """A report section on standard output."""
    print(text + "\n", flush=True)


def ingest_corpus(args: argparse.Namespace) -> tuple[list[RawArticle], str]:
    """The articles to ingest and a description: SQuAD paragraphs, or shipped plus generated."""
    if args.squad:
        articles = squad_collection(args.squad)[0][: args.ingest_articles]
        return articles, f"SQuAD v1.1 dev paragraphs from {args.squad.name}"
    shipped = shipped_articles()
    generator = ArticleGenerator(vocabulary(), seed=1)
    generated = list(generator.articles(max(0, args.ingest_articles - len(shipped))))
    return shipped + generated, f"{len(shipped)} shipped + {len(generated)} generated articles"


def label(embedder: Embedder) -> str:
    """A short name for a model variant: onnx-int8, onnx-fp32 or torch."""
    return embedder.name.split("@")[1] if "@" in embedder.name else "torch"


def speed_texts(
    articles: Sequence[RawArticle], embedder: Embedder, args: argparse.Namespace
) -> tuple[list[str], list[str]]:
    """Sentences and paragraphs (chunks) of the articles as ingestion cuts them, capped."""
    sentences: list[str] = []
    paragraphs: list[str] = []
    for article in articles:
        plan = plan_chunks(article.text, embedder.count_tokens, embedder.max_tokens)
        sentences += [article.text[a:b] for a, b in plan.sentences]
        paragraphs += [article.text[a:b] for a, b in plan.chunk_spans()]
    return sentences[: args.sentences], paragraphs[: args.paragraphs]


def shipped_store(folder: Path, embedder: Embedder) -> Path:
    """A database holding the shipped articles, embedded as `cyberbrief ingest` does."""
    path = folder / "shipped.db"
    collection = Collection(Store(path), embedder)
    collection.ingest(shipped_articles())
    collection.close()
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen parts and print their tables."""
    args = parse(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING)
    questions = QUESTIONS[: args.questions]
    started = time.perf_counter()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    progress("loading the models")
    embedder = configured_embedder(Settings.from_env())
    baseline = SentenceTransformerEmbedder()
    emit("# cyberbrief retrieval benchmark\n\n" + table(["machine", ""], machine.facts()))
    articles, corpus = ingest_corpus(args)
    if "embedding" not in args.skip:
        sentences, paragraphs = speed_texts(articles, embedder, args)
        models: dict[str, Embedder] = {
            "onnx-int8": OnnxEmbedder("int8"),
            "onnx-fp32": OnnxEmbedder("fp32"),
            "torch": baseline,
        }
        progress(f"embedding speed: {len(models)} models in {args.rounds} rounds")
        speeds = embedding.measure(models, sentences, paragraphs, questions, args.rounds)
        emit(embedding.section(speeds, "torch", len(sentences), len(paragraphs), corpus))
    if "ingest" not in args.skip:
        progress(f"ingest: {len(articles)} articles in {args.rounds} rounds")
        result = throughput.measure(articles, embedder, baseline, args.rounds)
        emit(sections.ingest(result, corpus, label(embedder), label(baseline)))
    stores, lines = [], []
    if "latency" not in args.skip or "memory" not in args.skip:
        pool = None
        if realvectors.available():
            progress("real sentence vectors for the synthetic stores (embedded once)")
            pool = realvectors.real_vectors(embedder).sentences
        lines.append(
            f"Stand-in vectors: {len(pool):,} real sentence vectors (SciFact, SQuAD dev), nudged\n"
            if pool is not None
            else "Stand-in vectors: random (../shared/eval is missing: HNSW works harder on them)\n"
        )
        for size in args.sizes:
            progress(f"synthetic store of {size:,} chunks")
            store = synthetic.synthetic_store(size, embedder.name, pool, rebuild=args.rebuild)
            progress(f"search indexes of {size:,} chunks")
            seconds, built = synthetic.prepare_indexes(store, embedder.name)
            stores.append(store)
            lines.append(
                f"- {synthetic.describe(store)}; search indexes "
                + (f"built and saved in {seconds:.1f} s" if built else f"loaded in {seconds:.2f} s")
            )
        emit(f"Synthetic stores in `{synthetic.cache_dir()}`:\n\n" + "\n".join(lines))
    if "recall" not in args.skip:
        progress("dense recall on real vectors")
        emit(recall.run(embedder, [64, 128, vectors.EXPANSION_SEARCH, 512]))
    if "latency" not in args.skip:
        results = []
        for store in stores:
            progress(f"latency at {store.chunks:,} chunks")
            results.append((store, latency.measure(store.path, embedder, questions, args.repeats)))
        emit(sections.latency(results, len(questions)))
        emit(sections.stages(results))
        if args.profile:
            progress("profile at the largest size")
            emit("```\n" + latency.profile(stores[-1].path, embedder, questions) + "```")
    if "memory" not in args.skip:
        largest = stores[-1]
        progress(f"memory probe at {largest.chunks:,} chunks")
        figures = memory.probe(largest.path, len(questions))
        with tempfile.TemporaryDirectory(prefix="cyberbrief-bench-") as folder:
            progress("cold start over the shipped articles")
            shipped = shipped_store(Path(folder), embedder)
            cold = [("shipped articles", memory.cold_start(shipped, questions[0], args.cold_runs))]
        for store in dict.fromkeys([stores[0], largest]):
            progress(f"cold start at {store.chunks:,} chunks")
            runs = memory.cold_start(store.path, questions[0], args.cold_runs)
            cold.append((f"{store.chunks:,} chunks", runs))
        numpy = memory.numpy_start(args.cold_runs)
        emit(sections.memory(largest, figures, cold, numpy))
    emit(
        f"Total {time.perf_counter() - started:.0f} s; load average at the end "
        f"{machine.load_average()}. The bot's load test is separate: "
        "`.venv/bin/python -m bench.bot_load` (`make bench` runs it next)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
