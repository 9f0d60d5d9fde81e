"""Pure functions that normalise and fuse score lists: ids and scores in, ids and scores out."""

from collections.abc import Mapping

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
