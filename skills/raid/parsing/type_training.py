"""Retrain the RAID type model from ``type_examples.jsonl``.

Usage: ``python -m skills.raid.parsing.type_training [--no-embeddings] [--output FILE]
[--extra FILE ...]``

Each example is used as written and once more dressed the way chat messages are (a mention,
"owner @x", "review Friday", "fyi", a link): words that say nothing about the type. Chooses
the L2 penalty by stratified cross-validation on the examples alone (never on
``shared/eval``), trains both heads on every example, calibrates them and writes the weights
(``type_weights.npz`` beside this file by default). Set ``LIVEPMO_EMBEDDING_MODEL_DIR`` so
the embedded head is trained too; on a busy machine ``OPENBLAS_NUM_THREADS=1`` is much
faster. ``--extra`` pools labelled messages (JSONL with ``text`` and ``type``, such as an eval
set read by its path, never copied here) into the final fit, not into the choice of L2: a
model trained with one eval set is scored on another. The last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.core.learned import Config, Embed, TextClassifier, shared_embedder
from skills.raid.parsing.type_cues import cues
from skills.raid.parsing.type_model import EXAMPLES, WEIGHTS

L2_GRID = (1e-5, 1e-4)
BLEND = 0.25  # share of the lexical head: chosen by cross-validation on the examples
MARK_WEIGHT = 0.5  # weight of the speech-act cues block (`type_cues`): see the README
FOLDS = 5
CONFIG = Config(mark_weight=MARK_WEIGHT)
_PREFIXES = ("", "", "fyi ", "heads up: ", "pls log: ", "<@U0EXAMPLE> ", "can you add this: ",
             "quick one - ", "\U0001f4cc ", "for the log: ", "hey team, ")  # fmt: skip
_SUFFIXES = ("", "", ", owner <@U0EXAMPLE>", ". <@U0EXAMPLE> to look into it", ", review Friday",
             " - by end of month", ". thanks <@U0EXAMPLE>", " cc <@U0EXAMPLE>",
             " (see <https://example.com/d/1|notes>)", ", tracking it", ". due 15 Dec",
             ". <@U0EXAMPLE> can you pick this up?")  # fmt: skip


def dressed(texts: list[str], labels: list[str], seed: int = 7) -> tuple[list[str], list[str]]:
    """The examples, then each once more with chat decorations that carry no type."""
    rng = random.Random(seed)
    extra = [f"{rng.choice(_PREFIXES)}{t.rstrip('.')}{rng.choice(_SUFFIXES)}" for t in texts]
    return texts + extra, labels + labels


def load_examples(path: Path) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["text"] for r in rows], [r["type"] for r in rows]


def cross_validate(
    texts: list[str], labels: list[str], config: Config, embed: Embed | None
) -> dict[str, float]:
    """Accuracy and log-loss of each head over stratified folds of the plain examples (each
    fold's examples dressed inside it; no calibration)."""
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
            *dressed([texts[i] for i in train], [labels[i] for i in train]), embed=embed,
            config=config, folds=0, marks=cues,
        )  # fmt: skip
        test_texts, test_labels = dressed([texts[i] for i in test], [labels[i] for i in test])
        for head in ("embedded", "lexical"):
            if head not in model.heads:
                continue
            if head == "lexical":
                model = TextClassifier(model.labels, {"lexical": model.heads["lexical"]},
                                       model.config, marks=cues)  # fmt: skip
            for label, prediction in zip(test_labels, model.predict_many(test_texts),
                                         strict=True):  # fmt: skip
                right[head] += prediction.label == label
                loss[head] -= float(np.log(prediction.probabilities[label] + 1e-12))
    n = 2 * len(texts)
    return {f"{h}_{m}": round(v / n, 4) for h in right for m, v in
            (("accuracy", right[h]), ("log_loss", loss[h]))}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--output", type=Path, default=WEIGHTS)
    parser.add_argument("--no-embeddings", action="store_true", help="lexical head only")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="labelled messages (text, type) for the final fit")  # fmt: skip
    parser.add_argument("--l2", type=float, help="skip the cross-validation: use this penalty")
    args = parser.parse_args(argv)
    texts, labels = load_examples(args.examples)
    pooled_texts, pooled_labels = list(texts), list(labels)
    for path in args.extra:
        extra_texts, extra_labels = load_examples(path)
        pooled_texts += extra_texts
        pooled_labels += extra_labels
    embed = None if args.no_embeddings else shared_embedder()
    if embed is None and not args.no_embeddings:
        print("no embedding model: training the lexical head only", file=sys.stderr)
    started = time.perf_counter()
    scores = {}
    for l2 in [args.l2] if args.l2 else L2_GRID:
        scores[l2] = {} if args.l2 else cross_validate(texts, labels, replace(CONFIG, l2=l2), embed)
        print(f"l2={l2:<8} {scores[l2]}", file=sys.stderr)
    key = "embedded_log_loss" if embed is not None else "lexical_log_loss"
    best = args.l2 or min(L2_GRID, key=lambda l2: scores[l2][key])
    model = TextClassifier.train(
        *dressed(pooled_texts, pooled_labels),
        embed=embed,
        config=replace(CONFIG, l2=best, lexical_blend=BLEND),
        marks=cues,
    )
    model.save(args.output)
    result = {
        "examples": len(texts),
        "extra": len(pooled_texts) - len(texts),
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
