"""Fitting one head: weighted multinomial logistic regression with an L2 penalty.

The penalty keeps the weights in the span of the examples (``W = W0 + X^T A``), so gradient
descent runs on the n x n Gram matrix of the examples instead of on their 10^4-10^5 hashed
features: the same iterates, a few milliseconds per hundred steps. Nesterov acceleration
with adaptive restart; the step is 1 / the gradient's Lipschitz bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.core.learned.features import Config


@dataclass
class Head:
    """One linear model: sparse lexical weights, embedding weights, bias, temperature."""

    cols: np.ndarray  # sorted feature ids that have a weight (int64)
    w_lex: np.ndarray  # (len(cols), k)
    w_emb: np.ndarray | None  # (embed_dim, k); the embedded head only
    bias: np.ndarray  # (k,)
    temperature: float = 1.0


@dataclass
class Batch:
    """Features of several texts: sparse lexical rows and, optionally, embeddings."""

    rows: list[dict[int, float]]
    embedded: np.ndarray | None


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def head_logits(head: Head, batch: Batch, *, bias: bool = True) -> np.ndarray:
    """Raw scores of one head for a batch."""
    k = len(head.bias)
    logits = np.tile(head.bias if bias else np.zeros(k), (len(batch.rows), 1)).astype(np.float64)
    for n, row in enumerate(batch.rows):
        if not row or not len(head.cols):
            continue
        ids = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        values = np.fromiter(row.values(), dtype=np.float64, count=len(row))
        pos = np.minimum(np.searchsorted(head.cols, ids), len(head.cols) - 1)
        known = head.cols[pos] == ids
        logits[n] += values[known] @ head.w_lex[pos[known]]
    if head.w_emb is not None and batch.embedded is not None:
        logits += batch.embedded @ head.w_emb
    return logits


@dataclass
class Design:
    """Examples as a sparse matrix over the feature ids they use (coordinate lists), their
    embeddings, and their Gram matrix."""

    cols: np.ndarray  # the feature ids used, sorted
    rows: np.ndarray  # per stored value: its example
    where: np.ndarray  # per stored value: its position in ``cols``
    values: np.ndarray
    emb: np.ndarray | None  # (n, d)
    gram: np.ndarray  # (n, n)

    @classmethod
    def of(cls, batch: Batch) -> Design:
        n = len(batch.rows)
        rows = np.repeat(np.arange(n), [len(r) for r in batch.rows])
        ids = np.fromiter((f for r in batch.rows for f in r), dtype=np.int64, count=len(rows))
        values = np.fromiter((v for r in batch.rows for v in r.values()), float, len(rows))
        cols, where = np.unique(ids, return_inverse=True)
        gram = np.zeros((n, n))
        dense = np.zeros(len(cols))
        ends = np.cumsum([len(r) for r in batch.rows])
        for i, (start, end) in enumerate(
            zip(ends - [len(r) for r in batch.rows], ends, strict=True)
        ):
            dense[where[start:end]] = values[start:end]  # row i against every row
            gram[i] = np.bincount(rows, weights=values * dense[where], minlength=n)
            dense[where[start:end]] = 0.0
        emb = None if batch.embedded is None else batch.embedded.astype(np.float64)
        if emb is not None:
            gram += emb @ emb.T
        return cls(cols, rows, where, values, emb, gram)

    def lexical_weights(self, a: np.ndarray) -> np.ndarray:
        """X^T a: the lexical weights (len(cols), k) of dual coefficients ``a`` (n, k)."""
        return np.stack(
            [
                np.bincount(
                    self.where, weights=self.values * a[self.rows, c], minlength=len(self.cols)
                )
                for c in range(a.shape[1])
            ],
            axis=1,
        )


def fit_dual(
    gram: np.ndarray,
    offset: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    config: Config,
    *,
    bias0: np.ndarray | None = None,
    bias_l2: float = 0.0,
    fixed_bias: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Dual coefficients A (n, k) and bias b minimising, over W = W0 + X^T A,
    ``sum_i weights_i * logloss(offset_i + (X W)_i + b, y_i) + l2/2 |W - W0|^2
    + bias_l2/2 |b - bias0|^2`` (``offset`` holds X W0)."""
    n, k = offset.shape
    targets = np.eye(k)[y]
    b0 = np.zeros(k) if bias0 is None else bias0.astype(np.float64)
    step = 1.0 / (0.5 * _top_eigenvalue(gram + 1.0, weights) + config.l2 + bias_l2 + 1e-12)
    a, b = np.zeros((n, k)), b0.copy()
    prev_a, prev_b, t = a, b, 1.0
    for _ in range(config.iterations):
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        mix = (t - 1) / t_next
        ya, yb = a + mix * (a - prev_a), b + mix * (b - prev_b)
        residual = (softmax(offset + gram @ ya + yb) - targets) * weights[:, None]
        ga, gb = residual + config.l2 * ya, residual.sum(0) + bias_l2 * (yb - b0)
        if fixed_bias:
            gb = np.zeros(k)
        new_a, new_b = ya - step * ga, yb - step * gb
        da, db = new_a - a, new_b - b
        if np.sum(ga * da) + np.sum(gb * db) > 0:
            t_next = 1.0  # adaptive restart: the momentum pointed uphill
        prev_a, prev_b, a, b, t = a, b, new_a, new_b, t_next
        if max(np.abs(da).max(initial=0), np.abs(db).max()) < 1e-8:
            break
    return a, b


def _top_eigenvalue(gram: np.ndarray, weights: np.ndarray) -> float:
    """Largest eigenvalue of diag(sqrt w) gram diag(sqrt w) (power iteration, from above)."""
    root = np.sqrt(weights)
    matrix = gram * np.outer(root, root)
    v = np.ones(len(weights)) / max(1.0, np.sqrt(len(weights)))
    value = 0.0
    for _ in range(50):
        u = matrix @ v
        value = float(np.linalg.norm(u))
        if value == 0.0:
            return 0.0
        v = u / value
    return value * 1.05  # power iteration approaches from below: keep the step safe


def fit_head(
    batch: Batch,
    y: np.ndarray,
    w: np.ndarray,
    k: int,
    config: Config,
    *,
    anchor: Head | None = None,
    design: Design | None = None,
) -> Head:
    """A head fitted to the batch; with ``anchor``, the penalty pulls toward the anchor's
    weights (bias included) and the loss is scaled by the anchor's training weight."""
    design = design or Design.of(batch)
    if anchor is None:
        offset, total, bias0, bias_l2 = np.zeros((len(y), k)), w.sum(), None, 0.0
    else:
        offset = head_logits(anchor, batch, bias=False)
        total, bias0, bias_l2 = config.total_weight or w.sum(), anchor.bias, config.l2
    a, b = fit_dual(
        design.gram,
        offset,
        y,
        w / total,
        config,
        bias0=bias0,
        bias_l2=bias_l2,
        fixed_bias=anchor is not None,
    )
    cols, w_lex = design.cols, design.lexical_weights(a)
    w_emb = design.emb.T @ a if design.emb is not None else None
    if anchor is not None:
        cols, w_lex = _merge(anchor.cols, anchor.w_lex, cols, w_lex)
        if anchor.w_emb is not None:
            w_emb = anchor.w_emb + (w_emb if w_emb is not None else 0.0)
    keep = np.any(w_lex != 0, axis=1)
    return Head(
        cols=cols[keep],
        w_lex=w_lex[keep].astype(np.float32),
        w_emb=None if w_emb is None else w_emb.astype(np.float32),
        bias=b.astype(np.float32),
        temperature=anchor.temperature if anchor is not None else 1.0,
    )


def _merge(
    cols_a: np.ndarray, w_a: np.ndarray, cols_b: np.ndarray, w_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    cols = np.union1d(cols_a, cols_b)
    merged = np.zeros((len(cols), w_a.shape[1] if len(w_a) else w_b.shape[1]))
    merged[np.searchsorted(cols, cols_a)] += w_a
    merged[np.searchsorted(cols, cols_b)] += w_b
    return cols, merged


def calibrate(
    design: Design, y: np.ndarray, w: np.ndarray, k: int, config: Config, folds: int
) -> float:
    """The temperature minimising log-loss of out-of-fold logits (1.0 with too few examples)."""
    if folds < 2 or np.bincount(y, minlength=k).min() < folds:
        return 1.0
    fold_of = np.empty(len(y), dtype=int)
    rng = np.random.default_rng(0)
    for label in range(k):  # stratified: each label spread over the folds
        members = rng.permutation(np.flatnonzero(y == label))
        fold_of[members] = np.arange(len(members)) % folds
    logits = np.zeros((len(y), k))
    for fold in range(folds):
        test, train = fold_of == fold, fold_of != fold
        gram = design.gram[np.ix_(train, train)]
        a, b = fit_dual(
            gram, np.zeros((train.sum(), k)), y[train], w[train] / w[train].sum(), config
        )
        logits[test] = design.gram[np.ix_(test, train)] @ a + b
    return temperature_for(logits, y)


def temperature_for(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the log-loss of softmax(logits / T) (golden section)."""

    def loss(log_t: float) -> float:
        p = softmax(logits / math.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

    low, high = math.log(0.05), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if loss(a) < loss(b):
            high = b
        else:
            low = a
    return math.exp((low + high) / 2)
