"""How typical a text is of each label's examples, by sentence embedding.

A classifier answers for every text, however far it is from anything it learned. The
`Memory` keeps the training examples' embeddings (int8) and, per label, the distribution of
each example's similarity to its nearest other example of that label. A text's typicality
for a label is where its own nearest similarity to that label's examples falls in that
distribution: 0.5 is as close as a median example is to its neighbours, 0.01 closer than
only 1 in 100 of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

QUANTILES = np.linspace(0.0, 1.0, 41)
SCALE = 127.0  # unit vectors stored as int8


@dataclass
class Memory:
    """Example embeddings, their labels, and per label the quantiles (at `QUANTILES`) of the
    examples' leave-one-out nearest similarity within the label."""

    vectors: np.ndarray  # (n, d) int8
    labels: np.ndarray  # (n,) label indices
    quantiles: np.ndarray  # (k, len(QUANTILES)); NaN rows for labels with < 2 examples
    _grouped: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(
        default=None, init=False, repr=False
    )

    @classmethod
    def of(cls, vectors: np.ndarray, labels: np.ndarray, k: int) -> Memory:
        stored = np.round(np.asarray(vectors, np.float32) * SCALE).astype(np.int8)
        unit = stored.astype(np.float32) / SCALE
        nearest = np.full(len(labels), np.nan, dtype=np.float32)
        for label in range(k):
            members = np.flatnonzero(labels == label)
            if len(members) < 2:
                continue
            sims = unit[members] @ unit[members].T
            np.fill_diagonal(sims, -np.inf)
            nearest[members] = sims.max(axis=1)
        quantiles = np.full((k, len(QUANTILES)), np.nan, dtype=np.float32)
        for label in range(k):
            values = nearest[labels == label]
            values = values[~np.isnan(values)]
            if len(values):
                quantiles[label] = np.quantile(values, QUANTILES)
        return cls(stored, np.asarray(labels, dtype=np.int16), quantiles)

    def with_rows(self, vectors: np.ndarray, labels: np.ndarray) -> Memory:
        """Also these examples (the distributions stay those of the training set)."""
        more = np.round(np.asarray(vectors, np.float32) * SCALE).astype(np.int8)
        return Memory(
            np.vstack([self.vectors, more]),
            np.concatenate([self.labels, np.asarray(labels, dtype=np.int16)]),
            self.quantiles,
        )

    def typicality(self, vectors: np.ndarray) -> np.ndarray:
        """(m, k): per text and label, the share of that label's examples whose nearest
        neighbour is no closer than the text's nearest example of the label (1.0 where the
        label has no distribution)."""
        unit, starts, present = self._by_label()
        # einsum's own loop: a BLAS call this small costs more in threads than it saves
        sims = np.einsum("md,nd->mn", np.asarray(vectors, np.float32), unit)
        out = np.ones((len(sims), len(self.quantiles)))
        if not len(unit):
            return out
        nearest = np.maximum.reduceat(sims, starts, axis=1)
        for column, label in enumerate(present):
            if not np.isnan(self.quantiles[label]).any():
                out[:, label] = np.interp(nearest[:, column], self.quantiles[label], QUANTILES)
        return out

    def _by_label(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The vectors as floats grouped by label, where each group starts, its label
        (computed once)."""
        if self._grouped is None:
            order = np.argsort(self.labels, kind="stable")
            labels = self.labels[order]
            present, starts = np.unique(labels, return_index=True)
            unit = self.vectors[order].astype(np.float32) / SCALE
            self._grouped = (unit, starts, present)
        return self._grouped
