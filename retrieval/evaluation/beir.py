"""BEIR data sets (SciFact): nDCG@10 and recall@100 for each search mode."""

import json
import math
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path

from retrieval.core.embeddings import Embedder
from retrieval.core.fusion import reciprocal_rank_fusion, top
from retrieval.core.models import MODES
from retrieval.evaluation.common import Progress, article_ranking, load_collection, quietly
from retrieval.text.documents import RawArticle


def _jsonl(path: Path) -> Iterator[dict]:
    """The rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def beir_report(
    path: Path,
    embedder: Embedder,
    split: str = "test",
    db: Path | str | None = None,
    progress: Progress = quietly,
) -> str:
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
    with tempfile.TemporaryDirectory() as tmp:
        collection, ids = load_collection(articles, embedder, db or Path(tmp) / "beir.db", progress)
        doc_of = {article_id: origin.removeprefix("beir:") for origin, article_id in ids.items()}
        query_ids = list(queries)
        vectors = embedder.embed([queries[q] for q in query_ids])
        runs: dict[str, list[list[int]]] = {
            mode: [
                article_ranking(collection.searcher.search(queries[q], 100, mode=mode, vector=v))
                for q, v in progress(zip(query_ids, vectors, strict=True), len(query_ids), mode)
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
