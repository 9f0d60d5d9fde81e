"""`python -m bench`: the retrieval benchmarks, printed as Markdown; timings are never asserted."""

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from bench import latency, machine, memory, recall, sections, synthetic, throughput
from bench.corpus import ArticleGenerator, shipped_articles, vocabulary
from bench.queries import QUESTIONS
from bench.report import table
from retrieval.core import vectors
from retrieval.core.embeddings import SentenceTransformerEmbedder
from retrieval.evaluation.squad import squad_collection
from retrieval.text.documents import RawArticle

PARTS = ("ingest", "latency", "memory", "recall")


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
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.ingest_articles, args.rounds = "1000", 24, 1
        args.skip.append("recall")
        args.repeats, args.questions, args.cold_runs = 1, 10, 1
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen parts and print their tables."""
    args = parse(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING)
    questions = QUESTIONS[: args.questions]
    started = time.perf_counter()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    progress("loading the model")
    embedder = SentenceTransformerEmbedder()
    embedder.load()
    emit("# cyberbrief retrieval benchmark\n\n" + table(["machine", ""], machine.facts()))
    if "ingest" not in args.skip:
        articles, corpus = ingest_corpus(args)
        progress(f"ingest: {len(articles)} articles in {args.rounds} rounds")
        emit(sections.ingest(throughput.measure(articles, embedder, args.rounds), corpus))
    stores, lines = [], []
    if "latency" not in args.skip or "memory" not in args.skip:
        for size in args.sizes:
            progress(f"synthetic store of {size:,} chunks")
            store = synthetic.synthetic_store(size, rebuild=args.rebuild)
            progress(f"search indexes of {size:,} chunks")
            seconds, built = synthetic.prepare_indexes(store)
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
        cold = []
        for store in dict.fromkeys([stores[0], largest]):
            progress(f"cold start at {store.chunks:,} chunks")
            cold.append((store, memory.cold_start(store.path, questions[0], args.cold_runs)))
        emit(sections.memory(largest, figures, cold))
    emit(
        f"Total {time.perf_counter() - started:.0f} s; load average at the end "
        f"{machine.load_average()}. The bot's load test is separate: "
        "`.venv/bin/python -m bench.bot_load` (`make bench` runs it next)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
