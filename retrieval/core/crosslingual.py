"""Evidence across languages: candidate sentences translated into the question's language.

A question translated by machine loses words ("balón" becomes "balloon"), so how much of the
question a sentence in another language covers is also measured the other way round: the
sentence translated into the question's language, against the question as asked. The
translations are kept: they are what a reader of that language is shown, labelled as machine
translations, under the verbatim quotes.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.core.questions import Query
from retrieval.language.translation import Apertium, TranslationError
from retrieval.text.query import query_stems, stems

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backward:
    """A sentence translated into the question's language, and the share of the question's own
    words it holds."""

    translation: str
    coverage: float


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
