"""SQuAD v1.1 dev: does the right paragraph come first, is the answer quoted, when to abstain."""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.core.answer import support
from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.models import MODES
from retrieval.core.search import SearchResult
from retrieval.evaluation.common import Progress, article_ranking, load_collection, quietly
from retrieval.text.documents import RawArticle


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


def squad_report(
    path: Path,
    embedder: Embedder,
    limit: int | None = None,
    db: Path | str | None = None,
    progress: Progress = quietly,
) -> str:
    """Paragraph top-1/5/20 accuracy and answer-in-quote rates for each search mode."""
    articles, questions = squad_collection(path)
    questions = questions[:limit] if limit else questions
    with tempfile.TemporaryDirectory() as tmp:
        collection, ids = load_collection(
            articles, embedder, db or Path(tmp) / "squad.db", progress
        )
        vectors = embedder.embed([q.text for q in questions])
        table = [
            "| mode | top-1 | top-5 | top-20 | answer in top-1 quote | in top-3 quotes |",
            "|---|---|---|---|---|---|",
        ]
        for mode in MODES:
            counts = np.zeros(5)
            pairs = zip(questions, vectors, strict=True)
            for question, vector in progress(pairs, len(questions), mode):
                result = collection.searcher.search(question.text, 20, mode=mode, vector=vector)
                ranked = article_ranking(result)
                counts[:3] += [ids[question.origin] in ranked[:n] for n in (1, 5, 20)]
                found = [
                    any(answer in quote for answer in question.answers)
                    for quote in _quotes(collection, result, 3)
                ]
                counts[3:] += [found[:1] == [True], any(found)]
            table.append(
                f"| {mode} | " + " | ".join(f"{v:.3f}" for v in counts / len(questions)) + " |"
            )
        abstention = _abstention(collection, questions, vectors, ids, progress)
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
    collection: Collection,
    questions: list[SquadQuestion],
    vectors: np.ndarray,
    ids: dict[str, int],
    progress: Progress = quietly,
) -> str:
    """How often every 5th question is answered, and withheld once its whole topic is left out."""
    answerer = collection.answerer
    config = answerer.config
    topics: dict[str, set[int]] = {}
    for question in questions:
        topics.setdefault(question.topic, set()).add(ids[question.origin])
    own, away = [], []
    sample = list(zip(questions, vectors, strict=True))[::5]
    for question, vector in progress(sample, len(sample), "abstention"):
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
