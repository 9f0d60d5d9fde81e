"""Real model vectors for judging approximate search: SciFact and SQuAD dev sentences, and queries.

Random vectors say nothing about an HNSW graph's recall (they have no structure), so recall is
measured on what the model really makes: every sentence of the SciFact abstracts and the SQuAD
dev paragraphs as the collection, SQuAD questions and SciFact claims as queries. The vectors are
embedded once and cached next to the synthetic stores.
"""

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.synthetic import cache_dir
from retrieval.core.embeddings import Embedder
from retrieval.text.sentences import split_sentences

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
SQUAD_QUESTIONS = 2000
SEED = 13


@dataclass(frozen=True)
class RealVectors:
    """Sentence vectors (the collection) and query vectors, unit length, from one model."""

    sentences: np.ndarray
    queries: np.ndarray


def texts(folder: Path = EVAL) -> tuple[list[str], list[str]]:
    """The sentences of SciFact's abstracts and SQuAD dev's paragraphs, and the queries."""
    sentences: list[str] = []
    queries: list[str] = []
    with (folder / "scifact" / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["text"]
            sentences += [text[a:b] for a, b in split_sentences(text)]
    with (folder / "scifact" / "queries.jsonl").open(encoding="utf-8") as lines:
        queries += [json.loads(line)["text"] for line in lines if line.strip()]
    squad = json.loads((folder / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))
    questions = []
    for topic in squad["data"]:
        for paragraph in topic["paragraphs"]:
            text = paragraph["context"]
            sentences += [text[a:b] for a, b in split_sentences(text)]
            questions += [qa["question"] for qa in paragraph["qas"]]
    queries += random.Random(SEED).sample(questions, SQUAD_QUESTIONS)
    return sentences, queries


def real_vectors(embedder: Embedder, folder: Path = EVAL) -> RealVectors:
    """The vectors of `texts()`, embedded once per model and cached."""
    sentences, queries = texts(folder)
    digest = hashlib.sha256("\n".join([embedder.name, *sentences, *queries]).encode()).hexdigest()
    path = cache_dir() / f"real-vectors-{digest[:10]}.npz"
    if not path.exists():
        cache_dir().mkdir(parents=True, exist_ok=True)
        found = RealVectors(embedder.embed(sentences), embedder.embed(queries))
        np.savez(path.with_suffix(".part.npz"), sentences=found.sentences, queries=found.queries)
        path.with_suffix(".part.npz").rename(path)
    with np.load(path) as data:
        return RealVectors(data["sentences"], data["queries"])


def available(folder: Path = EVAL) -> bool:
    """Whether the evaluation data sets are where the benchmark looks for them."""
    return (folder / "scifact" / "corpus.jsonl").exists() and (
        folder / "squad" / "dev-v1.1.json"
    ).exists()
