"""Keyword index segments: immutable postings of some chunks, built, merged, saved and mapped.

A segment lists, for each term (sorted), the chunks holding it, how often, and the part of the
BM25 score that does not depend on the query (its impact): searching reads impacts, not counts
and lengths. Its chunks keep the order they were added in, and each term's postings are in that
order too, so merging segments is a linear pass: postings are placed, never sorted.
"""

import json
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from retrieval.text.analysis import Analysed

K1 = 1.2  # BM25's parameters, as SQLite FTS5's bm25() has them
B = 0.75
MAX_COUNT = 255  # term counts are kept in one byte
MERGE_WINDOW = 1 << 22  # postings handled per step of a merge, to bound its memory
ARRAYS = (
    "chunk_ids",
    "article_ids",
    "lengths",
    "offsets",
    "docs",
    "counts",
    "impacts",
    "max_impacts",
)


@dataclass(frozen=True)
class ChunkTerms:
    """One chunk's analysed title and text, with the article it belongs to."""

    chunk_id: int
    article_id: int
    language: str
    analysed: Analysed


@dataclass(frozen=True, eq=False)
class Segment:
    """Postings of some chunks: for each term, which chunks hold it and how many times."""

    chunk_ids: np.ndarray  # int64[n], in the order the chunks were added
    article_ids: np.ndarray  # int64[n]
    lengths: np.ndarray  # int32[n]: words of title and text, stop words included
    terms: list[str]  # sorted
    offsets: np.ndarray  # int64[terms + 1]: term i's postings are [offsets[i], offsets[i+1])
    docs: np.ndarray  # uint32[postings]: positions in chunk_ids, ascending within a term
    counts: np.ndarray  # uint8[postings]: how often the term occurs in that chunk
    impacts: np.ndarray  # float32[postings]: BM25's term-frequency part for that count
    max_impacts: np.ndarray  # float32[terms]: each term's highest impact
    average: float  # the average chunk length the impacts were computed with
    languages: frozenset[str]
    folder: Path | None = None  # where it is saved, if it is
    total_length: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_length", int(self.lengths.sum(dtype=np.int64)))

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def row(self, term: str) -> int | None:
        """The term's row, or None when no chunk of this segment holds it."""
        i = bisect_left(self.terms, term)
        return i if i < len(self.terms) and self.terms[i] == term else None

    def postings(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the chunks holding a term, and its impact in each."""
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return self.docs[start:end], self.impacts[start:end]

    def positions(self, chunk_ids: np.ndarray) -> np.ndarray:
        """Where the given chunks are in this segment (those it holds)."""
        order, ascending = self._sorted
        where = np.searchsorted(ascending, chunk_ids)
        inside = where < len(order)
        where, wanted = where[inside], chunk_ids[inside]
        return order[where[ascending[where] == wanted]]

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """The order that sorts the chunk ids, and the sorted ids."""
        order = np.argsort(self.chunk_ids, kind="stable")
        return order, self.chunk_ids[order]


def saturation(counts: np.ndarray, lengths: np.ndarray, average: float) -> np.ndarray:
    """BM25's term-frequency part (its impact) for counts in chunks of the given lengths."""
    counts = counts.astype(np.float64)
    return counts * (K1 + 1) / (counts + K1 * (1 - B + B * lengths / average))


def build(chunks: Sequence[ChunkTerms], average: float | None = None) -> Segment:
    """A segment of analysed chunks, in the given order; impacts for the average length given.

    Without an average, the chunks' own average length is used.
    """
    terms = sorted({term for chunk in chunks for term in chunk.analysed.counts})
    row = {term: i for i, term in enumerate(terms)}
    sizes = np.fromiter((len(c.analysed.counts) for c in chunks), np.int64, len(chunks))
    total = int(sizes.sum())
    rows = np.fromiter((row[term] for c in chunks for term in c.analysed.counts), np.int32, total)
    counts = np.fromiter(
        (min(n, MAX_COUNT) for c in chunks for n in c.analysed.counts.values()), np.uint8, total
    )
    docs = np.repeat(np.arange(len(chunks), dtype=np.uint32), sizes)
    order = np.argsort(rows, kind="stable")  # stable: each term's chunks stay in order
    offsets = np.zeros(len(terms) + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=len(terms)), out=offsets[1:])
    lengths = np.fromiter((c.analysed.length for c in chunks), np.int32, len(chunks))
    if not average:
        average = float(lengths.mean()) if len(chunks) else 1.0
    docs, counts = docs[order], counts[order]
    impacts = saturation(counts, lengths[docs], average).astype(np.float32)
    return Segment(
        chunk_ids=np.fromiter((c.chunk_id for c in chunks), np.int64, len(chunks)),
        article_ids=np.fromiter((c.article_id for c in chunks), np.int64, len(chunks)),
        lengths=lengths,
        terms=terms,
        offsets=offsets,
        docs=docs,
        counts=counts,
        impacts=impacts,
        max_impacts=_max_impacts(offsets, impacts),
        average=average,
        languages=frozenset(c.language for c in chunks),
    )


def _max_impacts(offsets: np.ndarray, impacts: np.ndarray) -> np.ndarray:
    """Each term's highest impact."""
    found = np.zeros(len(offsets) - 1, np.float32)
    for first in range(0, len(impacts), MERGE_WINDOW):
        size = len(impacts[first : first + MERGE_WINDOW])
        low = int(np.searchsorted(offsets, first, side="right")) - 1
        high = int(np.searchsorted(offsets, first + size, side="left"))
        starts = np.clip(offsets[low:high], first, None) - first  # a term may span windows
        window = impacts[first : first + size]
        np.maximum.at(found, np.arange(low, high), np.maximum.reduceat(window, starts))
    return found


def merge(
    parts: Sequence[tuple[Segment, np.ndarray | None]],
    average: float,
    folder: Path | None = None,
) -> Segment:
    """One segment of the live chunks of several, in order; written to `folder` if given.

    Each part is a segment and the mask of its chunks still alive (None: all of them). Impacts
    are computed again for the average length given.
    """
    alive = [np.ones(len(s), bool) if mask is None else mask for s, mask in parts]
    kept = [np.flatnonzero(mask) for mask in alive]
    start = np.cumsum([0] + [len(k) for k in kept])
    moved = []  # each part's old chunk position -> new position (-1: dropped)
    for k, (segment, _), first in zip(kept, parts, start, strict=False):
        new = np.full(len(segment), -1, np.int64)
        new[k] = first + np.arange(len(k))
        moved.append(new)
    terms = sorted(set().union(*(s.terms for s, _ in parts)))
    index = {term: i for i, term in enumerate(terms)}
    row_maps = [np.fromiter((index[t] for t in s.terms), np.int64, len(s.terms)) for s, _ in parts]
    per_part = [
        _live_counts(segment, mask, rows, len(terms))
        for (segment, _), mask, rows in zip(parts, alive, row_maps, strict=True)
    ]
    totals = np.sum(per_part, axis=0) if per_part else np.zeros(len(terms), np.int64)
    offsets = np.zeros(len(terms) + 1, np.int64)
    np.cumsum(totals, out=offsets[1:])
    docs = _output(folder, "docs", int(offsets[-1]), np.uint32)
    counts = _output(folder, "counts", int(offsets[-1]), np.uint8)
    base = offsets[:-1].copy()
    for (segment, _), mask, rows, new, live in zip(
        parts, alive, row_maps, moved, per_part, strict=True
    ):
        _place(segment, mask, rows, new, base, docs, counts)
        base += live
    keep = totals > 0
    compact = np.zeros(int(keep.sum()) + 1, np.int64)
    np.cumsum(totals[keep], out=compact[1:])
    lengths = np.concatenate([s.lengths[k] for (s, _), k in zip(parts, kept, strict=True)])
    impacts = _output(folder, "impacts", len(docs), np.float32)
    for first in range(0, len(docs), MERGE_WINDOW):
        window = slice(first, first + MERGE_WINDOW)
        impacts[window] = saturation(counts[window], lengths[docs[window]], average)
    merged = Segment(
        chunk_ids=np.concatenate([s.chunk_ids[k] for (s, _), k in zip(parts, kept, strict=True)]),
        article_ids=np.concatenate(
            [s.article_ids[k] for (s, _), k in zip(parts, kept, strict=True)]
        ),
        lengths=lengths,
        terms=[t for t, k in zip(terms, keep.tolist(), strict=True) if k],
        offsets=compact,
        docs=docs,
        counts=counts,
        impacts=impacts,
        max_impacts=_max_impacts(compact, impacts),
        average=average,
        languages=frozenset().union(*(s.languages for s, _ in parts)),
    )
    if folder is not None:
        save(merged, folder)
        return load(folder)
    return merged


def _live_counts(segment: Segment, alive: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """How many live postings each merged term gets from one segment."""
    live = np.zeros(size, np.int64)
    for first in range(0, len(segment.docs), MERGE_WINDOW):
        window = slice(first, first + MERGE_WINDOW)
        term_rows = _term_rows(segment, rows, first, len(segment.docs[window]))
        live += np.bincount(term_rows[alive[segment.docs[window]]], minlength=size)
    return live


def _term_rows(segment: Segment, rows: np.ndarray, first: int, size: int) -> np.ndarray:
    """The merged term row of each posting in [first, first + size) of a segment."""
    offsets = segment.offsets
    low = int(np.searchsorted(offsets, first, side="right")) - 1
    high = int(np.searchsorted(offsets, first + size, side="left"))
    bounds = np.clip(offsets[low : high + 1], first, first + size) - first
    return np.repeat(rows[low:high], np.diff(bounds))


def _place(
    segment: Segment,
    alive: np.ndarray,
    rows: np.ndarray,
    new: np.ndarray,
    base: np.ndarray,
    docs: np.ndarray,
    counts: np.ndarray,
) -> None:
    """Copy a segment's live postings to their places: after earlier segments', in order."""
    placed = np.zeros(len(base), np.int64)  # postings of each merged term placed so far
    for first in range(0, len(segment.docs), MERGE_WINDOW):
        window = slice(first, first + MERGE_WINDOW)
        old_docs = segment.docs[window]
        term_rows = _term_rows(segment, rows, first, len(old_docs))
        live = alive[old_docs]
        term_rows, old_docs = term_rows[live], old_docs[live]
        if not len(term_rows):
            continue
        # Postings are grouped by term: each one's rank in its group, counted from the window
        # start, plus what earlier windows placed for the same term.
        starts = np.flatnonzero(np.r_[True, term_rows[1:] != term_rows[:-1]])
        sizes = np.diff(np.r_[starts, len(term_rows)])
        rank = np.arange(len(term_rows)) - np.repeat(starts, sizes)
        groups = term_rows[starts]
        target = base[term_rows] + placed[term_rows] + rank
        docs[target] = new[old_docs]
        counts[target] = segment.counts[window][live]
        placed[groups] += sizes


def _output(folder: Path | None, name: str, size: int, dtype: type) -> np.ndarray:
    """An output array of a merge: in memory, or a file in the segment's folder."""
    if folder is None or size == 0:
        return np.zeros(size, dtype)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.npy"
    return np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(size,))


def save(segment: Segment, folder: Path) -> None:
    """Write a segment's arrays and terms to a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ARRAYS:
        array, path = getattr(segment, name), folder / f"{name}.npy"
        if isinstance(array, np.memmap) and Path(str(array.filename)) == path.resolve():
            array.flush()  # written in place by a merge
        else:
            np.save(path, array)
    (folder / "terms.txt").write_text("\n".join(segment.terms), encoding="utf-8")
    info = {"languages": sorted(segment.languages), "average": segment.average}
    (folder / "segment.json").write_text(json.dumps(info))


def load(folder: Path) -> Segment:
    """A saved segment, its arrays mapped from disk rather than read."""
    # Plain arrays over the mapped memory: slicing a np.memmap costs a Python call each time.
    arrays = {
        name: np.load(folder / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in ARRAYS
    }
    text = (folder / "terms.txt").read_text(encoding="utf-8")
    info = json.loads((folder / "segment.json").read_text())
    return Segment(
        terms=text.split("\n") if text else [],
        languages=frozenset(info["languages"]),
        average=float(info["average"]),
        folder=folder,
        **arrays,
    )
