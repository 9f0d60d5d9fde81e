"""XQuAD: SQuAD dev paragraphs and questions in English and Spanish, in any pairing."""

import json
from pathlib import Path

from retrieval.core.embeddings import Embedder
from retrieval.evaluation.common import Progress, quietly
from retrieval.evaluation.squad import SquadQuestion, retrieval_report
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
    # XQuAD is small: abstention is measured on every question, not every 5th as on SQuAD.
    report = retrieval_report(
        articles, asked, embedder, db, progress, questions, paragraphs, every=1
    )
    return heading + report


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
