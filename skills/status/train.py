"""Retrain the status readers: `python -m skills.status.train [FILE...] [--cross-fit]`.

The overall-status reader learns the written sentences of
`skills/status/corpus/overall_status.jsonl`, and, from each FILE of labelled updates (the
status benchmark's format: `text`, `rag`), every sentence of an update that states no status
(label ``none``) and, of an update that states one, the sentence a first fit finds likeliest
to state it (with that label: each update says which status, not where). Writes
`skills/status/parsing/overall_status_model.npz` (or `--out`) fitted on all of them.
`--cross-fit FOLDER` first fits, for each FILE, a model without it, saves it there as
`without_<name>.npz` (for `benchmarks.status_parsing --rag-model`) and scores that FILE:
accuracy where a status is stated and the share invented where none is, for the parser with
and without the model and for the model alone.

The blocker reader learns the written fragments of `skills/status/corpus/blockers.jsonl`
(`text`, `blocker`) and, as ``none``, every fragment of the FILES' updates that have no
blocker; it is written to `skills/status/parsing/blocker_model.npz` (or `--blocker-out`),
and cross-fitted as `blockers_without_<name>.npz` (for `--blocker-model`).

The last line printed is one JSON object. Needs the embedding model
(`LIVEPMO_EMBEDDING_MODEL_DIR`); without it only the lexical heads are trained.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bot.core.learned import Config, Embed, TextClassifier, shared_embedder
from skills.status.parsing import learned
from skills.status.parsing.emoji import _normalise
from skills.status.parsing.items import _sentences, _split_items
from skills.status.parsing.rag import _detect_rag

CORPUS = Path(__file__).resolve().parent / "corpus" / "overall_status.jsonl"
BLOCKER_CORPUS = CORPUS.with_name("blockers.jsonl")
CONFIG = Config(iterations=300)
CALIBRATION_FOLDS = 3


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _label(rag: str | None) -> str:
    return rag or learned.NONE


def fit(updates: list[dict], embed: Embed | None) -> TextClassifier:
    """The model of the corpus and of these labelled updates (see the module docstring)."""
    texts = [row["text"] for row in _load(CORPUS)]
    labels = [_label(row["rag"]) for row in _load(CORPUS)]
    for row in updates:
        if row.get("rag") is None:
            sentences = learned.status_sentences(row["text"])
            texts += sentences
            labels += [learned.NONE] * len(sentences)
    model = TextClassifier.train(texts, labels, embed=embed, config=CONFIG, folds=CALIBRATION_FOLDS)
    for row in updates:
        sentences = learned.status_sentences(row["text"]) if row.get("rag") else []
        if sentences:
            read = model.predict_many(sentences)
            best = max(range(len(sentences)), key=lambda i: read[i].probabilities[row["rag"]])
            texts.append(sentences[best])
            labels.append(row["rag"])
    return TextClassifier.train(texts, labels, embed=embed, config=CONFIG, folds=CALIBRATION_FOLDS)


def fit_blockers(updates: list[dict], embed: Embed | None) -> TextClassifier:
    """The blocker reader of the written fragments and of every fragment of these labelled
    updates that have no blocker (ordinary work, as people write it: label ``none``)."""
    rows = _load(BLOCKER_CORPUS)
    texts = [row["text"] for row in rows]
    labels = [learned.BLOCKER if row["blocker"] else learned.NONE for row in rows]
    for row in updates:
        if not row.get("blockers"):
            fragments = [f for s in _sentences(_normalise(row["text"])) for f in _split_items(s)]
            texts += fragments
            labels += [learned.NONE] * len(fragments)
    return TextClassifier.train(texts, labels, embed=embed, config=CONFIG, folds=CALIBRATION_FOLDS)


def score(model: TextClassifier, updates: list[dict]) -> dict:
    """Accuracy where a status is stated and the share invented where none is."""
    learned.OVERALL_STATUS.use(model)
    counts: Counter[str] = Counter()
    for row in updates:
        rules = _detect_rag(_normalise(row["text"]))
        alone = learned.learned_rag(row["text"])
        for name, rag in (("rules", rules), ("model", alone), ("parser", rules or alone)):
            if row.get("rag"):
                counts[f"{name}_right"] += rag == row["rag"]
            else:
                counts[f"{name}_invented"] += rag is not None
        counts["stated" if row.get("rag") else "unstated"] += 1
    figures: dict = {"stated": counts["stated"], "unstated": counts["unstated"]}
    for name in ("parser", "rules", "model"):
        figures[f"{name}_accuracy"] = round(counts[f"{name}_right"] / max(1, counts["stated"]), 4)
        figures[f"{name}_invented"] = round(
            counts[f"{name}_invented"] / max(1, counts["unstated"]), 4
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="*", help="JSONL of labelled updates")
    parser.add_argument("--out", type=Path, default=learned.OVERALL_STATUS.path)
    parser.add_argument("--blocker-out", type=Path, default=learned.BLOCKERS.path)
    parser.add_argument("--cross-fit", type=Path, metavar="FOLDER")
    args = parser.parse_args(argv)
    embed = shared_embedder()
    sets = {path.stem: _load(path) for path in args.files}
    report: dict = {"embeddings": bool(embed), "corpus": len(_load(CORPUS))}
    if args.cross_fit and len(sets) > 1:
        args.cross_fit.mkdir(parents=True, exist_ok=True)
        report["cross_fitted"] = {}
        for name, held_out in sets.items():
            rest = [row for other, rows in sets.items() if other != name for row in rows]
            model = fit(rest, embed)
            model.save(args.cross_fit / f"without_{name}.npz")
            fit_blockers(rest, embed).save(args.cross_fit / f"blockers_without_{name}.npz")
            report["cross_fitted"][name] = score(model, held_out)
    fit([row for rows in sets.values() for row in rows], embed).save(args.out)
    fit_blockers([row for rows in sets.values() for row in rows], embed).save(args.blocker_out)
    report["blocker_corpus"] = len(_load(BLOCKER_CORPUS))
    report["saved"] = [str(args.out), str(args.blocker_out)]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
