"""Retrieval and quoting measured on public data: SQuAD v1.1 dev and BEIR data sets."""

import json
import math
import statistics
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.answer import support
from retrieval.collection import Collection
from retrieval.embeddings import Embedder, SentenceTransformerEmbedder
from retrieval.fusion import reciprocal_rank_fusion, top
from retrieval.ingest import content_hash
from retrieval.models import RawArticle
from retrieval.search import MODES, SearchResult
from retrieval.store import Store


@dataclass(frozen=True)
class SquadQuestion:
    """A SQuAD question, its paragraph's origin, its article's title and its gold answers."""

    text: str
    origin: str
    topic: str
    answers: tuple[str, ...]


def squad_collection(path: Path) -> tuple[list[RawArticle], list[SquadQuestion]]:
    """SQuAD paragraphs as articles (one collection), and the questions about them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    articles: list[RawArticle] = []
    questions: list[SquadQuestion] = []
    for topic in data["data"]:
        title = topic["title"].replace("_", " ")
        for paragraph in topic["paragraphs"]:
            origin = f"squad:{len(articles)}"
            articles.append(
                RawArticle(title=title, text=paragraph["context"], source=title, origin=origin)
            )
            questions.extend(
                SquadQuestion(
                    qa["question"], origin, title, tuple(a["text"] for a in qa["answers"])
                )
                for qa in paragraph["qas"]
            )
    return articles, questions


def _load(
    articles: list[RawArticle], embedder: Embedder, db: Path
) -> tuple[Collection, dict[str, int]]:
    """A collection holding the articles, and the article id of each origin."""
    collection = Collection(Store(db), embedder)
    collection.ingest(articles)
    ids: dict[str, int] = {}
    for raw in articles:
        key = collection.store.find_key(origin=raw.origin) or collection.store.find_key(
            content_hash=content_hash(raw)
        )  # a paragraph that repeats another is stored once
        if key and raw.origin:
            ids[raw.origin] = key.id
    return collection, ids


def _article_ranking(result: SearchResult) -> list[int]:
    """Article ids in order of their best chunk, each once."""
    return list(dict.fromkeys(hit.article_id for hit in result.hits))


def squad_report(path: Path, limit: int | None = None, db: Path | None = None) -> str:
    """Paragraph top-1/5/20 accuracy and answer-in-quote rates for each search mode."""
    articles, questions = squad_collection(path)
    questions = questions[:limit] if limit else questions
    embedder = SentenceTransformerEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        collection, ids = _load(articles, embedder, db or Path(tmp) / "squad.db")
        vectors = embedder.embed([q.text for q in questions])
        table = [
            "| mode | top-1 | top-5 | top-20 | answer in top-1 quote | in top-3 quotes |",
            "|---|---|---|---|---|---|",
        ]
        for mode in MODES:
            counts = np.zeros(5)
            for question, vector in zip(questions, vectors, strict=True):
                result = collection.searcher.search(question.text, 20, mode=mode, vector=vector)
                ranked = _article_ranking(result)
                counts[:3] += [ids[question.origin] in ranked[:n] for n in (1, 5, 20)]
                found = [
                    any(answer in quote for answer in question.answers)
                    for quote in _quotes(collection, result, 3)
                ]
                counts[3:] += [found[:1] == [True], any(found)]
            table.append(
                f"| {mode} | " + " | ".join(f"{v:.3f}" for v in counts / len(questions)) + " |"
            )
        abstention = _abstention(collection, questions, vectors, ids)
        collection.close()
    return "\n".join(
        [*table, "", f"{len(questions):,} questions, {len(articles):,} paragraphs.", abstention]
    )


def _quotes(collection: Collection, result: SearchResult, n: int) -> list[str]:
    """The texts of the first n sentences the answerer would quote from this result."""
    answerer = collection.answerer
    ranked = answerer.rank_sentences(result.first(answerer.config.quote_chunks))
    return [candidate.quote.text for candidate in ranked[:n]]


def _abstention(
    collection: Collection, questions: list[SquadQuestion], vectors: np.ndarray, ids: dict[str, int]
) -> str:
    """How often every 5th question is answered, and withheld once its whole topic is left out."""
    answerer = collection.answerer
    config = answerer.config
    topics: dict[str, set[int]] = {}
    for question in questions:
        topics.setdefault(question.topic, set()).add(ids[question.origin])
    own, away = [], []
    for question, vector in list(zip(questions, vectors, strict=True))[::5]:
        result = collection.searcher.search(question.text, 100, vector=vector)
        own.append(
            support(
                answerer.rank_sentences(result.first(config.quote_chunks)), config.coverage_weight
            )
        )
        elsewhere = result.first(config.quote_chunks, skip=topics[question.topic])
        away.append(support(answerer.rank_sentences(elsewhere), config.coverage_weight))
    lines = [
        f"Abstention ({len(own):,} questions; 'off-topic' = the same questions with their whole "
        "SQuAD article left out):",
        "",
        "| min support | answers on-topic | abstains off-topic |",
        "|---|---|---|",
    ]
    for threshold in (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70):
        mark = " (used)" if abs(threshold - config.min_support) < 1e-9 else ""
        answered = sum(value >= threshold for value in own) / len(own)
        withheld = sum(value < threshold for value in away) / len(away)
        lines.append(f"| {threshold:.2f}{mark} | {answered:.3f} | {withheld:.3f} |")
    return "\n".join(lines)


def _jsonl(path: Path) -> Iterator[dict]:
    """The rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def beir_report(path: Path, split: str = "test", db: Path | None = None) -> str:
    """nDCG@10 and recall@100 for each search mode, and reciprocal rank fusion for comparison."""
    qrels: dict[str, dict[str, int]] = {}
    for line in (path / "qrels" / f"{split}.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, score = line.strip().split("\t")
        qrels.setdefault(query_id, {})[doc_id] = int(score)
    queries = {
        row["_id"]: row["text"] for row in _jsonl(path / "queries.jsonl") if row["_id"] in qrels
    }
    articles = [
        RawArticle(
            title=row.get("title") or row["_id"], text=row["text"], origin=f"beir:{row['_id']}"
        )
        for row in _jsonl(path / "corpus.jsonl")
        if row["text"].strip()
    ]
    embedder = SentenceTransformerEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        collection, ids = _load(articles, embedder, db or Path(tmp) / "beir.db")
        doc_of = {article_id: origin.removeprefix("beir:") for origin, article_id in ids.items()}
        query_ids = list(queries)
        vectors = embedder.embed([queries[q] for q in query_ids])
        runs: dict[str, list[list[int]]] = {
            mode: [
                _article_ranking(collection.searcher.search(queries[q], 100, mode=mode, vector=v))
                for q, v in zip(query_ids, vectors, strict=True)
            ]
            for mode in MODES
        }
        collection.close()
    runs["rrf(bm25, dense)"] = [
        top(reciprocal_rank_fusion([b, d]), 100)
        for b, d in zip(runs["bm25"], runs["dense"], strict=True)
    ]
    table = ["| mode | nDCG@10 | recall@100 |", "|---|---|---|"]
    for mode, rankings in runs.items():
        docs = [[doc_of[a] for a in ranking] for ranking in rankings]
        ndcg = statistics.mean(_ndcg(d, qrels[q], 10) for q, d in zip(query_ids, docs, strict=True))
        recall = statistics.mean(
            _recall(d, qrels[q], 100) for q, d in zip(query_ids, docs, strict=True)
        )
        table.append(f"| {mode} | {ndcg:.3f} | {recall:.3f} |")
    return "\n".join(
        [*table, "", f"{len(query_ids)} queries, {len(articles):,} documents ({split})."]
    )


def _ndcg(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    """Normalised discounted cumulative gain at k."""
    gain = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    best = sorted(relevant.values(), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(best))
    return gain / ideal if ideal else 0.0


def _recall(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    """Share of the relevant documents found in the first k."""
    wanted = {d for d, g in relevant.items() if g > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0
