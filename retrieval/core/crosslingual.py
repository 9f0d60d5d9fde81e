"""Evidence across languages: candidate sentences translated into the question's language.

A question translated by machine loses words ("balón" becomes "balloon"), so how much of the
question a sentence in another language covers is also measured the other way round: the
sentence translated into the question's language, against the question as asked. The
translations are kept: they are what a reader of that language is shown, labelled as machine
translations, under the verbatim quotes.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from retrieval.core.questions import Query
from retrieval.core.quotes import Candidate
from retrieval.language.translation import Apertium, TranslationError
from retrieval.text.query import query_stems, stems

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backward:
    """A sentence translated into the question's language, and the share of the question's own
    words it holds."""

    translation: str
    coverage: float


def translated(
    ranked: list[Candidate],
    query: Query,
    translator: Apertium,
    chosen: Sequence[int],
    weight: float,
) -> list[Candidate]:
    """The candidates, the chosen ones (in another language than the question's) translated
    into it, ranked again with `weight` x the share of the question's words each holds in the
    question's language: its translation's, or its own for a sentence in that language."""
    if not chosen:
        return ranked
    sentences = [(ranked[i].quote.text, ranked[i].language) for i in chosen]
    backward = translate_back(sentences, query, translator)
    if backward is None:
        return ranked
    candidates = list(ranked)
    for i, back in zip(chosen, backward, strict=True):
        candidates[i] = replace(
            ranked[i], translation=back.translation, back_coverage=back.coverage
        )
    rescored = []
    for c in candidates:
        share = c.back_coverage if c.translation is not None else c.coverage
        rescored.append(
            replace(c, quote=replace(c.quote, score=round(c.quote.score + weight * share, 4)))
        )
    return sorted(rescored, key=lambda c: -c.quote.score)


def translate_back(
    sentences: Sequence[tuple[str, str]], query: Query, translator: Apertium
) -> list[Backward] | None:
    """Each (text, language) sentence translated into the question's language, with its share of
    the question's words; None when Apertium cannot translate (logged)."""
    texts: dict[int, str] = {}
    try:
        for language in {language for _, language in sentences}:
            indexes = [i for i, (_, lang) in enumerate(sentences) if lang == language]
            found = translator.translate(
                [sentences[i][0] for i in indexes],
                language,  # type: ignore[arg-type]
                query.language,
            )
            texts.update(zip(indexes, found, strict=True))
    except TranslationError as error:
        log.warning("sentences left untranslated: %s", error)
        return None
    asked = query_stems(query.text, query.language)
    return [
        Backward(texts[i], _share(asked, stems(texts[i], query.language)))
        for i in range(len(sentences))
    ]


def _share(asked: list[str], words: list[str]) -> float:
    """The share of the asked stems among the words."""
    if not asked:
        return 0.0
    present = set(words)
    return sum(term in present for term in asked) / len(asked)
