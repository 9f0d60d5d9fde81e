"""Embedding speed of each model variant on the same texts, in interleaved rounds."""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench.report import median, ms, table
from retrieval.core.embeddings import Embedder


@dataclass
class Speed:
    """Seconds one embedder took: per round for the batches, per call for single questions."""

    sentences: list[float] = field(default_factory=list)
    paragraphs: list[float] = field(default_factory=list)
    query: list[float] = field(default_factory=list)


def measure(
    embedders: Mapping[str, Embedder],
    sentences: Sequence[str],
    paragraphs: Sequence[str],
    questions: Sequence[str],
    rounds: int,
) -> dict[str, Speed]:
    """Embed the same sentences, paragraphs and single questions with each embedder, in turns."""
    for embedder in embedders.values():
        embedder.embed(["warm up", "the model"])
        embedder.embed(list(sentences[:64]))
    speeds = {name: Speed() for name in embedders}
    names = list(embedders)
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:  # rotate who goes first
            embedder, speed = embedders[name], speeds[name]
            started = time.perf_counter()
            embedder.embed(sentences)
            middle = time.perf_counter()
            embedder.embed(paragraphs)
            speed.sentences.append(middle - started)
            speed.paragraphs.append(time.perf_counter() - middle)
            for question in questions:
                started = time.perf_counter()
                embedder.embed([question])
                speed.query.append(time.perf_counter() - started)
    return speeds


def section(
    speeds: Mapping[str, Speed], baseline: str, sentences: int, paragraphs: int, corpus: str
) -> str:
    """The table: texts per second and query time of each variant, and ratios to the baseline."""
    base = speeds[baseline]

    def rate(seconds: list[float], count: int) -> float:
        return count / median(seconds)

    rows = [
        [
            name,
            f"{rate(speed.sentences, sentences):,.0f}",
            f"{median(base.sentences) / median(speed.sentences):.2f}x",
            f"{rate(speed.paragraphs, paragraphs):,.1f}",
            f"{median(base.paragraphs) / median(speed.paragraphs):.2f}x",
            ms(median(speed.query)),
            f"{median(base.query) / median(speed.query):.1f}x",
        ]
        for name, speed in speeds.items()
    ]
    rounds = len(base.sentences)
    return "\n".join(
        [
            f"## Embedding speed: {sentences:,} sentences, {paragraphs:,} paragraphs ({corpus})",
            "",
            table(
                [
                    "model",
                    "sentences/s",
                    f"÷ {baseline}",
                    "paragraphs/s",
                    f"÷ {baseline}",
                    "one question p50",
                    f"÷ {baseline}",
                ],
                rows,
            ),
            "",
            f"Medians of {rounds} interleaved rounds (each model in turn, the order rotating). "
            "Paragraphs are the chunks ingestion makes (up to 256 word pieces). ONNX batches "
            "run on every core, single questions on one thread (as the bot serves them); torch "
            "uses its own thread choice for both.",
        ]
    )
