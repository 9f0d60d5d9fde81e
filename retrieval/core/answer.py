"""Answers made of the stored articles' own sentences, quoted verbatim, or an honest abstention."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from retrieval.core.coverage import (
    QuestionWord,
    joint_coverage,
    key,
    question_words,
    unanswered,
    without,
)
from retrieval.core.facts import asked_fact, states
from retrieval.core.models import Answer, Coverage, Quote
from retrieval.core.quotes import Candidate, QuoteWeights, rank_sentences, strength, support
from retrieval.core.search import Searcher, SearchResult
from retrieval.core.spelling import Reading, correct
from retrieval.core.store import Filters
from retrieval.core.vocabulary import WordCounts
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
    ) -> None:
        self.searcher = searcher
        self.config = config
        self.vocabulary = vocabulary

    def ask(
        self,
        question: str,
        filters: Filters = Filters(),
        vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer with up to `max_quotes` verbatim sentences, or abstain saying what is missing."""
        reading = self.read(question)
        if reading.corrections:
            vector = None  # the vector given was for the words as typed
        chunks = self.config.quote_chunks
        result = self.searcher.search(reading.text, chunks, filters, vector=vector)
        return self.answer(question, reading, result)

    def read(self, question: str) -> Reading:
        """The question as it will be searched, with unknown words corrected where one is near."""
        question = question.strip()
        if not any(ch.isalnum() for ch in question):
            raise EmptyQuestion("The question is empty: type a few words to search for.")
        frequencies = self.vocabulary.frequencies(query_stems(question))
        return correct(question, frequencies, self._nearest)

    def answer(self, question: str, reading: Reading, result: SearchResult) -> Answer:
        """The answer a search result gives: quotes when they answer, else related reading."""
        assessment = self.assess(reading, result)
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
            else self._related(assessment),
            coverage=coverage,
            covered=assessment.covered,
            missing=() if answered else assessment.missing,
            searched=reading.text if reading.corrections else None,
        )

    def candidates(self, reading: Reading, result: SearchResult) -> tuple[list[Candidate], str]:
        """The sentences to quote, best first, and the fact asked for if none of them states it.

        A question asking for a number or a date is answered by the sentences that state one.
        """
        ranked = rank_sentences(self.searcher.store, result, self.config.weights)
        fact = asked_fact(reading.text)
        if not fact:
            return ranked, ""
        stating = [c for c in ranked if states(fact[0], c.quote.text)]
        return (stating, "") if stating else (ranked, fact[1].lower())

    def assess(self, reading: Reading, result: SearchResult) -> Assessment:
        """Rank the result's sentences and tell how much of the question the quotes cover."""
        ranked, unstated = self.candidates(reading, result)
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

    def more(self, question: str, shown: AbstractSet[tuple[int, int]]) -> More:
        """The next quotes for a question, not among those shown, while each still answers it."""
        reading = self.read(question)
        result = self.searcher.search(reading.text, self.config.more_chunks + len(shown))
        assessment = self.assess(reading, result)
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

    def _nearest(self, word: str, edits: int) -> str | None:
        """The known word nearest a word the model's vocabulary does not hold whole, if any."""
        if self.searcher.embedder.count_tokens([word]) == [1]:
            return None  # a real word the articles don't use, not a typo
        return self.vocabulary.closest(word, edits)

    def _related(self, assessment: Assessment) -> tuple[Quote, ...]:
        """The closest articles' best sentences, one per article, when they are close at all."""
        related: dict[int, Quote] = {}
        for candidate in sorted(assessment.ranked, key=lambda c: -c.similarity):
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
