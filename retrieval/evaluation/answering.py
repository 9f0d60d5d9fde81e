"""When answers are given, on SQuAD questions: on-topic, off-topic, near-topic and misspelt."""

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from retrieval.core.answer import AnswerConfig, Answerer, Assessment
from retrieval.core.collection import Collection
from retrieval.core.embeddings import model_path
from retrieval.core.models import Article
from retrieval.core.vocabulary import WordCounts
from retrieval.evaluation.common import Progress, SquadQuestion, quietly
from retrieval.evaluation.variants import misspelt, near_topic, unused, vocabulary_words
from retrieval.text.query import query_stems, stems, word_stems

THRESHOLDS = (0.75, 0.80, 0.85, 0.90, 0.95)


@dataclass(frozen=True)
class LeftOut:
    """A vocabulary as it would be had some articles never been stored."""

    vocabulary: WordCounts
    counts: Counter[str]  # how many of the left-out articles use each stem
    size: int  # how many articles are left out

    def articles(self) -> int:
        """How many articles the collection holds without them."""
        return self.vocabulary.articles() - self.size

    def frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """How many of the other articles use each stem."""
        found = self.vocabulary.frequencies(stems)
        return {stem: count - self.counts[stem] for stem, count in found.items()}

    def closest(self, word: str, max_edits: int) -> str | None:
        """The known word nearest a typo, read against the whole vocabulary."""
        return self.vocabulary.closest(word, max_edits)


@dataclass(frozen=True)
class Outcomes:
    """Per question, how the answerer assessed each version of it."""

    own: list[Assessment]
    away: list[Assessment]
    near: list[Assessment]
    typo: list[Assessment]
    corrected: int  # misspelt questions read back with the original word


def answers_report(
    collection: Collection,
    questions: Sequence[SquadQuestion],
    topics: dict[str, set[int]],
    seed: int,
    progress: Progress = quietly,
) -> str:
    """A table of answering and abstaining rates at several strength thresholds.

    `topics` gives the article ids of every paragraph of each SQuAD article (topic).
    """
    outcomes = assess_all(collection, questions, topics, seed, progress)
    config = collection.answerer.config
    used = config.min_answer
    lines = [
        f"Answering ({len(outcomes.own):,} questions, every 5th; seed {seed}). On-topic: the "
        "question as asked. Off-topic: the same question with its whole SQuAD article left out "
        "(of the results and of the vocabulary). "
        f"Near-topic ({len(outcomes.near):,}): its key name replaced by a word no article uses. "
        f"Misspelt ({len(outcomes.typo):,}): its rarest long word mistyped once; "
        f"{outcomes.corrected:,} were read back as typed originally.",
        "",
        "| min strength | answers on-topic | abstains off-topic | near-topic not answered "
        "| answers misspelt |",
        "|---|---|---|---|---|",
    ]
    for threshold in sorted({*THRESHOLDS, used}):
        mark = " (used)" if abs(threshold - used) < 1e-9 else ""
        at = replace(config, min_answer=threshold)
        rates = (
            _share(outcomes.own, at, True),
            _share(outcomes.away, at, False),
            _share(outcomes.near, at, False),
            _share(outcomes.typo, at, True),
        )
        lines.append(f"| {threshold:.3g}{mark} | " + " | ".join(f"{r:.3f}" for r in rates) + " |")
    return "\n".join(lines)


def assess_all(
    collection: Collection,
    questions: Sequence[SquadQuestion],
    topics: dict[str, set[int]],
    seed: int,
    progress: Progress = quietly,
) -> Outcomes:
    """Assess every question as asked, with its article left out, near-topic and misspelt."""
    answerer, searcher = collection.answerer, collection.searcher
    vocabulary = answerer.vocabulary
    words = vocabulary_words(model_path() / "vocab.txt")
    frequencies = vocabulary.frequencies(
        {stem for q in questions for stem in query_stems(q.text)}
        | {stem for word in words for stem in stems(word)}
    )
    pool = unused(words, frequencies)
    near_rng, typo_rng = random.Random(seed), random.Random(seed + 1)
    nears = [near_topic(q.text, frequencies, pool, near_rng) for q in questions]
    typos = [misspelt(q.text, frequencies, typo_rng) for q in questions]
    readings = {q.text: answerer.read(q.text) for q in questions}
    readings |= {r.text: answerer.read(r.text) for r in nears + typos if r}
    texts = sorted({reading.text for reading in readings.values()})
    vectors = dict(zip(texts, collection.embedder.embed(texts), strict=True))
    store = collection.store
    away_answerers = {
        topic: Answerer(searcher, answerer.config, left_out(vocabulary, store.articles(ids)))
        for topic, ids in topics.items()
        if topic in {q.topic for q in questions}
    }
    own: list[Assessment] = []
    away: list[Assessment] = []
    near: list[Assessment] = []
    typo: list[Assessment] = []
    corrected = 0
    chunks = answerer.config.quote_chunks
    triples = zip(questions, nears, typos, strict=True)
    for question, near_rewrite, typo_rewrite in progress(triples, len(questions), "answering"):
        reading = readings[question.text]
        result = searcher.search(reading.text, 100, vector=vectors[reading.text])
        own.append(answerer.assess(reading, result.first(chunks)))
        skip = topics[question.topic]
        away.append(away_answerers[question.topic].assess(reading, result.first(chunks, skip=skip)))
        for rewrite, found in ((near_rewrite, near), (typo_rewrite, typo)):
            if rewrite is None:
                continue
            variant = readings[rewrite.text]
            hits = searcher.search(variant.text, chunks, vector=vectors[variant.text])
            found.append(answerer.assess(variant, hits))
        if typo_rewrite and readings[typo_rewrite.text].text == question.text:
            corrected += 1
    return Outcomes(own, away, near, typo, corrected)


def left_out(vocabulary: WordCounts, articles: dict[int, Article]) -> LeftOut:
    """The vocabulary without these articles' words, as if they had never been stored."""
    counts: Counter[str] = Counter()
    for article in articles.values():
        counts.update(set(word_stems(f"{article.title}\n{article.text}").values()))
    return LeftOut(vocabulary, counts, len(articles))


def _share(assessments: list[Assessment], config: AnswerConfig, answered: bool) -> float:
    """The share of assessments answered (or not answered) under a configuration."""
    if not assessments:
        return float("nan")
    full = np.array([a.coverage(config) == "full" for a in assessments])
    return float(full.mean() if answered else 1 - full.mean())
