"""Score normalisation and fusion, on literal inputs."""

import pytest

from retrieval.core.fusion import (
    blend,
    max_normalised,
    min_max_normalised,
    reciprocal_rank_fusion,
    top,
)


def test_max_normalised() -> None:
    assert max_normalised({1: 4.0, 2: 2.0, 3: 0.0}) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert max_normalised({1: 0.0}) == {1: 0.0}
    assert max_normalised({}) == {}


def test_min_max_normalised() -> None:
    assert min_max_normalised({1: 0.2, 2: 0.6, 3: 0.4}) == pytest.approx({1: 0.0, 2: 1.0, 3: 0.5})
    assert min_max_normalised({1: 0.3, 2: 0.3}) == {1: 1.0, 2: 1.0}


def test_blend_covers_both_lists_and_weights_them() -> None:
    fused = blend({1: 10.0, 2: 5.0}, {2: 0.9, 3: 0.5}, keyword_weight=0.5)
    assert fused == pytest.approx({1: 0.5, 2: 0.75, 3: 0.0})
    assert top(fused, 2) == [2, 1]


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 3, 1]], k=60)
    assert top(fused, 3) == [2, 1, 3]
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)


def test_top_breaks_ties_by_id() -> None:
    assert top({5: 1.0, 3: 1.0, 9: 2.0}, 3) == [9, 3, 5]
