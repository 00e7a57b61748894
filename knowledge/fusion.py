"""Fuse ranked lists from several retrieval methods into one ranking.

Two families, both taking ``{method: [ScoredId, ...]}`` (best first):

* ``reciprocal_rank_fusion`` - score = sum of w_m / (k + rank_m); uses ranks only.
* ``convex_combination`` - score = sum of w_m * norm_m(score); scores normalised per
  query (min-max or z-score over each method's list). A document a method did not
  return gets that method's lowest normalised value (it ranked below the list).

``fuse`` dispatches on a ``FusionConfig``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from knowledge.records import ScoredId

Method = Literal["rrf", "convex"]
Normalisation = Literal["minmax", "zscore"]


@dataclass(frozen=True)
class FusedResult:
    """One fused result: id, fused score, and each method's rank and raw score."""

    id: str
    score: float
    ranks: dict[str, int]
    scores: dict[str, float]


@dataclass(frozen=True)
class FusionConfig:
    """How to fuse. ``weights`` default to 1.0 per method."""

    method: Method = "rrf"
    weights: Mapping[str, float] = field(default_factory=dict)
    rrf_k: float = 60.0
    normalisation: Normalisation = "minmax"


def _collect(lists: Mapping[str, Sequence[ScoredId]]) -> dict[str, FusedResult]:
    merged: dict[str, FusedResult] = {}
    for method, results in lists.items():
        for item in results:
            entry = merged.setdefault(item.id, FusedResult(item.id, 0.0, {}, {}))
            if method not in entry.ranks:
                entry.ranks[method] = item.rank
                entry.scores[method] = item.score
    return merged


def _ordered(merged: dict[str, FusedResult], fused: dict[str, float]) -> list[FusedResult]:
    results = [FusedResult(i, fused[i], e.ranks, e.scores) for i, e in merged.items()]
    # ties: better best-rank first, then id for determinism
    results.sort(key=lambda r: (-r.score, min(r.ranks.values()), r.id))
    return results


def reciprocal_rank_fusion(
    lists: Mapping[str, Sequence[ScoredId]],
    *,
    k: float = 60.0,
    weights: Mapping[str, float] | None = None,
) -> list[FusedResult]:
    """Weighted reciprocal rank fusion (Cormack et al., 2009)."""
    weights = weights or {}
    merged = _collect(lists)
    fused = {
        i: sum(weights.get(m, 1.0) / (k + rank) for m, rank in e.ranks.items())
        for i, e in merged.items()
    }
    return _ordered(merged, fused)


def normalise_scores(scores: np.ndarray, how: Normalisation) -> tuple[np.ndarray, float]:
    """Normalise one list's scores; also return the value given to unlisted documents."""
    if len(scores) == 0:
        return scores, 0.0
    if how == "zscore":
        std = float(scores.std())
        normed = (scores - scores.mean()) / std if std > 0 else np.zeros_like(scores)
        return normed, float(normed.min())
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.ones_like(scores), 0.0
    return (scores - low) / (high - low), 0.0


def convex_combination(
    lists: Mapping[str, Sequence[ScoredId]],
    *,
    weights: Mapping[str, float] | None = None,
    normalisation: Normalisation = "minmax",
) -> list[FusedResult]:
    """Weighted sum of per-query normalised scores (Bruch et al., 2023)."""
    weights = weights or {}
    merged = _collect(lists)
    fused = dict.fromkeys(merged, 0.0)
    for method, results in lists.items():
        if not results:
            continue
        weight = weights.get(method, 1.0)
        raw = np.array([r.score for r in results], dtype=np.float64)
        normed, floor = normalise_scores(raw, normalisation)
        listed = {}
        for item, value in zip(results, normed, strict=True):
            listed.setdefault(item.id, float(value))
        for i in fused:
            fused[i] += weight * listed.get(i, floor)
    return _ordered(merged, fused)


def fuse(lists: Mapping[str, Sequence[ScoredId]], config: FusionConfig) -> list[FusedResult]:
    """Fuse ranked lists as ``config`` says."""
    if config.method == "convex":
        return convex_combination(lists, weights=config.weights, normalisation=config.normalisation)
    return reciprocal_rank_fusion(lists, k=config.rrf_k, weights=config.weights)
