"""SQuAD v1.1 dev: does the right paragraph come first, is the answer quoted, when to abstain."""

import json
import tempfile
from pathlib import Path

import numpy as np

from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.models import MODES
from retrieval.core.questions import Query
from retrieval.core.search import SearchResult
from retrieval.core.spelling import Reading
from retrieval.evaluation.answering import answers_report
from retrieval.evaluation.common import (
    Progress,
    SquadQuestion,
    article_ranking,
    load_collection,
    quietly,
)
from retrieval.text.documents import RawArticle


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


def squad_report(
    path: Path,
    embedder: Embedder,
    limit: int | None = None,
    db: Path | str | None = None,
    progress: Progress = quietly,
    seed: int = 11,
) -> str:
    """Paragraph top-1/5/20 accuracy and answer-in-quote rates for each search mode, then when
    answers are given: on-topic, off-topic, near-topic and misspelt questions."""
    articles, questions = squad_collection(path)
    questions = questions[:limit] if limit else questions
    with tempfile.TemporaryDirectory() as tmp:
        collection, ids = load_collection(
            articles, embedder, db or Path(tmp) / "squad.db", progress
        )
        queries = [Query(q.text) for q in questions]
        vectors = embedder.embed([q.text for q in questions])
        table = retrieval_table(collection, ids, questions, queries, vectors, progress)
        topics: dict[str, set[int]] = {}
        for raw in articles:
            if raw.origin in ids:
                topics.setdefault(raw.title, set()).add(ids[raw.origin])
        answering = answers_report(collection, questions[::5], topics, seed, progress)
        collection.close()
    return "\n".join(
        [*table, "", f"{len(questions):,} questions, {len(articles):,} paragraphs.", answering]
    )


def retrieval_table(
    collection: Collection,
    ids: dict[str, int],
    questions: list[SquadQuestion],
    queries: list[Query],
    vectors: np.ndarray,
    progress: Progress = quietly,
) -> list[str]:
    """Per search mode: the paragraph in the top 1/5/20, the answer in the top 1/3 quotes."""
    table = [
        "| mode | top-1 | top-5 | top-20 | answer in top-1 quote | in top-3 quotes |",
        "|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        counts = np.zeros(5)
        rows = zip(questions, queries, vectors, strict=True)
        for question, query, vector in progress(rows, len(questions), mode):
            result = collection.searcher.search(query, 20, mode=mode, vector=vector)
            ranked = article_ranking(result)
            counts[:3] += [ids[question.origin] in ranked[:n] for n in (1, 5, 20)]
            found = [
                any(answer in quote for answer in question.answers)
                for quote in _quotes(collection, question.text, result, 3)
            ]
            counts[3:] += [found[:1] == [True], any(found)]
        table.append(
            f"| {mode} | " + " | ".join(f"{v:.3f}" for v in counts / len(questions)) + " |"
        )
    return table


def _quotes(collection: Collection, question: str, result: SearchResult, n: int) -> list[str]:
    """The texts of the first n sentences the answerer would quote from this result."""
    answerer = collection.answerer
    ranked, _ = answerer.candidates(Reading(question), result.first(answerer.config.quote_chunks))
    return [candidate.quote.text for candidate in ranked[:n]]
