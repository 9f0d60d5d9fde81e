"""Candidate quotes: the sentences of the best chunks, scored as answers to a question."""

from dataclasses import dataclass

import numpy as np

from retrieval.core.article_store import ArticleStore
from retrieval.core.fusion import local_bm25, max_normalised, min_max_normalised, top
from retrieval.core.models import Quote, quote_of
from retrieval.core.search import SearchResult
from retrieval.core.store import SentenceRow
from retrieval.text.headlines import quotable
from retrieval.text.query import stems

# Across languages (calibrated on XQuAD with the pairs' thresholds, see README).
BACK_COVERAGE_WEIGHT = 0.5


@dataclass(frozen=True)
class QuoteWeights:
    """How a sentence's scores are blended; measured on SQuAD dev (see README)."""

    similarity: float = 0.5
    keyword: float = 0.7
    # ... for a sentence in another language than the question, whose keywords are the
    # question's machine translation (XQuAD es-en answer in the top quote 0.750 -> 0.756).
    translated_keyword: float = 0.4
    chunk: float = 1.5
    # Across languages: the share of the question's own words a candidate's translation holds
    # (XQuAD es-en answer in the top quote 0.727 -> 0.750).
    back_share: float = 1.0

    def keyword_for(self, question: str, sentence: str) -> float:
        """The weight of keywords in ranking a sentence for a question, by their languages."""
        return self.keyword if question == sentence else self.translated_keyword


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be quoted, with the scores it was ranked by."""

    quote: Quote
    similarity: float
    chunk_score: float
    coverage: float  # the share of the question's stems the sentence contains
    vector: np.ndarray
    stems: frozenset[str]
    language: str = "en"  # the quoted article's
    translation: str | None = None  # by machine, into the question's language, if it differs
    back_coverage: float = 0.0  # the share of the question's words the translation holds


def rank_sentences(
    store: ArticleStore, result: SearchResult, weights: QuoteWeights = QuoteWeights()
) -> list[Candidate]:
    """The distinct quotable sentences of the result's chunks, best first."""
    found: dict[int, tuple[SentenceRow, float]] = {}
    for hit in result.hits:
        for row in result.sentences.get(hit.chunk_id, []):
            if row.id not in found or found[row.id][1] < hit.score:
                found[row.id] = (row, hit.score)
    if not found:
        return []
    articles = store.articles(row.article_id for row, _ in found.values())
    found = {
        i: (row, score)
        for i, (row, score) in found.items()
        if quotable(
            articles[row.article_id].text, (row.start, row.end), articles[row.article_id].title
        )
    }
    language = {i: articles[row.article_id].language or "en" for i, (row, _) in found.items()}
    words = {
        i: stems(articles[row.article_id].text[row.start : row.end], language[i])
        for i, (row, _) in found.items()
    }
    vector = result.query_vector
    similarity = {
        i: float(row.vector @ vector) if vector is not None else 0.0
        for i, (row, _) in found.items()
    }
    keyword: dict[int, float] = {}
    for lang in set(language.values()):  # BM25 among the sentences of each language
        same = {i: words[i] for i in found if language[i] == lang}
        keyword.update(local_bm25(query_stems_in(result, lang), same))
    keyword = max_normalised(keyword)
    similarity_n = min_max_normalised(similarity)
    asker = result.query.language
    scores = {
        i: weights.similarity * similarity_n[i]
        + weights.keyword_for(asker, language[i]) * keyword.get(i, 0.0)
        + weights.chunk * chunk_score
        for i, (_, chunk_score) in found.items()
    }
    ranked = []
    for i in top(scores, len(scores)):
        row, chunk_score = found[i]
        quote = quote_of(articles[row.article_id], row.start, row.end, round(scores[i], 4))
        share = _share(query_stems_in(result, language[i]), words[i])
        ranked.append(
            Candidate(
                quote,
                similarity[i],
                chunk_score,
                share,
                row.vector,
                frozenset(words[i]),
                language[i],
            )
        )
    return ranked


def support(ranked: list[Candidate], coverage_weight: float) -> float:
    """How strongly the candidates support an answer: similarity plus a share of words found.

    The word share lets a bare name or acronym ("EC3") be answered: the model alone rates such a
    query low against any full sentence.
    """
    return max((strength(c, coverage_weight) for c in ranked), default=0.0)


def strength(candidate: Candidate, coverage_weight: float) -> float:
    """How strongly one sentence supports an answer; across languages, the share of the
    question's words its translation holds counts too (BACK_COVERAGE_WEIGHT)."""
    return (
        candidate.similarity
        + coverage_weight * candidate.coverage
        + BACK_COVERAGE_WEIGHT * candidate.back_coverage
    )


def query_stems_in(result: SearchResult, language: str) -> list[str]:
    """The query's stems in an article language (in its own language when not searched in it)."""
    return result.stems.get(language) or result.stems.get(result.query.language) or []


def _share(query: list[str], sentence: list[str]) -> float:
    """The share of the query's distinct stems that the sentence contains."""
    if not query:
        return 0.0
    present = set(sentence)
    return sum(term in present for term in query) / len(query)
