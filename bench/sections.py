"""The Markdown sections of the benchmark report, one function per measurement."""

from collections.abc import Sequence

import numpy as np

from bench.latency import Latency
from bench.memory import ColdStart
from bench.report import median, ms, percentile, table, verdict
from bench.synthetic import SyntheticStore
from bench.throughput import Throughput

INGEST_TARGET = 0.9  # pipeline chunks/s over raw chunk encoding
MEMORY_TARGET_MB = 2000  # at a million chunks, with the model loaded


def latency_target(chunks: int) -> float:
    """The most an ask may take, as a multiple of embedding the query: 2x to 100k, 3x beyond."""
    return 2.0 if chunks <= 100_000 else 3.0


def ingest(result: Throughput, corpus: str) -> str:
    """Pipeline against raw encoding: times, rates, ratios, and where the pipeline's time went."""
    chunks, sentences = result.total("chunks"), result.total("sentences")
    pipeline = result.total("pipeline")
    raw_chunks, raw_sentences = result.total("raw_chunks"), result.total("raw_sentences")
    chunk_ratio, sentence_ratio = raw_chunks / pipeline, raw_sentences / pipeline
    rows = [
        [
            "pipeline: Collection.ingest (fresh SQLite)",
            f"{pipeline:.1f}",
            f"{chunks / pipeline:.1f}",
            f"{sentences / pipeline:.1f}",
            "1.00",
        ],
        [
            "raw encode: the same chunk texts",
            f"{raw_chunks:.1f}",
            f"{chunks / raw_chunks:.1f}",
            "",
            f"{chunk_ratio:.2f}",
        ],
        [
            "raw encode: the same sentence texts",
            f"{raw_sentences:.1f}",
            f"{chunks / raw_sentences:.1f}",
            f"{sentences / raw_sentences:.1f}",
            f"{sentence_ratio:.2f}",
        ],
    ]
    stages = result.pipeline_stages
    split = ", ".join(
        f"{name} {seconds:.1f} s ({seconds / pipeline:.0%})"
        for name, seconds in sorted(stages.items(), key=lambda item: -item[1])
    )
    return "\n".join(
        [
            f"## Ingest throughput: {result.articles} articles, {chunks:,.0f} chunks, "
            f"{sentences:,.0f} sentences ({corpus})",
            "",
            table(["what", "seconds", "chunks/s", "sentences/s", "pipeline speed ÷ this"], rows),
            "",
            f"- pipeline ÷ raw chunk encoding (chunks/s): **{chunk_ratio:.2f}** "
            f"(median of {len(result.rounds)} interleaved rounds "
            f"{result.round_ratios('chunks'):.2f}); target ≥ {INGEST_TARGET}: "
            f"{verdict(chunk_ratio, INGEST_TARGET, at_most=False)}",
            f"- pipeline ÷ raw sentence encoding (sentences/s): **{sentence_ratio:.2f}** "
            f"(median of rounds {result.round_ratios('sentences'):.2f})",
            f"- pipeline time: {split}",
        ]
    )


def latency(results: Sequence[tuple[SyntheticStore, Latency]], questions: int) -> str:
    """Warm p50/p95 of search and ask per collection size, against embedding the query alone."""
    rows = []
    for store, result in results:
        embed = median(result.embed)
        search_ratio, ask_ratio = median(result.search) / embed, median(result.ask) / embed
        rows.append(
            [
                f"{store.chunks:,}",
                f"{store.articles:,}",
                ms(embed),
                ms(median(result.embed_between)),
                ms(median(result.search)),
                ms(percentile(result.search, 95)),
                f"**{search_ratio:.2f}x**",
                ms(median(result.ask)),
                ms(percentile(result.ask, 95)),
                f"**{ask_ratio:.2f}x** ≤ {latency_target(store.chunks):.0f}x: "
                f"{verdict(ask_ratio, latency_target(store.chunks))}",
            ]
        )
    samples = len(results[0][1].ask) if results else 0
    return "\n".join(
        [
            "## Warm query latency (hybrid search k=10, ask)",
            "",
            table(
                [
                    "chunks",
                    "articles",
                    "embed p50 (alone)",
                    "embed p50 (between queries)",
                    "search p50",
                    "search p95",
                    "search ÷ embed",
                    "ask p50",
                    "ask p95",
                    "ask ÷ embed (target)",
                ],
                rows,
            ),
            "",
            f"{samples} samples per cell ({questions} questions). Ratios are p50 over the p50 of "
            "embedding the questions alone, back to back, measured just before in the same run. "
            "Embedding between queries is the same call made between one question's ask and the "
            "next question's search: what the query path leaves behind slows the model down.",
        ]
    )


def stages(results: Sequence[tuple[SyntheticStore, Latency]]) -> str:
    """Median wall and CPU milliseconds per stage of ask, with each stage's share, per size."""
    headers = ["stage (exclusive time)"] + [f"{store.chunks:,} chunks" for store, _ in results]
    order = [stage for _, result in results for stage in result.stage_order]
    seen = [stage for _, result in results for sample in result.stages for stage in sample]
    rows = []
    for stage in dict.fromkeys([*order, *seen]):
        row = [stage]
        for _, result in results:
            wall = [sample.get(stage, 0.0) for sample in result.stages]
            cpu = [sample.get(stage, 0.0) for sample in result.stage_cpu]
            total = float(np.mean([sum(sample.values()) for sample in result.stages]))
            share = float(np.mean(wall)) / total
            row.append(f"{median(wall) * 1000:.1f} / {median(cpu) * 1000:.1f} ({share:.0%})")
        rows.append(row)
    totals = ["**ask total**"] + [
        f"**{median([sum(x.values()) for x in result.stages]) * 1000:.1f} / "
        f"{median([sum(x.values()) for x in result.stage_cpu]) * 1000:.1f}**"
        for _, result in results
    ]
    abstained = ", ".join(
        f"{result.abstained}/{len(result.ask)} at {store.chunks:,}" for store, result in results
    )
    return "\n".join(
        [
            "## Where ask spends its time",
            "",
            "Median ms per question, wall / CPU of the calling thread (share of mean wall total):",
            "",
            table(headers, [*rows, totals]),
            "",
            "Each call's time less the time of the wrapped calls inside it; the Python rows are "
            "what is left of search(), rank_sentences() and ask(). CPU time leaves out waiting "
            "for a core on a busy machine; for the query embedding it counts only the calling "
            "thread, not torch's other threads. Synthetic sentence vectors are random, so "
            f"answers abstain and return related quotes instead ({abstained}); "
            "both paths do the same work.",
        ]
    )


def memory(
    store: SyntheticStore, figures: dict, cold: Sequence[tuple[SyntheticStore, ColdStart]]
) -> str:
    """Resident memory after each step of a child answering questions, and cold-start times."""
    steps = figures["steps"]
    rows = [
        [
            step,
            f"{v['seconds']:.2f} s" if "seconds" in v else "",
            f"{v['VmRSS'] / 1024:.0f} MiB",
            f"{v['VmHWM'] / 1024:.0f} MiB",
        ]
        for step, v in steps.items()
    ]
    peak_mb = max(v["VmHWM"] for v in steps.values()) * 1024 / 1e6
    cold_rows = [
        [
            f"{s.chunks:,} chunks",
            len(c.runs),
            f"{c.p50:.2f} s",
            f"{min(r.seconds for r in c.runs):.2f} s",
            f"{max(r.seconds for r in c.runs):.2f} s",
            f"{max(r.max_rss_kib for r in c.runs) / 1024:.0f} MiB",
        ]
        for s, c in cold
    ]
    return "\n".join(
        [
            f"## Peak memory at {store.chunks:,} chunks, and cold start",
            "",
            "A child process opens the collection, loads the model and answers the questions:",
            "",
            table(["step", "took", "VmRSS after", "VmHWM (peak so far)"], rows),
            "",
            f"- peak RSS: **{peak_mb:,.0f} MB** "
            f"(ru_maxrss seen by its parent: {figures['child_maxrss'] / 1024:.0f} MiB); "
            f"target ≤ {MEMORY_TARGET_MB:,} MB: {verdict(peak_mb, MEMORY_TARGET_MB)}",
            "",
            "Cold start: the whole `cyberbrief --db DB ask QUESTION` command in a fresh process "
            "(imports, model load, chunk matrix load, one answer):",
            "",
            table(["database", "runs", "p50 wall", "min", "max", "peak RSS"], cold_rows),
        ]
    )
