"""BM25 top chunks over keyword segments, as SQLite FTS5 scores them, without scoring them all.

Scores follow FTS5's bm25(): idf = ln((N - n + 0.5) / (n + 0.5)), at least 1e-6, times each
term's impact (segments.saturation: k1 = 1.2, b = 0.75); a term given by two words of the query
counts twice. The top n are found by MaxScore: terms are taken from the one that can add the
most to the one that can add the least; once the terms left could not lift a chunk holding none
of those taken into the top n, they are only added to the chunks already found. Common words
then cost a lookup, not a pass over their postings.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.core.segments import Segment

LOOKUP_COST = 16  # a binary search costs about as much as adding this many postings
SAMPLE = 20_000  # chunks remembered to estimate the n-th best score (a lower bound)


@dataclass(frozen=True)
class Part:
    """A segment as one search sees it: which of its chunks it may return (None: all)."""

    segment: Segment
    allowed: np.ndarray | None = None


@dataclass(frozen=True)
class _Term:
    """A query term: its weight times idf, the most it can add, and where it is."""

    scale: float
    bound: float
    rows: list[tuple[int, int]]  # (part, row) for each part holding the term


def idf(chunks: int, holding: int) -> float:
    """FTS5's inverse document frequency: never below 1e-6, even for very common terms."""
    return max(math.log((chunks - holding + 0.5) / (holding + 0.5)), 1e-6)


def top_chunks(parts: Sequence[Part], query: dict[str, int], n: int) -> dict[int, float]:
    """The n best chunks for the query terms (term -> weight), as chunk id -> BM25 score."""
    chunks = sum(len(part.segment) for part in parts)
    if not chunks or n <= 0:
        return {}
    terms = _terms(parts, query, chunks)
    scores = [np.zeros(len(part.segment), np.float32) for part in parts]
    seen = [np.zeros(len(part.segment), bool) for part in parts]
    sample: list[list[np.ndarray]] = [[] for _ in parts]  # some chunks found, for the n-th best
    sampled = 0
    left = [sum(t.bound for t in terms[i:]) for i in range(len(terms) + 1)]
    threshold, taken = 0.0, len(terms)
    for i, term in enumerate(terms):
        # The n-th best score so far can only stop the search once the terms left could add
        # less than the terms taken: only then is it worth estimating.
        if left[i] < left[0] - left[i]:
            threshold = _nth_best(scores, sample, n)
            if left[i] < threshold:
                taken = i
                break
        for index, row in term.rows:
            docs, impacts = _postings(parts[index], row)
            scores[index][docs] += impacts * np.float32(term.scale)
            if sampled < SAMPLE:  # any subset gives a lower bound of the n-th best
                fresh = docs[~seen[index][docs]]
                seen[index][fresh] = True
                sample[index].append(fresh)
                sampled += len(fresh)
    floor = threshold - left[taken]  # a chunk under it cannot reach the top n
    candidates = [np.flatnonzero(s >= floor if floor > 0 else s > 0) for s in scores]
    for i in range(taken, len(terms)):
        for index, row in terms[i].rows:
            docs = candidates[index]
            docs = docs[scores[index][docs] + left[i] >= threshold]
            _add_term(parts[index].segment, row, docs, scores[index], terms[i].scale)
    return _best(parts, scores, candidates, n)


def _terms(parts: Sequence[Part], query: dict[str, int], chunks: int) -> list[_Term]:
    """The query's terms found in the segments, the one that can add the most first."""
    terms = []
    for term, weight in query.items():
        rows, holding, best = [], 0, 0.0
        for index, part in enumerate(parts):
            row = part.segment.row(term)
            if row is None:
                continue
            rows.append((index, row))
            holding += int(part.segment.offsets[row + 1] - part.segment.offsets[row])
            best = max(best, float(part.segment.max_impacts[row]))
        if rows:
            scale = weight * idf(chunks, holding)
            terms.append(_Term(scale, scale * best, rows))
    return sorted(terms, key=lambda t: -t.bound)


def _postings(part: Part, row: int) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in a part, the chunks the search may not return left out."""
    docs, impacts = part.segment.postings(row)
    if part.allowed is not None:
        keep = part.allowed[docs]
        docs, impacts = docs[keep], impacts[keep]
    return docs, impacts


def _add_term(
    segment: Segment, row: int, docs: np.ndarray, scores: np.ndarray, scale: float
) -> None:
    """Add a term's scores to the given chunks that hold it (others may get theirs too).

    Few chunks are looked up in the term's postings by binary search; for many, adding the
    whole posting list costs less.
    """
    if not len(docs):
        return
    postings, impacts = segment.postings(row)
    if len(docs) * LOOKUP_COST > len(postings):
        scores[postings] += impacts * np.float32(scale)
        return
    where = np.searchsorted(postings, docs)
    inside = where < len(postings)
    hit = np.zeros(len(docs), bool)
    hit[inside] = postings[where[inside]] == docs[inside]
    scores[docs[hit]] += impacts[where[hit]] * np.float32(scale)


def _nth_best(scores: list[np.ndarray], sample: list[list[np.ndarray]], n: int) -> float:
    """The n-th best score among the sampled chunks (0 while fewer are sampled)."""
    values = [s[np.concatenate(f)] for s, f in zip(scores, sample, strict=True) if f]
    pooled = np.concatenate(values) if values else np.zeros(0)
    if len(pooled) < n:
        return 0.0
    return float(np.partition(pooled, len(pooled) - n)[len(pooled) - n])


def _best(
    parts: Sequence[Part], scores: list[np.ndarray], candidates: list[np.ndarray], n: int
) -> dict[int, float]:
    """The n highest-scoring candidates as chunk id -> score."""
    ids = np.concatenate([p.segment.chunk_ids[c] for p, c in zip(parts, candidates, strict=True)])
    values = np.concatenate([s[c] for s, c in zip(scores, candidates, strict=True)])
    keep = values > 0
    ids, values = ids[keep], values[keep]
    if len(values) > n:
        best = np.argpartition(-values, n - 1)[:n]
        ids, values = ids[best], values[best]
    return {int(i): float(v) for i, v in zip(ids.tolist(), values.tolist(), strict=True)}
