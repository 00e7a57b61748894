"""Retrain the RAID type model from ``type_examples.jsonl``.

Usage: ``python -m skills.raid.parsing.type_training [--no-embeddings] [--output FILE]``

Chooses the L2 penalty by stratified cross-validation on the examples alone (never on
``shared/eval``), trains both heads on every example, calibrates them and writes the weights
(``type_weights.npz`` beside this file by default). Set ``LIVEPMO_EMBEDDING_MODEL_DIR`` so
the embedded head is trained too. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.core.learned import Config, Embed, TextClassifier, shared_embedder
from skills.raid.parsing.type_model import EXAMPLES, WEIGHTS

L2_GRID = (3e-4, 1e-3, 3e-3, 1e-2)
FOLDS = 5


def load_examples(path: Path) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["text"] for r in rows], [r["type"] for r in rows]


def cross_validate(
    texts: list[str], labels: list[str], config: Config, embed: Embed | None
) -> dict[str, float]:
    """Accuracy and log-loss of each head over stratified folds (no calibration inside)."""
    rng = np.random.default_rng(1)
    fold_of = np.empty(len(texts), dtype=int)
    for label in sorted(set(labels)):
        members = rng.permutation([i for i, x in enumerate(labels) if x == label])
        fold_of[members] = np.arange(len(members)) % FOLDS
    right = {"embedded": 0, "lexical": 0}
    loss = {"embedded": 0.0, "lexical": 0.0}
    for fold in range(FOLDS):
        train = [i for i in range(len(texts)) if fold_of[i] != fold]
        test = [i for i in range(len(texts)) if fold_of[i] == fold]
        model = TextClassifier.train(
            [texts[i] for i in train], [labels[i] for i in train], embed=embed, config=config,
            folds=0,
        )  # fmt: skip
        for head in ("embedded", "lexical"):
            if head not in model.heads:
                continue
            if head == "lexical":
                model = TextClassifier(model.labels, {"lexical": model.heads["lexical"]},
                                       model.config)  # fmt: skip
            for i, prediction in zip(test, model.predict_many([texts[i] for i in test]),
                                     strict=True):  # fmt: skip
                right[head] += prediction.label == labels[i]
                loss[head] -= float(np.log(prediction.probabilities[labels[i]] + 1e-12))
    n = len(texts)
    return {f"{h}_{m}": round(v / n, 4) for h in right for m, v in
            (("accuracy", right[h]), ("log_loss", loss[h]))}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--output", type=Path, default=WEIGHTS)
    parser.add_argument("--no-embeddings", action="store_true", help="lexical head only")
    args = parser.parse_args(argv)
    texts, labels = load_examples(args.examples)
    embed = None if args.no_embeddings else shared_embedder()
    if embed is None and not args.no_embeddings:
        print("no embedding model: training the lexical head only", file=sys.stderr)
    started = time.perf_counter()
    scores = {}
    for l2 in L2_GRID:
        scores[l2] = cross_validate(texts, labels, replace(Config(), l2=l2), embed)
        print(f"l2={l2:<8} {scores[l2]}", file=sys.stderr)
    key = "embedded_log_loss" if embed is not None else "lexical_log_loss"
    best = min(L2_GRID, key=lambda l2: scores[l2][key])
    model = TextClassifier.train(texts, labels, embed=embed, config=replace(Config(), l2=best))
    model.save(args.output)
    result = {
        "examples": len(texts),
        "l2": best,
        **scores[best],
        "temperatures": {h: round(head.temperature, 3) for h, head in model.heads.items()},
        "bytes": args.output.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
