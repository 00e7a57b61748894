from __future__ import annotations

import numpy as np
import pytest

from knowledge.fusion import (
    FusionConfig,
    convex_combination,
    fuse,
    normalise_scores,
    reciprocal_rank_fusion,
)
from knowledge.records import ScoredId


def ranked(*pairs: tuple[str, float]) -> list[ScoredId]:
    return [ScoredId(i, s, r) for r, (i, s) in enumerate(pairs, 1)]


LISTS = {
    "dense": ranked(("a", 0.9), ("b", 0.8), ("c", 0.1)),
    "lexical": ranked(("b", 12.0), ("d", 6.0), ("a", 3.0)),
}


def test_rrf_scores_and_ranks() -> None:
    fused = reciprocal_rank_fusion(LISTS, k=60)
    assert [f.id for f in fused] == ["b", "a", "d", "c"]
    b = fused[0]
    assert b.score == pytest.approx(1 / 62 + 1 / 61)
    assert b.ranks == {"dense": 2, "lexical": 1}
    assert b.scores == {"dense": 0.8, "lexical": 12.0}
    assert fused[2].ranks == {"lexical": 2}


def test_rrf_weights_shift_the_order() -> None:
    fused = reciprocal_rank_fusion(LISTS, k=1, weights={"dense": 3.0})
    assert fused[0].id == "a"


def test_convex_minmax() -> None:
    fused = convex_combination(LISTS, weights={"dense": 0.5, "lexical": 0.5})
    scores = {f.id: f.score for f in fused}
    # dense: a=1, b=0.875, c=0 ; lexical: b=1, d=1/3, a=0 ; missing -> 0
    assert scores["b"] == pytest.approx(0.5 * 0.875 + 0.5)
    assert scores["a"] == pytest.approx(0.5)
    assert scores["d"] == pytest.approx(0.5 / 3)
    assert scores["c"] == pytest.approx(0.0)
    assert [f.id for f in fused] == ["b", "a", "d", "c"]


def test_zscore_gives_unlisted_documents_the_list_minimum() -> None:
    normed, floor = normalise_scores(np.array([3.0, 2.0, 1.0]), "zscore")
    assert normed.mean() == pytest.approx(0.0)
    assert floor == pytest.approx(normed.min())
    fused = convex_combination(LISTS, normalisation="zscore")
    assert {f.id for f in fused} == {"a", "b", "c", "d"}


def test_single_item_and_empty_lists() -> None:
    assert convex_combination({"dense": ranked(("x", 0.3)), "lexical": []})[0].id == "x"
    assert reciprocal_rank_fusion({"dense": [], "lexical": []}) == []


def test_ties_are_deterministic() -> None:
    lists = {"dense": ranked(("b", 1.0)), "lexical": ranked(("a", 1.0))}
    assert [f.id for f in reciprocal_rank_fusion(lists)] == ["a", "b"]


def test_fuse_dispatches_on_config() -> None:
    assert fuse(LISTS, FusionConfig(method="rrf")) == reciprocal_rank_fusion(LISTS)
    assert fuse(LISTS, FusionConfig(method="convex")) == convex_combination(LISTS)
