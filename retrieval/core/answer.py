"""Answers made of the stored articles' own sentences, quoted verbatim, or an honest abstention."""

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from retrieval.core.coverage import (
    QuestionWord,
    joint_coverage,
    key,
    question_words,
    unanswered,
    without,
)
from retrieval.core.crosslingual import translated
from retrieval.core.facts import asked_fact, states
from retrieval.core.models import Answer, Coverage, Quote
from retrieval.core.questions import Query
from retrieval.core.quotes import Candidate, QuoteWeights, rank_sentences, strength, support
from retrieval.core.search import Searcher, SearchResult
from retrieval.core.spelling import Reading, correct
from retrieval.core.store import Filters
from retrieval.core.vocabulary import WordCounts
from retrieval.language.messages import _
from retrieval.language.translation import Apertium
from retrieval.text.query import query_stems, stems


class EmptyQuestion(ValueError):
    """The question has no words to search for."""


@dataclass(frozen=True)
class AnswerConfig:
    """How quotes are chosen, and when they answer; tuned on SQuAD dev (see README)."""

    quote_chunks: int = 4
    max_quotes: int = 3
    weights: QuoteWeights = field(default_factory=QuoteWeights)
    coverage_weight: float = 0.3  # support: a sentence's similarity plus this share of words found
    min_support: float = 0.55  # below this nothing comes close: the closest articles are listed
    joint_weight: float = 0.5  # strength: support plus this share of the question's words covered
    min_answer: float = 0.825  # at this strength, with nothing central missing, the quotes answer
    unknown_margin: float = 0.07  # how far the question must hinge on a word no article uses
    rare_share: float = 0.05  # words used by at most this share of articles are named as missing
    min_related: float = 0.2
    related_articles: int = 3
    more_chunks: int = 12
    # Any pair of languages but English-English answers when the best candidate's support clears
    # the pair's threshold, calibrated on XQuAD (README); Spanish-Spanish at min_support.
    pair_support: Mapping[tuple[str, str], float] = field(
        default_factory=lambda: MappingProxyType({("es", "en"): 0.645, ("en", "es"): 0.645})
    )
    # Across languages: how many candidates are translated into the question's language.
    translated_candidates: int = 8

    def threshold(self, question: str, article: str) -> float:
        """The least support that answers a question in one language from an article in another."""
        return self.pair_support.get((question, article), self.min_support)


@dataclass(frozen=True)
class Assessment:
    """How well the best sentences for a question answer it."""

    ranked: list[Candidate]  # the sentences to quote, best first (those stating the fact asked)
    support: float  # the best sentence's similarity plus the share of the question's words in it
    joint: float  # the largest share of the question's word weight one article's quotes hold
    covered: tuple[str, ...]  # the question's key words that article's quotes or title contain
    missing: tuple[str, ...]  # those they do not, and the fact asked for if no sentence states it
    unanswered: bool  # the question hinges on a word no article uses, or a fact no sentence states

    def strength(self, config: AnswerConfig) -> float:
        """How strongly the quotes answer: support plus the share of the question they cover."""
        return self.support + config.joint_weight * self.joint

    def coverage(self, config: AnswerConfig) -> Coverage:
        """Full when the quotes answer; partial when they cover some key words but miss others."""
        if self.support < config.min_support or not self.ranked:
            return "none"
        if not self.unanswered and self.strength(config) >= config.min_answer:
            return "full"
        return "partial" if self.covered and self.missing else "none"


@dataclass(frozen=True)
class More:
    """The next quotes that still answer a question, and whether they are the last that do."""

    quotes: tuple[Quote, ...]
    last: bool


class Answerer:
    """Turns a question into quoted sentences from the best-matching chunks."""

    def __init__(
        self,
        searcher: Searcher,
        config: AnswerConfig,
        vocabulary: WordCounts,
        translator: Apertium | None = None,
    ) -> None:
        self.searcher = searcher
        self.config = config
        self.vocabulary = vocabulary
        self.translator = translator or Apertium()

    def ask(
        self,
        question: str | Query,
        filters: Filters = Filters(),
        vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer with up to `max_quotes` verbatim sentences, or abstain saying what is missing."""
        query = question if isinstance(question, Query) else Query(question)
        reading = self.read(query)
        if reading.corrections:
            vector = None  # the vector given was for the words as typed
            query = _corrected(query, reading.text)
        result = self.searcher.search(query, self.config.quote_chunks, filters, vector=vector)
        return self.answer(query.text, reading, result)

    def read(self, question: str | Query) -> Reading:
        """The question as it will be searched, with unknown words corrected where one is near
        (in English questions: the collection's words are stemmed as English)."""
        query = question if isinstance(question, Query) else Query(question)
        text = query.text.strip()
        if not any(ch.isalnum() for ch in text):
            raise EmptyQuestion(_("The question is empty: type a few words to search for."))
        if query.language != "en":
            return Reading(text)
        frequencies = self.vocabulary.frequencies(query_stems(text))
        return correct(text, frequencies, self._nearest)

    def answer(self, question: str, reading: Reading, result: SearchResult) -> Answer:
        """The answer a search result gives: quotes when they answer, else related reading."""
        ranked, unstated = self.candidates(reading, result)
        if _across_languages(result.query, ranked[: self.config.max_quotes]):
            return self._across(question, result.query.language, ranked)
        assessment = self._assessed(reading, result, ranked, unstated)
        coverage = assessment.coverage(self.config)
        page = tuple(c.quote for c in assessment.ranked[: self.config.max_quotes])
        answered = coverage == "full"
        return Answer(
            question.strip(),
            page if answered else (),
            not answered,
            related=()
            if answered
            else page
            if coverage == "partial"
            else self._related(assessment.ranked),
            coverage=coverage,
            covered=assessment.covered,
            missing=() if answered else assessment.missing,
            searched=reading.text if reading.corrections else None,
        )

    def candidates(self, reading: Reading, result: SearchResult) -> tuple[list[Candidate], str]:
        """The sentences to quote, best first, and the fact asked for if none of them states it.

        A question asking for a number or a date is answered by the sentences that state one
        (English questions and sentences: the kinds of fact know English words only).
        """
        ranked = rank_sentences(self.searcher.store, result, self.config.weights)
        chosen = self._chosen(ranked, result)
        back_share = self.config.weights.back_share
        ranked = translated(ranked, result.query, self.translator, chosen, back_share)
        fact = asked_fact(reading.text) if result.query.language == "en" else None
        if not fact:
            return ranked, ""
        stating = [c for c in ranked if c.language == "en" and states(fact[0], c.quote.text)]
        return (stating, "") if stating else (ranked, fact[1].lower())

    def assess(self, reading: Reading, result: SearchResult) -> Assessment:
        """Rank the result's sentences and tell how much of the question the quotes cover."""
        return self._assessed(reading, result, *self.candidates(reading, result))

    def _assessed(
        self, reading: Reading, result: SearchResult, ranked: list[Candidate], unstated: str
    ) -> Assessment:
        """How much of the question the ranked sentences cover."""
        config = self.config
        shown = ranked[: config.max_quotes]
        collection = self.vocabulary.articles()
        words = self._words(reading)
        sources = _sources(shown)
        joint, best = joint_coverage(words, sources, collection)
        found = sources[best] if best >= 0 else frozenset()
        keys = [word for word in words if key(word, collection, config.rare_share)]
        hinges = self._hinges(reading.text, words, shown, result.query_vector)
        return Assessment(
            ranked,
            support(ranked, config.coverage_weight),
            joint,
            tuple(word.text for word in keys if word.stem in found),
            tuple(
                [word.text for word in keys if word.stem not in found] + [unstated] * bool(unstated)
            ),
            bool(hinges or unstated),
        )

    def more(self, question: str | Query, shown: AbstractSet[tuple[int, int]]) -> More:
        """The next quotes for a question, not among those shown, while each still answers it."""
        query = question if isinstance(question, Query) else Query(question)
        reading = self.read(query)
        query = _corrected(query, reading.text) if reading.corrections else query
        result = self.searcher.search(query, self.config.more_chunks + len(shown))
        ranked, unstated = self.candidates(reading, result)
        if _across_languages(result.query, ranked[: self.config.max_quotes]):
            return self._more_across(query.language, ranked, shown)
        assessment = self._assessed(reading, result, ranked, unstated)
        if assessment.coverage(self.config) != "full":
            return More((), True)
        words = self._words(reading)
        collection = self.vocabulary.articles()
        fresh = [c for c in assessment.ranked if (c.quote.article_id, c.quote.start) not in shown]
        answering = [c for c in fresh if self._answers_alone(c, words, collection)]
        size = self.config.max_quotes
        return More(tuple(c.quote for c in answering[:size]), len(answering) <= size)

    def _words(self, reading: Reading) -> list[QuestionWord]:
        """The words the question is about, with how many articles use each."""
        return question_words(reading.text, self.vocabulary.frequencies(query_stems(reading.text)))

    def _answers_alone(
        self, candidate: Candidate, words: list[QuestionWord], collection: int
    ) -> bool:
        """Whether one sentence, with its article's title, would answer the question by itself."""
        joint, _ = joint_coverage(words, _sources([candidate]), collection)
        config = self.config
        alone = strength(candidate, config.coverage_weight) + config.joint_weight * joint
        return alone >= config.min_answer

    def _hinges(
        self,
        question: str,
        words: list[QuestionWord],
        shown: list[Candidate],
        vector: np.ndarray | None,
    ) -> list[str]:
        """The words no article uses that the question hinges on and no quote speaks to."""
        unknown = [word for word in words if word.articles == 0]
        if not unknown or not shown or vector is None:
            return []
        ablated = self.searcher.embedder.embed([without(question, word) for word in unknown])
        sentences = np.stack([c.vector for c in shown])
        margin = self.config.unknown_margin
        return [
            word.text
            for word, row in zip(unknown, ablated, strict=True)
            if unanswered(vector, row, sentences, margin)
        ]

    def _across(self, question: str, language: str, ranked: list[Candidate]) -> Answer:
        """An answer across languages (or in Spanish): quotes with their machine translations
        when the best candidate clears its language pair's threshold, else an abstention."""
        if self._margin(ranked, language) >= 0:
            page = ranked[: self.config.max_quotes]
            quotes = tuple(c.quote for c in page)
            translations = tuple(c.translation for c in page)
            return Answer(
                question.strip(), quotes, False, language=language, translations=translations
            )
        related = self._related(ranked)
        return Answer(question.strip(), (), True, related, "none", language=language)

    def _more_across(
        self, language: str, ranked: list[Candidate], shown: AbstractSet[tuple[int, int]]
    ) -> More:
        """The next quotes across languages, while the answer still clears its threshold."""
        if self._margin(ranked, language) < 0:
            return More((), True)
        fresh = [c for c in ranked if (c.quote.article_id, c.quote.start) not in shown]
        size = self.config.max_quotes
        return More(tuple(c.quote for c in fresh[:size]), len(fresh) <= size)

    def _margin(self, ranked: list[Candidate], question: str) -> float:
        """How far the best-supported candidate clears the threshold of its language pair."""
        config = self.config
        return max(
            (
                strength(c, config.coverage_weight) - config.threshold(question, c.language)
                for c in ranked
            ),
            default=-1.0,
        )

    def _chosen(self, ranked: list[Candidate], result: SearchResult) -> list[int]:
        """The candidates worth translating into the question's language: the best supported
        in another language, and the first quotes in any case."""
        foreign = [i for i, c in enumerate(ranked) if c.language != result.query.language]
        weight = self.config.coverage_weight
        by_support = sorted(foreign, key=lambda i: -strength(ranked[i], weight))
        first = set(foreign[: self.config.max_quotes])
        return sorted(set(by_support[: self.config.translated_candidates]) | first)

    def _nearest(self, word: str, edits: int) -> str | None:
        """The known word nearest a word the model's vocabulary does not hold whole, if any."""
        if self.searcher.embedder.count_tokens([word]) == [1]:
            return None  # a real word the articles don't use, not a typo
        return self.vocabulary.closest(word, edits)

    def _related(self, ranked: list[Candidate]) -> tuple[Quote, ...]:
        """The closest articles' best sentences, one per article, when they are close at all."""
        related: dict[int, Quote] = {}
        for candidate in sorted(ranked, key=lambda c: -c.similarity):
            if candidate.similarity < self.config.min_related:
                break
            related.setdefault(candidate.quote.article_id, candidate.quote)
        return tuple(list(related.values())[: self.config.related_articles])


def _sources(quotes: list[Candidate]) -> list[frozenset[str]]:
    """The words of each article among the quotes: its quoted sentences and its title."""
    by_article: dict[int, set[str]] = {}
    for candidate in quotes:
        words = by_article.setdefault(candidate.quote.article_id, set(stems(candidate.quote.title)))
        words.update(candidate.stems)
    return [frozenset(words) for words in by_article.values()]


def _across_languages(query: Query, shown: list[Candidate]) -> bool:
    """Whether a question is answered by the support thresholds of its language pair: a Spanish
    question, or quotes from Spanish articles (the coverage rules were tuned on English SQuAD)."""
    return query.language != "en" or any(c.language != "en" for c in shown)


def _corrected(query: Query, text: str) -> Query:
    """The query with its typos corrected in its own language (translations are kept)."""
    words = {lang: text if lang == query.language else found for lang, found in query.words.items()}
    return replace(query, text=text, words=words)
