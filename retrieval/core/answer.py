"""Answers made of the stored articles' own sentences, quoted verbatim, or an abstention."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from retrieval.core.crosslingual import translate_back
from retrieval.core.fusion import local_bm25, max_normalised, min_max_normalised, top
from retrieval.core.models import Answer, Article, Quote, quote_of
from retrieval.core.questions import Query
from retrieval.core.search import Searcher, SearchResult
from retrieval.core.store import Filters, SentenceRow
from retrieval.language.messages import _
from retrieval.language.translation import Apertium
from retrieval.text.query import stems


class EmptyQuestion(ValueError):
    """The question has no words to search for."""


@dataclass(frozen=True)
class AnswerConfig:
    """How quotes are chosen, and when to abstain; weights measured on SQuAD dev (see README)."""

    quote_chunks: int = 4
    max_quotes: int = 3
    similarity_weight: float = 0.5
    keyword_weight: float = 0.7
    # ... for a sentence in another language than the question, whose keywords are the
    # question's machine translation (XQuAD es-en answer in the top quote 0.750 -> 0.756).
    translated_keyword_weight: float = 0.4
    chunk_weight: float = 1.5
    coverage_weight: float = 0.3
    min_support: float = 0.55
    # Thresholds for (question language, article language) pairs other than English-English,
    # calibrated on XQuAD (see README): across languages the best balance of on-topic answered
    # and off-topic abstained; Spanish-Spanish meets both targets at min_support.
    pair_support: Mapping[tuple[str, str], float] = field(
        default_factory=lambda: MappingProxyType({("es", "en"): 0.645, ("en", "es"): 0.645})
    )
    # Across languages: how many candidates are translated into the question's language, and the
    # weight of the share of the question's own words their translations hold.
    translated_candidates: int = 8
    back_coverage_weight: float = 0.5
    # ... and in ranking the quotes: the share of the question's words each candidate holds, in
    # the question's language (XQuAD es-en answer in the top quote 0.727 -> 0.751).
    back_quote_weight: float = 1.0
    min_related: float = 0.2
    related_articles: int = 3

    def keyword_weight_for(self, question: str, sentence: str) -> float:
        """The weight of keywords in ranking a sentence for a question, by their languages."""
        return self.keyword_weight if question == sentence else self.translated_keyword_weight


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be quoted, with the scores it was ranked by."""

    quote: Quote
    similarity: float
    chunk_score: float
    coverage: float
    language: str = "en"  # the quoted article's
    translation: str | None = None  # by machine, into the question's language, if it differs
    back_coverage: float = 0.0  # the share of the question's words the translation holds

    def support(self, config: AnswerConfig) -> float:
        """How strongly this sentence supports an answer: similarity plus shares of words found.

        The word share lets a bare name or acronym ("EC3") be answered: the model alone rates
        such a query low against any full sentence.
        """
        return (
            self.similarity
            + config.coverage_weight * self.coverage
            + config.back_coverage_weight * self.back_coverage
        )


class Answerer:
    """Turns a question into quoted sentences from the best-matching chunks."""

    def __init__(
        self,
        searcher: Searcher,
        config: AnswerConfig = AnswerConfig(),
        translator: Apertium | None = None,
    ) -> None:
        self.searcher = searcher
        self.config = config
        self.translator = translator or Apertium()

    def ask(
        self,
        question: str | Query,
        filters: Filters = Filters(),
        vector: np.ndarray | None = None,
        skip: int = 0,
    ) -> Answer:
        """Answer with up to `max_quotes` verbatim sentences after the first `skip`, or abstain."""
        query = question if isinstance(question, Query) else Query(question)
        question = query.text.strip()
        if not any(ch.isalnum() for ch in question):
            raise EmptyQuestion(_("The question is empty: type a few words to search for."))
        chunks = self.config.quote_chunks + skip
        ranked = self.rank_sentences(self.searcher.search(query, chunks, filters, vector=vector))
        if margin(ranked, self.config, query.language) >= 0:
            page = ranked[skip : skip + self.config.max_quotes]
            return Answer(
                question,
                tuple(c.quote for c in page),
                abstained=False,
                language=query.language,
                translations=tuple(c.translation for c in page),
            )
        return Answer(
            question,
            (),
            abstained=True,
            related=self._related(ranked),
            coverage="none",
            language=query.language,
        )

    def rank_sentences(self, result: SearchResult) -> list[Candidate]:
        """The distinct sentences of the result's chunks, best first, as scored quotes."""
        found: dict[int, tuple[SentenceRow, float]] = {}
        for hit in result.hits:
            for row in result.sentences.get(hit.chunk_id, []):
                if row.id not in found or found[row.id][1] < hit.score:
                    found[row.id] = (row, hit.score)
        if not found:
            return []
        articles = self.searcher.store.articles(row.article_id for row, _ in found.values())
        texts = {
            i: articles[row.article_id].text[row.start : row.end] for i, (row, _) in found.items()
        }
        found = {i: pair for i, pair in found.items() if quotable(texts[i])}
        language = {i: articles[row.article_id].language or "en" for i, (row, _) in found.items()}
        words = {i: stems(texts[i], language[i]) for i in found}
        vector = result.query_vector
        similarity = {
            i: float(row.vector @ vector) if vector is not None else 0.0
            for i, (row, _) in found.items()
        }
        asked = {i: _query_stems(result, language[i]) for i in found}
        keyword: dict[int, float] = {}
        for lang in set(language.values()):  # BM25 among the sentences of each language
            same = {i: words[i] for i in found if language[i] == lang}
            keyword.update(local_bm25(_query_stems(result, lang), same))
        keyword = max_normalised(keyword)
        similarity_n = min_max_normalised(similarity)
        config = self.config
        asker = result.query.language
        scores = {
            i: config.similarity_weight * similarity_n[i]
            + config.keyword_weight_for(asker, language[i]) * keyword.get(i, 0.0)
            + config.chunk_weight * chunk_score
            for i, (_, chunk_score) in found.items()
        }
        ranked = [
            Candidate(
                _quote(articles[found[i][0].article_id], found[i][0], scores[i]),
                similarity[i],
                found[i][1],
                _coverage(asked[i], words[i]),
                language[i],
            )
            for i in top(scores, len(scores))
        ]
        return self._translated(ranked, result.query)

    def _translated(self, ranked: list[Candidate], query: Query) -> list[Candidate]:
        """The candidates, the best in another language than the question's translated into it
        (by their support so far, and the first quotes in any case)."""
        config = self.config
        foreign = [i for i, c in enumerate(ranked) if c.language != query.language]
        if not foreign:
            return ranked
        by_support = sorted(foreign, key=lambda i: -ranked[i].support(config))
        chosen = sorted(
            set(by_support[: config.translated_candidates]) | set(foreign[: config.max_quotes])
        )
        backward = translate_back(
            [(ranked[i].quote.text, ranked[i].language) for i in chosen], query, self.translator
        )
        if backward is None:
            return ranked
        translated = list(ranked)
        for i, back in zip(chosen, backward, strict=True):
            translated[i] = replace(
                ranked[i], translation=back.translation, back_coverage=back.coverage
            )
        return self._reranked(translated)

    def _reranked(self, candidates: list[Candidate]) -> list[Candidate]:
        """Candidates ranked again with the share of the question's words each holds in the
        question's language: its translation's, or its own for a sentence in that language."""
        weight = self.config.back_quote_weight
        rescored = []
        for c in candidates:
            share = c.back_coverage if c.translation is not None else c.coverage
            score = round(c.quote.score + weight * share, 4)
            rescored.append(replace(c, quote=replace(c.quote, score=score)))
        return sorted(rescored, key=lambda c: -c.quote.score)

    def _related(self, ranked: list[Candidate]) -> tuple[Quote, ...]:
        """The closest articles' best sentences, one per article, when they are close at all."""
        related: dict[int, Quote] = {}
        for candidate in sorted(ranked, key=lambda c: -c.similarity):
            if candidate.similarity < self.config.min_related:
                break
            related.setdefault(candidate.quote.article_id, candidate.quote)
        return tuple(list(related.values())[: self.config.related_articles])


def _query_stems(result: SearchResult, language: str) -> list[str]:
    """The query's stems in an article language (in its own language when not searched in it)."""
    return result.stems.get(language) or result.stems.get(result.query.language) or []


def threshold(config: AnswerConfig, question: str, article: str) -> float:
    """The least support that answers a question in one language from an article in another."""
    return config.pair_support.get((question, article), config.min_support)


def margin(ranked: list[Candidate], config: AnswerConfig, question: str) -> float:
    """How far the best-supported candidate clears the threshold of its language pair."""
    return max(
        (c.support(config) - threshold(config, question, c.language) for c in ranked),
        default=-1.0,
    )


def support(ranked: list[Candidate], config: AnswerConfig) -> float:
    """How strongly the candidates support an answer: the best candidate's support."""
    return max((c.support(config) for c in ranked), default=0.0)


def _coverage(query: list[str], sentence: list[str]) -> float:
    """The share of the query's distinct stems that the sentence contains."""
    if not query:
        return 0.0
    present = set(sentence)
    return sum(term in present for term in query) / len(query)


def quotable(text: str) -> bool:
    """Whether a sentence reads as a statement, not a heading such as "InSight Crime Analysis"."""
    return len(text.split()) >= 5 or text.rstrip("\"'\u201d\u2019)").endswith((".", "!", "?"))


def _quote(article: Article, row: SentenceRow, score: float) -> Quote:
    """A verbatim quote of one stored sentence."""
    return quote_of(article, row.start, row.end, round(score, 4))
