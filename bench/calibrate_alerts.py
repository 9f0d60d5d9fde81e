"""Calibrate the topic-alert threshold: max-sentence cosine of a topic against an article.

Scores (topic, article) pairs from SciFact and SQuAD databases built by `cyberbrief eval ...
--store`, whose sentence vectors come from the real model, and prints, per threshold, the recall
on relevant pairs and the false-positive rates on random and hardest non-relevant articles.
Then scores a few news-like topics against the shipped articles in data/articles.

Usage: python -m bench.calibrate_alerts [--scifact-db PATH] [--squad-db PATH]
"""

import argparse
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.core.embeddings import Embedder
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.evaluation.squad import squad_collection
from retrieval.text.documents import Failure, read_file
from retrieval.text.sentences import split_sentences

SHARED = Path("/work/shared/eval")
ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(9)]
RANDOM_NEGATIVES = 20
SQUAD_STRIDE = 20
TOPICS = (
    "drug cartels recruiting on social media",
    "online child sexual exploitation",
    "EU US police cooperation on cybercrime",
    "ransomware attacks on hospitals",
    "football transfer news",
    "recipes for vegan desserts",
    "stock market crash",
)


@dataclass(frozen=True)
class Corpus:
    """Stored articles' ids and origins, and the sentence vectors grouped by article."""

    ids: np.ndarray  # article ids, ascending, of articles with at least one sentence
    origins: list[str]
    vectors: np.ndarray  # sentence vectors, ordered by article id then sentence order
    starts: np.ndarray  # index of each article's first sentence in `vectors`

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """Max-sentence cosine of each query (row) against each article (column)."""
        return np.maximum.reduceat(queries @ self.vectors.T, self.starts, axis=1)


@dataclass(frozen=True)
class Scores:
    """Score distributions of relevant, random non-relevant and hardest non-relevant pairs."""

    positives: np.ndarray
    random: np.ndarray
    hard: np.ndarray


def load_corpus(db: Path, model: str) -> Corpus:
    """Read article origins and `model`'s sentence vectors from an evaluation database."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        origin_of = dict(connection.execute("SELECT id, origin FROM articles"))
        rows = connection.execute(
            "SELECT article_id, vector FROM sentences WHERE model = ? ORDER BY article_id, ord",
            [model],
        ).fetchall()
    owners = np.array([row[0] for row in rows], dtype=np.int64)
    vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype="<f4").reshape(len(rows), -1)
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    ids = owners[starts]
    missing = len(origin_of) - len(ids)
    if missing:
        print(f"({missing} stored articles have no sentences and are left out)")
    return Corpus(ids, [origin_of[i] for i in ids], vectors.astype(np.float32), starts)


def score_pairs(
    scores: np.ndarray, relevant: list[set[int]], excluded: list[set[int]], seed: int = 0
) -> Scores:
    """Split a query-by-article score matrix into positive, random and hard negative pairs.

    `relevant[q]` and `excluded[q]` hold column indexes; neither is ever a negative.
    """
    rng = np.random.default_rng(seed)
    positives, random, hard = [], [], []
    for row, wanted, skip in zip(scores, relevant, excluded, strict=True):
        positives.extend(row[sorted(wanted)])
        negative = np.ones(len(row), dtype=bool)
        negative[sorted(wanted | skip)] = False
        candidates = np.flatnonzero(negative)
        random.extend(row[rng.choice(candidates, RANDOM_NEGATIVES, replace=False)])
        hard.append(row[candidates].max())
    return Scores(np.array(positives), np.array(random), np.array(hard))


def scifact(db: Path, embedder: Embedder) -> Scores:
    """Scores for the SciFact test queries: positives from the qrels, negatives the rest."""
    path = SHARED / "scifact"
    qrels: dict[str, set[str]] = {}
    for line in (path / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, grade = line.strip().split("\t")
        if int(grade) > 0:
            qrels.setdefault(query_id, set()).add(f"beir:{doc_id}")
    texts: dict[str, str] = {}
    for line in (path / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and row["_id"] in qrels:
            texts[row["_id"]] = row["text"]
    corpus = load_corpus(db, embedder.name)
    column = {origin: i for i, origin in enumerate(corpus.origins)}
    query_ids = [q for q in qrels if q in texts and qrels[q] & column.keys()]
    relevant = [{column[d] for d in qrels[q] if d in column} for q in query_ids]
    print(
        f"SciFact: {len(query_ids)} queries, {sum(map(len, relevant))} relevant pairs, "
        f"{len(corpus.ids):,} articles, {len(corpus.vectors):,} sentences"
    )
    scores = corpus.scores(embedder.embed([texts[q] for q in query_ids]))
    return score_pairs(scores, relevant, [set() for _ in query_ids])


def squad(db: Path, embedder: Embedder) -> Scores:
    """Scores for every 20th SQuAD dev question; paragraphs of the same title are not negatives."""
    articles, questions = squad_collection(SHARED / "squad" / "dev-v1.1.json")
    title_of = {raw.origin: raw.title for raw in articles}
    corpus = load_corpus(db, embedder.name)
    column = {origin: i for i, origin in enumerate(corpus.origins)}
    same_title: dict[str, set[int]] = {}
    for origin, i in column.items():
        same_title.setdefault(title_of[origin], set()).add(i)
    sample = [q for q in questions[::SQUAD_STRIDE] if q.origin in column]
    print(
        f"SQuAD: {len(sample)} questions (every {SQUAD_STRIDE}th), {len(corpus.ids):,} "
        f"paragraphs, {len(corpus.vectors):,} sentences"
    )
    scores = corpus.scores(embedder.embed([q.text for q in sample]))
    return score_pairs(
        scores, [{column[q.origin]} for q in sample], [same_title[q.topic] for q in sample]
    )


def report(name: str, scores: Scores) -> None:
    """Print recall and false-positive rates per threshold, and the distributions' medians."""
    print(f"\n## {name}\n")
    print(
        f"pairs: {len(scores.positives)} positive, {len(scores.random)} random negative, "
        f"{len(scores.hard)} hard negative\n"
    )
    print("| threshold | recall (positives) | FPR random negatives | FPR hard negatives |")
    print("|---|---|---|---|")
    for threshold in THRESHOLDS:
        recall = np.mean(scores.positives >= threshold)
        random = np.mean(scores.random >= threshold)
        hard = np.mean(scores.hard >= threshold)
        print(f"| {threshold:.2f} | {recall:.3f} | {random:.4f} | {hard:.3f} |")
    print("\n| distribution | median | p10 | p90 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for label, values in (
        ("positives", scores.positives),
        ("random negatives", scores.random),
        ("hard negatives", scores.hard),
    ):
        p10, p50, p90, p99 = np.percentile(values, [10, 50, 90, 99])
        print(f"| {label} | {p50:.3f} | {p10:.3f} | {p90:.3f} | {p99:.3f} | {values.max():.3f} |")


def news(embedder: Embedder) -> None:
    """Print each shipped article's max-sentence score for each topic."""
    topics = embedder.embed(list(TOPICS))
    print("\n## Shipped articles by topic (max-sentence cosine)\n")
    print("| article | " + " | ".join(f"T{i}" for i in range(1, len(TOPICS) + 1)) + " |")
    print("|---|" + "---|" * len(TOPICS))
    for path in sorted(ARTICLES.glob("*.md")):
        for raw in read_file(path):
            if isinstance(raw, Failure):
                print(f"| {path.name} | cannot read: {raw.reason} |")
                continue
            sentences = [raw.text[a:b] for a, b in split_sentences(raw.text)]
            best = (topics @ embedder.embed(sentences).T).max(axis=1)
            print(f"| {path.stem} | " + " | ".join(f"{v:.3f}" for v in best) + " |")
    print()
    for i, topic in enumerate(TOPICS, 1):
        print(f"T{i}: {topic}")


def main(argv: Sequence[str] | None = None) -> None:
    """Score both data sets and the shipped articles, printing Markdown tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate_alerts", description=__doc__)
    parser.add_argument("--scifact-db", type=Path, default=Path("/tmp/eval/scifact.db"))
    parser.add_argument("--squad-db", type=Path, default=Path("/tmp/eval/squad.db"))
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = OnnxEmbedder()
    report("SciFact (test)", scifact(args.scifact_db, embedder))
    report("SQuAD v1.1 dev", squad(args.squad_db, embedder))
    news(embedder)


if __name__ == "__main__":
    main()
