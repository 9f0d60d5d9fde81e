"""The keyword index: BM25 over every chunk's title and text, in segments, newest last.

New chunks arrive as a small segment each; a chunk written again (or removed) is marked dead in
the segment holding it. Segments are merged so that each is at least MERGE_RATIO times the size
of the next: a million chunks take a handful of segments, and each chunk is merged a few times
in its life. Merges up to IN_MEMORY_MERGE chunks happen as chunks arrive; bigger ones, writing
segments to disk and dropping the dead chunks of mostly dead ones, happen in `compact` (after
an ingest).
"""

import heapq
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import numpy as np

from retrieval.core.bm25 import Part, top_chunks
from retrieval.core.segments import ChunkTerms, Segment, build, merge
from retrieval.text.analysis import query_terms

MERGE_RATIO = 4
IN_MEMORY_MERGE = 50_000
KEEP_LIVE = 0.8  # a saved segment with fewer live chunks than this share is written again


@dataclass(frozen=True)
class Generation:
    """The segments at one moment, and which of their chunks are alive (None: all)."""

    segments: tuple[Segment, ...] = ()
    alive: tuple[np.ndarray | None, ...] = ()

    def parts(self, allowed_articles: np.ndarray | None) -> list[Part]:
        """The segments as a search sees them: live chunks of the allowed articles only."""
        parts = []
        for segment, alive in zip(self.segments, self.alive, strict=True):
            allowed = alive
            if allowed_articles is not None:
                wanted = _isin(segment.article_ids, allowed_articles)
                allowed = wanted if alive is None else wanted & alive
            parts.append(Part(segment, allowed))
        return parts


class KeywordIndex:
    """BM25 search over chunks; safe to search from several threads while one thread updates."""

    def __init__(
        self, segments: Sequence[Segment] = (), alive: Sequence[np.ndarray | None] = ()
    ) -> None:
        self._generation = Generation(tuple(segments), tuple(alive) or (None,) * len(segments))
        self._lock = threading.Lock()  # one updater at a time; searches never wait

    @property
    def generation(self) -> Generation:
        """The current segments and live chunks."""
        return self._generation

    def __len__(self) -> int:
        """How many live chunks the index holds."""
        return sum(_live(s, a) for s, a in zip(*_pair(self._generation), strict=True))

    def languages(self) -> set[str]:
        """The languages of the indexed chunks."""
        return {language for s in self._generation.segments for language in s.languages}

    def search(
        self, text: str, n: int, allowed_articles: np.ndarray | None = None
    ) -> dict[int, float]:
        """The n best chunks for a query, as chunk id -> BM25 score (higher is better)."""
        generation = self._generation
        query = query_terms(text, self.languages())
        if not query:
            return {}
        return top_chunks(generation.parts(allowed_articles), query, n)

    def chunks(self, allowed_articles: np.ndarray) -> np.ndarray:
        """The live chunks of the given articles (sorted ids)."""
        parts = self._generation.parts(allowed_articles)
        found = [p.segment.chunk_ids[p.allowed] for p in parts if p.allowed is not None]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, np.int64)

    def vocabulary(self) -> "Vocabulary":
        """Every term of the live chunks with the number of them holding it."""
        return Vocabulary(self._generation)

    def update(self, touched: np.ndarray, added: Sequence[ChunkTerms]) -> None:
        """Drop the touched chunks' old versions, add the ones stored now, merge small segments."""
        with self._lock:
            segments, alive = _pair(self._generation)
            alive = [_kill(s, a, touched) for s, a in zip(segments, alive, strict=True)]
            if added:
                length = sum(s.total_length for s in segments)
                length += sum(chunk.analysed.length for chunk in added)
                average = length / (sum(len(s) for s in segments) + len(added))
                segments.append(build(added, average))
                alive.append(None)
            self._generation = _merged(segments, alive, IN_MEMORY_MERGE, None)

    def compact(self, place: Callable[[], Path]) -> Generation:
        """Merge segments as the ratio asks and write new ones to disk (`place` names a folder)."""
        with self._lock:
            segments, alive = _pair(self._generation)
            generation = _merged(segments, alive, None, place)
            segments, alive = _pair(generation)
            for i, (segment, mask) in enumerate(zip(segments, alive, strict=True)):
                mostly_dead = mask is not None and _live(segment, mask) < len(segment) * KEEP_LIVE
                if segment.folder is None or mostly_dead:  # write it, without its dead chunks
                    segments[i] = merge([(segment, mask)], _average(segments), place())
                    alive[i] = None
            self._generation = Generation(tuple(segments), tuple(alive))
            return self._generation


class Vocabulary(Mapping[str, int]):
    """The terms of the live chunks, in order, each with the number of live chunks holding it.

    Counts are taken from each segment's postings when first needed; the terms are merged from
    the segments' sorted lists while iterating.
    """

    def __init__(self, generation: Generation) -> None:
        self._generation = generation
        self._counts: dict[int, np.ndarray] = {}

    def _live_counts(self, index: int) -> np.ndarray:
        """How many live chunks hold each term of one segment."""
        if index not in self._counts:
            segment, alive = self._generation.segments[index], self._generation.alive[index]
            if alive is None or not len(segment.docs):
                counts = np.diff(segment.offsets)
            else:
                counts = np.add.reduceat(alive[segment.docs].astype(np.int64), segment.offsets[:-1])
            self._counts[index] = counts
        return self._counts[index]

    def _count(self, index: int, row: int) -> int:
        """How many live chunks of one segment hold the term in `row`."""
        segment, alive = self._generation.segments[index], self._generation.alive[index]
        start, end = int(segment.offsets[row]), int(segment.offsets[row + 1])
        return end - start if alive is None else int(alive[segment.docs[start:end]].sum())

    def __getitem__(self, term: str) -> int:
        total = 0
        for index, segment in enumerate(self._generation.segments):
            row = segment.row(term)
            if row is not None:
                total += self._count(index, row)
        if not total:
            raise KeyError(term)
        return total

    def starting(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Up to `limit` terms beginning with `prefix`, in order, with their live chunk counts."""
        found: dict[str, int] = {}
        for index, segment in enumerate(self._generation.segments):
            row = bisect_left(segment.terms, prefix)
            while row < len(segment.terms) and segment.terms[row].startswith(prefix):
                if count := self._count(index, row):
                    found[segment.terms[row]] = found.get(segment.terms[row], 0) + count
                row += 1
        return sorted(found.items())[:limit]

    def __iter__(self) -> Iterator[str]:
        lists = [
            compress(segment.terms, self._live_counts(index).tolist())
            for index, segment in enumerate(self._generation.segments)
        ]
        previous = None
        for term in heapq.merge(*lists):
            if term != previous:
                yield term
                previous = term

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _pair(generation: Generation) -> tuple[list[Segment], list[np.ndarray | None]]:
    """A generation's segments and alive masks as lists to edit."""
    return list(generation.segments), list(generation.alive)


def _live(segment: Segment, alive: np.ndarray | None) -> int:
    """How many chunks of a segment are alive."""
    return len(segment) if alive is None else int(alive.sum())


def _kill(segment: Segment, alive: np.ndarray | None, touched: np.ndarray) -> np.ndarray | None:
    """The segment's alive mask once the touched chunks are dropped (a new array if it changes)."""
    if not len(touched) or not len(segment):
        return alive
    dead = segment.positions(touched)
    if not len(dead):
        return alive
    mask = np.ones(len(segment), bool) if alive is None else alive.copy()
    mask[dead] = False
    return mask


def _merged(
    segments: list[Segment],
    alive: list[np.ndarray | None],
    limit: int | None,
    place: Callable[[], Path] | None,
) -> Generation:
    """Merge the newest segments while one is not MERGE_RATIO times bigger than the next.

    With a limit, only merges of up to that many chunks happen (in memory); else any, written
    to the folders `place` gives.
    """
    while len(segments) > 1:
        sizes = [_live(s, a) for s, a in zip(segments, alive, strict=True)]
        if sizes[-2] >= MERGE_RATIO * sizes[-1] and all(sizes):
            break
        first = len(segments) - 2
        while first > 0 and sizes[first - 1] < MERGE_RATIO * sum(sizes[first:]):
            first -= 1
        if limit is not None and sum(sizes[first:]) > limit:
            break
        merged = merge(
            list(zip(segments[first:], alive[first:], strict=True)),
            _average(segments),
            place() if place else None,
        )
        segments[first:], alive[first:] = [merged], [None]
    return Generation(tuple(segments), tuple(alive))


def _average(segments: Sequence[Segment]) -> float:
    """The average chunk length over segments (removed chunks included until merged)."""
    chunks = sum(len(s) for s in segments)
    return sum(s.total_length for s in segments) / chunks if chunks else 1.0


def _isin(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Which values are among the wanted ones (a lookup table when their range is small)."""
    if not len(wanted) or not len(values):
        return np.zeros(len(values), bool)
    small = int(wanted.max()) - int(wanted.min()) < 8 * len(values) + 1_000_000
    return np.isin(values, wanted, kind="table" if small else None)
