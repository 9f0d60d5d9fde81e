"""Pure scoring for alerts: does an article match a topic, and are two articles one story."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from retrieval.language.messages import _
from retrieval.text.query import query_stems, terms

# Max-sentence cosine for a topic match: 0.23% false alerts on SciFact's random negatives,
# recall 0.73 (SciFact) / 0.84 (SQuAD); measured by `python -m bench.calibrate_alerts`.
TOPIC_THRESHOLD = 0.55
KEYWORD_BONUS = 0.1  # an article holding every topic word needs this much less similarity
STORY_THRESHOLD = 0.9  # cosine of two articles' mean chunk vectors: the same story retold
STORY_WINDOW = 2000  # a new article is compared with the articles stored just before it
MAX_TOPIC = 300


@dataclass(frozen=True)
class Topic:
    """A subscription topic in plain words: its text to embed, its keywords and its exclusions."""

    text: str
    keywords: tuple[str, ...]
    excluded: tuple[str, ...]


class BadTopic(ValueError):
    """A topic with no words to match on."""


def parse_topic(raw: str) -> Topic:
    """Split '-word' exclusions from the words of a topic."""
    words = " ".join(raw.split())[:MAX_TOPIC].split()
    kept = [word for word in words if not word.startswith("-")]
    dropped = [word[1:] for word in words if word.startswith("-") and len(word) > 1]
    text = " ".join(kept)
    if not terms(text):
        raise BadTopic(_("a topic needs a few words saying what it is about"))
    return Topic(text, tuple(query_stems(text)), tuple(query_stems(" ".join(dropped))))


def topic_label(raw: str) -> str:
    """A topic as people read it: "sextortion of minors (without: football)", not "-football"."""
    words = " ".join(raw.split())[:MAX_TOPIC].split()
    kept = " ".join(word for word in words if not word.startswith("-"))
    dropped = [word[1:] for word in words if word.startswith("-") and len(word) > 1]
    return kept + (f" (without: {', '.join(dropped)})" if dropped else "")


def topic_similarities(topics: np.ndarray | None, sentence_vectors: np.ndarray) -> np.ndarray:
    """How close an article comes to each topic (rows): its closest sentence's cosine."""
    if topics is None or len(sentence_vectors) == 0:
        return np.zeros(0 if topics is None else len(topics), dtype=np.float32)
    return (sentence_vectors @ topics.T).max(axis=0)


def keyword_coverage(keywords: tuple[str, ...], article_stems: AbstractSet[str]) -> float:
    """The share of a topic's words found in an article."""
    if not keywords:
        return 0.0
    return sum(stem in article_stems for stem in keywords) / len(keywords)


def matches(
    topic: Topic,
    similarity: float,
    article_stems: AbstractSet[str],
    threshold: float = TOPIC_THRESHOLD,
) -> bool:
    """Whether an article is about a topic: close in meaning, helped by keywords, not excluded."""
    if any(stem in article_stems for stem in topic.excluded):
        return False
    return similarity + KEYWORD_BONUS * keyword_coverage(topic.keywords, article_stems) >= threshold


class StoryIndex:
    """Recent articles' vectors and stories, to find the story a new article retells."""

    def __init__(self, story_ids: list[int], vectors: list[np.ndarray], room: int) -> None:
        dimension = len(vectors[0]) if vectors else 0
        self._story_ids = list(story_ids)
        self._matrix = np.zeros((len(vectors) + room, dimension), dtype=np.float32)
        if vectors:
            self._matrix[: len(vectors)] = np.stack(vectors)

    def find(self, vector: np.ndarray) -> int | None:
        """The story of the closest recent article, if it is close enough to be the same story."""
        count = len(self._story_ids)
        if count == 0 or self._matrix.shape[1] != len(vector):
            return None
        first = max(0, count - STORY_WINDOW)
        similarities = self._matrix[first:count] @ vector
        best = int(np.argmax(similarities))
        return self._story_ids[first + best] if similarities[best] >= STORY_THRESHOLD else None

    def add(self, story_id: int, vector: np.ndarray) -> None:
        """Remember an article's vector and story."""
        count = len(self._story_ids)
        if self._matrix.shape[1] != len(vector) or count == len(self._matrix):
            grown = np.zeros((max(2 * count, 16), len(vector)), dtype=np.float32)
            if self._matrix.shape[1] == len(vector):
                grown[:count] = self._matrix[:count]
            self._matrix = grown
        self._matrix[count] = vector
        self._story_ids.append(story_id)


def key_sentences(
    topic_vector: np.ndarray, sentence_vectors: np.ndarray, quotable: list[bool], n: int = 2
) -> list[int]:
    """The rows of the n quotable sentences closest to a topic, in article order."""
    scores = sentence_vectors @ topic_vector if len(sentence_vectors) else np.zeros(0)
    ranked = [int(i) for i in np.argsort(-scores) if quotable[int(i)]]
    return sorted(ranked[:n])
