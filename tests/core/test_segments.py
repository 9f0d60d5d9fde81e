"""Segments: merging gives what building the live chunks gives, in memory and on disk."""

import random
from pathlib import Path

import numpy as np
import pytest

from retrieval.core import segments
from retrieval.core.keyword import KeywordIndex
from retrieval.core.segments import Segment, build, load, merge, save
from tests.core.test_bm25 import random_chunks

FIELDS = ("chunk_ids", "article_ids", "lengths", "offsets", "docs", "counts")


def same(left: Segment, right: Segment) -> bool:
    """Whether two segments hold the same postings and chunks."""
    return left.terms == right.terms and all(
        np.array_equal(getattr(left, f), getattr(right, f))
        for f in (*FIELDS, "impacts", "max_impacts")
    )


@pytest.mark.parametrize("on_disk", [False, True])
def test_merging_keeps_live_chunks_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool
) -> None:
    monkeypatch.setattr(segments, "MERGE_WINDOW", 50)  # several windows even for small segments
    rng = random.Random(3)
    chunks = random_chunks(rng, 40, 1) + random_chunks(rng, 25, 41) + random_chunks(rng, 9, 66)
    first, second, third = build(chunks[:40]), build(chunks[40:65]), build(chunks[65:])
    alive = np.array([rng.random() > 0.3 for _ in range(40)])
    merged = merge(
        [(first, alive), (second, None), (third, np.zeros(9, bool))],
        average=50.0,
        folder=tmp_path / "merged" if on_disk else None,
    )
    live = [c for c, keep in zip(chunks[:40], alive, strict=True) if keep] + chunks[40:65]
    assert same(merged, build(live, average=50.0))
    assert (merged.folder is not None) == on_disk


def test_a_saved_segment_maps_back_from_disk(tmp_path: Path) -> None:
    segment = build(random_chunks(random.Random(5), 30, 100))
    save(segment, tmp_path / "s")
    loaded = load(tmp_path / "s")
    assert same(loaded, segment) and loaded.total_length == segment.total_length
    assert loaded.average == segment.average
    assert loaded.positions(np.array([129, 100, 7])).tolist() == [29, 0]


def test_small_segments_merge_as_chunks_arrive_and_results_stay_the_same() -> None:
    rng = random.Random(7)
    whole = random_chunks(rng, 400, 1)
    index = KeywordIndex()
    for start in range(0, 400, 10):
        index.update(np.zeros(0, np.int64), whole[start : start + 10])
    assert len(index.generation.segments) <= 5  # each at least 4 times the next
    reference = KeywordIndex([build(whole)])
    for query in ("w0", "w3 w9", "w1 w2 w30"):  # every chunk holding them: no ties at a cut
        # Each new segment's impacts use the average length of the chunks indexed by then, which
        # drifts while a collection is small; merges take the current average.
        assert index.search(query, 1000) == pytest.approx(reference.search(query, 1000), rel=0.02)
