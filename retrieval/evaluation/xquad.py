"""XQuAD: SQuAD dev paragraphs and questions in English and Spanish, in any pairing."""

import json
import tempfile
from pathlib import Path

import numpy as np

from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.questions import Query
from retrieval.core.quotes import support
from retrieval.core.search import SearchResult
from retrieval.core.spelling import Reading
from retrieval.evaluation.common import Progress, SquadQuestion, load_collection, quietly
from retrieval.evaluation.squad import retrieval_table
from retrieval.language.detection import Language
from retrieval.text.documents import RawArticle


def xquad_collection(
    folder: Path, questions: Language, paragraphs: Language
) -> tuple[list[RawArticle], list[SquadQuestion]]:
    """Paragraphs in one language as articles, and the same questions asked in another.

    The files are parallel (same paragraphs, same question ids): the gold answers come from the
    paragraphs' language, where they must be quoted.
    """
    asked = _load(folder, questions)
    data = _load(folder, paragraphs)
    texts = {qa["id"]: qa["question"] for _, _, qa in _questions(asked)}
    articles: list[RawArticle] = []
    found: list[SquadQuestion] = []
    for topic in data["data"]:
        title = topic["title"].replace("_", " ")
        for paragraph in topic["paragraphs"]:
            origin = f"xquad:{len(articles)}"
            articles.append(
                RawArticle(
                    title=title,
                    text=paragraph["context"],
                    source=title,
                    language=paragraphs,
                    origin=origin,
                )
            )
            found.extend(
                SquadQuestion(
                    texts[qa["id"]], origin, title, tuple(a["text"] for a in qa["answers"])
                )
                for qa in paragraph["qas"]
            )
    return articles, found


def xquad_report(
    folder: Path,
    questions: Language,
    paragraphs: Language,
    embedder: Embedder,
    limit: int | None = None,
    db: Path | None = None,
    progress: Progress = quietly,
) -> str:
    """The SQuAD tables for XQuAD questions in one language over paragraphs in another."""
    articles, asked = xquad_collection(folder, questions, paragraphs)
    asked = asked[:limit] if limit else asked
    heading = f"XQuAD, questions in {questions}, paragraphs in {paragraphs}:\n\n"
    with tempfile.TemporaryDirectory() as tmp:
        collection, ids = load_collection(
            articles, embedder, db or Path(tmp) / "xquad.db", progress
        )
        queries = collection.reader.read_all([q.text for q in asked], hint=questions)
        vectors = embedder.embed([query.model_text for query in queries])
        table = retrieval_table(collection, ids, asked, queries, vectors, progress)
        used = collection.answerer.config.threshold(questions, paragraphs)
        abstention = _abstention(collection, asked, queries, vectors, ids, used, progress)
        collection.close()
    count = f"{len(asked):,} questions, {len(articles):,} paragraphs."
    return heading + "\n".join([*table, "", count, abstention])


def _abstention(
    collection: Collection,
    questions: list[SquadQuestion],
    queries: list[Query],
    vectors: np.ndarray,
    ids: dict[str, int],
    used: float,
    progress: Progress = quietly,
) -> str:
    """How often every question is answered by the support threshold of its language pair,
    and withheld once its whole topic is left out; `used` is the bot's threshold for the pair."""
    config = collection.answerer.config
    topics: dict[str, set[int]] = {}
    for question in questions:
        topics.setdefault(question.topic, set()).add(ids[question.origin])
    own, away = [], []
    rows = list(zip(questions, queries, vectors, strict=True))
    for question, query, vector in progress(rows, len(rows), "abstention"):
        result = collection.searcher.search(query, 100, vector=vector)
        own.append(_support(collection, result.first(config.quote_chunks)))
        elsewhere = result.first(config.quote_chunks, skip=topics[question.topic])
        away.append(_support(collection, elsewhere))
    lines = [
        f"Abstention ({len(own):,} questions; 'off-topic' = the same questions with their whole "
        "SQuAD article left out):",
        "",
        "| min support | answers on-topic | abstains off-topic |",
        "|---|---|---|",
    ]
    for level in sorted({0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, round(used, 3)}):
        mark = " (used)" if abs(level - used) < 1e-9 else ""
        answered = sum(value >= level for value in own) / len(own)
        withheld = sum(value < level for value in away) / len(away)
        shown = f"{level:.2f}" if abs(round(level, 2) - level) < 1e-9 else f"{level:.3f}"
        lines.append(f"| {shown}{mark} | {answered:.3f} | {withheld:.3f} |")
    return "\n".join(lines)


def _support(collection: Collection, result: SearchResult) -> float:
    """The support of the best candidate sentence of a search result."""
    answerer = collection.answerer
    ranked, _ = answerer.candidates(Reading(result.query.text), result)
    return support(ranked, answerer.config.coverage_weight)


def _load(folder: Path, language: Language) -> dict:
    """One language's XQuAD file."""
    return json.loads((folder / f"xquad.{language}.json").read_text(encoding="utf-8"))


def _questions(data: dict) -> list[tuple[dict, dict, dict]]:
    """Every (topic, paragraph, question) of a SQuAD-format file."""
    return [
        (topic, paragraph, qa)
        for topic in data["data"]
        for paragraph in topic["paragraphs"]
        for qa in paragraph["qas"]
    ]
