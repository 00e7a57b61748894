"""Retrain the intent model from the corpus: `python -m bot.interpret.train`.

Writes `bot/interpret/intent_model.npz` (or `--out`), after a cross-validated check of
accuracy per operation (printed; the last line is one JSON object). The corpus is pooled with
the skills' own labelled data (`Skill.intent_examples`: every RAID type example, as a mode of
`raid.add`). Needs the embedding model (`LIVEPMO_EMBEDDING_MODEL_DIR`); without it only the
lexical head is trained. `--raid-messages FILE` pools labelled RAID messages (JSONL with `text`
and `type`, such as an eval set read by its path, never copied into the repo) as `raid.add`
modes too, so a model trained with one eval set can be scored on another.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

from bot.core.learned import Config, TextClassifier, shared_embedder
from bot.interpret import shapes
from bot.interpret.corpus import CORPUS, NONE, Example, load_corpus
from bot.interpret.model import MODE, MODEL_PATH, operation_of

# ~4,000 examples and ~60 operations: converged well before 200 steps; the shape block
# (`shapes.marks`) weighs as much as the words.
CONFIG = Config(iterations=200, mark_weight=1.0, memory=True)
CALIBRATION_FOLDS = 3


def known_operations() -> set[str]:
    from skills import registry

    return set(registry().operations) | {NONE}


def pooled_examples() -> list[Example]:
    """The skills' own labelled data for the intent model (`Skill.intent_examples`)."""
    from skills import registry

    return [
        Example(text, op)
        for skill in registry().skills
        if skill.intent_examples
        for text, op in skill.intent_examples()
    ]


def raid_messages(paths: list[Path]) -> list[Example]:
    """Labelled RAID messages (`text`, `type`) as examples of `raid.add`'s mode for the type."""
    from skills.raid.parsing.type_training import load_examples

    examples = []
    for path in paths:
        texts, types = load_examples(path)
        examples += [Example(t, f"raid.add{MODE}{k}") for t, k in zip(texts, types, strict=True)]
    return examples


def cross_validate(texts: list[str], labels: list[str], folds: int, embed) -> dict:
    """Accuracy of models trained without each fold, on that fold, per label."""
    order = list(range(len(texts)))
    random.Random(7).shuffle(order)
    hits: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    confused: dict[str, Counter[str]] = defaultdict(Counter)
    for fold in range(folds):
        test = set(order[fold::folds])
        train = [i for i in order if i not in test]
        model = TextClassifier.train(
            [texts[i] for i in train],
            [labels[i] for i in train],
            embed=embed,
            config=CONFIG,
            folds=CALIBRATION_FOLDS,
            marks=shapes.marks,
        )
        for i, prediction in zip(
            sorted(test), model.predict_many([texts[i] for i in sorted(test)]), strict=True
        ):
            seen[labels[i]] += 1
            if prediction.label == labels[i]:
                hits[labels[i]] += 1
            else:
                confused[labels[i]][prediction.label] += 1
    per_label = {label: round(hits[label] / seen[label], 3) for label in sorted(seen)}
    worst = {label: dict(confused[label].most_common(3)) for label in sorted(confused)}
    return {
        "accuracy": round(sum(hits.values()) / max(1, sum(seen.values())), 4),
        "per_operation": per_label,
        "confusions": worst,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a folder of .jsonl files")
    parser.add_argument("--folds", type=int, default=5, help="0 skips the cross-validation")
    parser.add_argument("--raid-messages", type=Path, action="append", default=[],
                        help="labelled RAID messages (text, type) pooled as raid.add")  # fmt: skip
    args = parser.parse_args(argv)
    examples = load_corpus(args.corpus) + pooled_examples() + raid_messages(args.raid_messages)
    known = known_operations()
    unknown = sorted({operation_of(e.op) for e in examples} - known)
    if unknown:
        print(f"skipping examples of undeclared operations: {', '.join(unknown)}")
    kept = [e for e in examples if operation_of(e.op) in known]
    texts, labels = [e.text for e in kept], [e.op for e in kept]
    embed = shared_embedder()
    operations = len({operation_of(label) for label in labels})
    report = {"examples": len(kept), "operations": operations, "embeddings": bool(embed)}
    if args.folds > 1:
        report["cross_validated"] = cross_validate(texts, labels, args.folds, embed)
    model = TextClassifier.train(
        texts, labels, embed=embed, config=CONFIG, folds=CALIBRATION_FOLDS, marks=shapes.marks
    )
    model.save(args.out)
    report["saved"] = str(args.out)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
