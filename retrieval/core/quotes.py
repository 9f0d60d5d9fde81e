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


@dataclass(frozen=True)
class QuoteWeights:
    """How a sentence's scores are blended; measured on SQuAD dev (see README)."""

    similarity: float = 0.5
    keyword: float = 0.7
    chunk: float = 1.5


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be quoted, with the scores it was ranked by."""

    quote: Quote
    similarity: float
    chunk_score: float
    coverage: float  # the share of the question's stems the sentence contains
    vector: np.ndarray
    stems: frozenset[str]


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
    words = {
        i: stems(articles[row.article_id].text[row.start : row.end])
        for i, (row, _) in found.items()
    }
    vector = result.query_vector
    similarity = {
        i: float(row.vector @ vector) if vector is not None else 0.0
        for i, (row, _) in found.items()
    }
    keyword = max_normalised(local_bm25(result.stems, words))
    similarity_n = min_max_normalised(similarity)
    scores = {
        i: weights.similarity * similarity_n[i]
        + weights.keyword * keyword.get(i, 0.0)
        + weights.chunk * chunk_score
        for i, (_, chunk_score) in found.items()
    }
    ranked = []
    for i in top(scores, len(scores)):
        row, chunk_score = found[i]
        quote = quote_of(articles[row.article_id], row.start, row.end, round(scores[i], 4))
        share = _share(result.stems, words[i])
        ranked.append(
            Candidate(quote, similarity[i], chunk_score, share, row.vector, frozenset(words[i]))
        )
    return ranked


def support(ranked: list[Candidate], coverage_weight: float) -> float:
    """How strongly the candidates support an answer: similarity plus a share of words found.

    The word share lets a bare name or acronym ("EC3") be answered: the model alone rates such a
    query low against any full sentence.
    """
    return max((strength(c, coverage_weight) for c in ranked), default=0.0)


def strength(candidate: Candidate, coverage_weight: float) -> float:
    """How strongly one sentence supports an answer."""
    return candidate.similarity + coverage_weight * candidate.coverage


def _share(query: list[str], sentence: list[str]) -> float:
    """The share of the query's distinct stems that the sentence contains."""
    if not query:
        return 0.0
    present = set(sentence)
    return sum(term in present for term in query) / len(query)
