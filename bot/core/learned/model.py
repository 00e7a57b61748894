"""The classifier: prediction, training, runtime examples, and its weights file."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bot.core.learned.embeddings import Embed
from bot.core.learned.features import Config, lexical_features
from bot.core.learned.fitting import (
    Batch,
    Design,
    Head,
    calibrate,
    fit_head,
    head_logits,
    softmax,
)
from bot.core.learned.typical import Memory

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
Marks = Callable[[str], list[str]]  # a text -> tokens describing its shape
HEADS = ("embedded", "lexical")  # with the sentence embedding; lexical features alone


def _float32(array: np.ndarray | None) -> np.ndarray | None:
    return None if array is None else array.astype(np.float32)


class Prediction(NamedTuple):
    """The likeliest label, its calibrated probability, and every label's probability."""

    label: str
    probability: float
    probabilities: dict[str, float]


class TextClassifier:
    """Multinomial logistic regression over hashed n-grams and sentence embeddings.

    ``marks`` (optional, given to :meth:`train` and :meth:`load` alike) turns a text into
    tokens describing its shape ("key", "key+date"), hashed as a block weighted by
    ``Config.mark_weight``: structure the n-grams see only as scattered words.
    """

    def __init__(
        self,
        labels: Sequence[str],
        heads: dict[str, Head],
        config: Config,
        embed: Embed | None = None,
        marks: Marks | None = None,
    ) -> None:
        self.labels = list(labels)
        self.heads = heads
        self.config = config
        self.embed = embed
        self.marks = marks
        self.memory: Memory | None = None  # with `Config.memory`: see `typicality`
        self._embed_failed = False

    @property
    def uses_embeddings(self) -> bool:
        """Whether predictions use the embedded head (an embedder is set and has not failed)."""
        return self.embed is not None and "embedded" in self.heads and not self._embed_failed

    def predict(self, text: str) -> Prediction:
        """The label of ``text``: ``(label, probability, {label: probability})``."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions for several texts, embedding them in one batch."""
        if not texts:
            return []
        batch = self.features(list(texts))
        head = self.heads["embedded" if batch.embedded is not None else "lexical"]
        probs = softmax(head_logits(head, batch) / head.temperature)
        blend = self.config.lexical_blend if batch.embedded is not None else 0.0
        if blend:
            lexical = self.heads["lexical"]
            probs = (1 - blend) * probs + blend * softmax(
                head_logits(lexical, batch) / lexical.temperature
            )
        out = []
        for row in probs:
            best = int(np.argmax(row))
            table = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
            out.append(Prediction(self.labels[best], float(row[best]), table))
        return out

    def typicality(self, texts: Sequence[str]) -> list[dict[str, float]] | None:
        """Per text and label, how typical the text is of that label's examples
        (`typical.Memory`); None without a memory or a working embedder."""
        if self.memory is None or not self.uses_embeddings or not texts:
            return None
        vectors = self._embeddings(list(texts))
        if vectors is None:
            return None
        table = self.memory.typicality(vectors / self.config.embed_weight)
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in table]

    def features(self, texts: list[str]) -> Batch:
        """Lexical rows and (when the embedded head is usable) embeddings of ``texts``."""
        rows = [
            lexical_features(t, self.config, self.marks(t) if self.marks else ()) for t in texts
        ]
        return Batch(rows, self._embeddings(texts) if self.uses_embeddings else None)

    def _embeddings(self, texts: list[str]) -> np.ndarray | None:
        try:
            vectors = np.asarray(
                self.embed([t[: self.config.max_chars] for t in texts]),  # type: ignore[misc]
                dtype=np.float64,
            )
        except Exception:  # an embedder failing must not stop classification
            log.exception("embedding failed; this classifier now uses lexical features only")
            self._embed_failed = True
            return None
        if vectors.shape != (len(texts), self.config.embed_dim):
            log.warning(
                "embedder gives %s vectors, the model wants %d: lexical features only",
                vectors.shape[1:],
                self.config.embed_dim,
            )
            self._embed_failed = True
            return None
        return vectors * self.config.embed_weight

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        embed: Embed | None = None,
        weights: Sequence[float] | None = None,
        config: Config | None = None,
        balanced: bool = True,
        folds: int = 5,
        marks: Marks | None = None,
    ) -> TextClassifier:
        """Fit both heads (class-balanced example weights when ``balanced``), calibrate each.

        Args:
            texts, labels: the examples (each label needs ``folds`` of them to calibrate;
                with fewer, or ``folds < 2``, the temperature stays 1).
            embed: the embedder; without one only the lexical head is trained.
            weights: per-example weights (default 1).
            config: feature and training settings.
            folds: folds for the out-of-fold logits the temperatures are fitted on.
            marks: shape tokens of a text (used when ``config.mark_weight`` is set).
        """
        config = config or Config()
        names = sorted(set(labels))
        y = np.array([names.index(label) for label in labels])
        w = np.ones(len(texts)) if weights is None else np.asarray(weights, dtype=np.float64)
        if balanced:
            counts = np.bincount(y, weights=w, minlength=len(names))
            w = w * (w.sum() / (len(names) * counts[y]))
        embedded = None
        if embed is not None:
            vectors = np.asarray(embed([t[: config.max_chars] for t in texts]), np.float64)
            config = replace(config, embed_dim=int(vectors.shape[1]))
            embedded = vectors * config.embed_weight
        config = replace(config, total_weight=float(w.sum()))
        rows = [lexical_features(t, config, marks(t) if marks else ()) for t in texts]
        heads = {}
        for name in HEADS:
            batch = Batch(rows, embedded if name == "embedded" else None)
            if name == "embedded" and embedded is None:
                continue
            design = Design.of(batch)
            heads[name] = fit_head(batch, y, w, len(names), config, design=design)
            heads[name].temperature = calibrate(design, y, w, len(names), config, folds)
        model = cls(names, heads, config, embed, marks)
        if config.memory and embedded is not None:
            model.memory = Memory.of(embedded / config.embed_weight, y, len(names))
        return model

    def with_examples(
        self, texts: Sequence[str], labels: Sequence[str], *, weight: float = 1.0
    ) -> TextClassifier:
        """A copy that has also learned these examples (e.g. one workspace's corrections).

        Each head is refitted on the new examples alone, its L2 penalty pulling toward its
        current weights instead of zero; each example counts as ``weight`` examples of the
        original training set. Labels must be among :attr:`labels`. The original is unchanged.
        """
        unknown = set(labels) - set(self.labels)
        if unknown:
            raise ValueError(f"unknown labels {sorted(unknown)}; known: {self.labels}")
        model = TextClassifier(self.labels, dict(self.heads), self.config, self.embed, self.marks)
        model.memory = self.memory
        if not texts:
            return model
        y = np.array([self.labels.index(label) for label in labels])
        w = np.full(len(texts), float(weight))
        batch = self.features(list(texts))
        for name, head in self.heads.items():
            emb = batch.embedded if name == "embedded" else None
            if name == "embedded" and emb is None:
                continue  # cannot embed now: that head stays as it was
            model.heads[name] = fit_head(
                Batch(batch.rows, emb), y, w, len(self.labels), self.config, anchor=head
            )
        if self.memory is not None and batch.embedded is not None:
            model.memory = self.memory.with_rows(batch.embedded / self.config.embed_weight, y)
        return model

    def save(self, path: str | Path) -> None:
        """Write labels, settings and the heads to a compressed .npz (no pickles)."""
        arrays: dict[str, np.ndarray] = {
            "format": np.array(FORMAT_VERSION),
            "labels": np.array(self.labels),
            "config": np.array(json.dumps(asdict(self.config))),
        }
        for name, head in self.heads.items():
            arrays[f"{name}.cols"] = head.cols.astype(np.int64)
            arrays[f"{name}.w_lex"] = head.w_lex.astype(np.float16)  # halves the file
            arrays[f"{name}.bias"] = head.bias.astype(np.float32)
            arrays[f"{name}.temperature"] = np.array(head.temperature)
            if head.w_emb is not None:
                arrays[f"{name}.w_emb"] = head.w_emb.astype(np.float16)
        if self.memory is not None:
            arrays["memory.vectors"] = self.memory.vectors
            arrays["memory.labels"] = self.memory.labels
            arrays["memory.quantiles"] = self.memory.quantiles
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(
        cls, path: str | Path, *, embed: Embed | None = None, marks: Marks | None = None
    ) -> TextClassifier:
        """Read a model written by :meth:`save`; ``embed`` enables its embedded head,
        ``marks`` must be the function it was trained with."""
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT_VERSION:
                raise ValueError(f"{path}: unknown model format {int(data['format'])}")
            raw = json.loads(str(data["config"]))
            raw["char_ngrams"] = tuple(raw["char_ngrams"])
            heads = {
                name: Head(
                    cols=data[f"{name}.cols"],
                    w_lex=data[f"{name}.w_lex"].astype(np.float32),
                    w_emb=_float32(data.get(f"{name}.w_emb")),
                    bias=data[f"{name}.bias"],
                    temperature=float(data[f"{name}.temperature"]),
                )
                for name in HEADS
                if f"{name}.cols" in data
            }
            model = cls([str(x) for x in data["labels"]], heads, Config(**raw), embed, marks)
            if "memory.vectors" in data:
                model.memory = Memory(
                    data["memory.vectors"], data["memory.labels"], data["memory.quantiles"]
                )
            return model
