"""Answers made of the stored articles' own sentences, quoted verbatim, or an abstention."""

from dataclasses import dataclass

import numpy as np

from retrieval.fusion import max_normalised, min_max_normalised, top
from retrieval.models import Answer, Article, Hit, Quote
from retrieval.search import Searcher, SearchResult
from retrieval.store import Filters, SentenceRow


class EmptyQuestion(ValueError):
    """The question has no words to search for."""


@dataclass(frozen=True)
class AnswerConfig:
    """How quotes are chosen, and when to abstain; weights measured on SQuAD dev (see README)."""

    quote_chunks: int = 3
    max_quotes: int = 3
    similarity_weight: float = 0.5
    keyword_weight: float = 0.7
    chunk_weight: float = 1.0
    min_support: float = 0.35
    min_related: float = 0.2
    related_articles: int = 3


@dataclass(frozen=True)
class _Candidate:
    """A sentence that may be quoted, with the scores it is ranked by."""

    row: SentenceRow
    similarity: float
    chunk_score: float


class Answerer:
    """Turns a question into quoted sentences from the best-matching chunks."""

    def __init__(self, searcher: Searcher, config: AnswerConfig = AnswerConfig()) -> None:
        self.searcher = searcher
        self.config = config

    def ask(
        self,
        question: str,
        filters: Filters = Filters(),
        vector: np.ndarray | None = None,
        skip: int = 0,
    ) -> Answer:
        """Answer with up to `max_quotes` verbatim sentences after the first `skip`, or abstain."""
        question = question.strip()
        if not any(ch.isalnum() for ch in question):
            raise EmptyQuestion("The question is empty: type a few words to search for.")
        chunks = self.config.quote_chunks + skip
        result = self.searcher.search(question, chunks, filters, vector=vector)
        ranked = self.rank_sentences(result)
        articles = self.searcher.store.articles(c.row.article_id for _, c in ranked)
        quotes = [_quote(articles[c.row.article_id], c.row, score) for score, c in ranked]
        if self.support(ranked) >= self.config.min_support:
            page = quotes[skip : skip + self.config.max_quotes]
            return Answer(question, tuple(page), abstained=False)
        return Answer(question, (), abstained=True, related=self._related(ranked, quotes))

    def rank_sentences(self, result: SearchResult) -> list[tuple[float, _Candidate]]:
        """Sentences of the top chunks, best first, each with its score."""
        candidates = _candidates(result.hits, result.sentences, result.query_vector)
        if not candidates:
            return []
        config = self.config
        keyword = max_normalised(
            self.searcher.store.bm25_of("sentences", result.match, list(candidates))
            if result.match
            else {}
        )
        similarity = min_max_normalised({i: c.similarity for i, c in candidates.items()})
        scores = {
            i: config.similarity_weight * similarity[i]
            + config.keyword_weight * keyword.get(i, 0.0)
            + config.chunk_weight * c.chunk_score
            for i, c in candidates.items()
        }
        return [(scores[i], candidates[i]) for i in top(scores, len(scores))]

    @staticmethod
    def support(ranked: list[tuple[float, "_Candidate"]]) -> float:
        """How strongly the best candidates support an answer: their best sentence similarity."""
        return max((candidate.similarity for _, candidate in ranked), default=0.0)

    def _related(
        self, ranked: list[tuple[float, _Candidate]], quotes: list[Quote]
    ) -> tuple[Quote, ...]:
        """The closest articles' best sentences, one per article, when they are close at all."""
        related: dict[int, Quote] = {}
        by_similarity = sorted(zip(ranked, quotes, strict=True), key=lambda p: -p[0][1].similarity)
        for (_, candidate), quote in by_similarity:
            if candidate.similarity < self.config.min_related:
                break
            related.setdefault(quote.article_id, quote)
        return tuple(list(related.values())[: self.config.related_articles])


def _candidates(
    hits: list[Hit], sentences: dict[int, list[SentenceRow]], vector: np.ndarray | None
) -> dict[int, _Candidate]:
    """The distinct sentences of the hit chunks, with similarity and best chunk score."""
    found: dict[int, _Candidate] = {}
    for hit in hits:
        for row in sentences.get(hit.chunk_id, []):
            similarity = float(row.vector @ vector) if vector is not None else 0.0
            known = found.get(row.id)
            if known is None or known.chunk_score < hit.score:
                found[row.id] = _Candidate(row, similarity, hit.score)
    return found


def _quote(article: Article, row: SentenceRow, score: float) -> Quote:
    """A verbatim quote of one stored sentence."""
    return Quote(
        article_id=article.id,
        title=article.title,
        source=article.source,
        published=article.published,
        url=article.url,
        text=article.text[row.start : row.end],
        start=row.start,
        end=row.end,
        score=round(score, 4),
    )
