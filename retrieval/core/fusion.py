"""Pure functions that normalise and fuse score lists: ids and scores in, ids and scores out."""

import math
from collections import Counter
from collections.abc import Mapping, Sequence

Scores = Mapping[int, float]


def max_normalised(scores: Scores) -> dict[int, float]:
    """Divide by the best score, so the best is 1 and a missing score counts as 0."""
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return {key: 0.0 for key in scores}
    return {key: value / top for key, value in scores.items()}


def min_max_normalised(scores: Scores) -> dict[int, float]:
    """Rescale linearly onto [0, 1]; all-equal scores all become 1."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high - low < 1e-12:
        return {key: 1.0 for key in scores}
    return {key: (value - low) / (high - low) for key, value in scores.items()}


def blend(keyword: Scores, dense: Scores, keyword_weight: float) -> dict[int, float]:
    """Weighted sum of max-normalised keyword and min-max-normalised dense scores over both keys."""
    keys = set(keyword) | set(dense)
    keyword_n = max_normalised({key: keyword.get(key, 0.0) for key in keys})
    dense_n = min_max_normalised({key: dense[key] for key in keys if key in dense})
    return {
        key: keyword_weight * keyword_n[key] + (1 - keyword_weight) * dense_n.get(key, 0.0)
        for key in keys
    }


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> dict[int, float]:
    """Sum of 1 / (k + rank) over the rankings each key appears in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused


def top(scores: Scores, n: int) -> list[int]:
    """The n best keys, best first, ties broken by key."""
    return sorted(scores, key=lambda key: (-scores[key], key))[:n]


def local_bm25(
    query: Sequence[str], documents: Mapping[int, Sequence[str]], k1: float = 1.2, b: float = 0.75
) -> dict[int, float]:
    """BM25 of a few documents, with term statistics from those documents alone.

    Among sentences already retrieved for a question, a word they all share tells them apart less
    than a word only one has: local statistics say exactly that.
    """
    if not documents:
        return {}
    count = len(documents)
    frequency = Counter(term for words in documents.values() for term in set(words))
    idf = {t: math.log(1 + (count - frequency[t] + 0.5) / (frequency[t] + 0.5)) for t in query}
    average = sum(len(words) for words in documents.values()) / count or 1.0
    scores = {}
    for key, words in documents.items():
        counts = Counter(words)
        norm = k1 * (1 - b + b * len(words) / average)
        score = sum(idf[t] * counts[t] * (k1 + 1) / (counts[t] + norm) for t in query if counts[t])
        if score > 0:
            scores[key] = score
    return scores
