"""Fit the answer model (knowledge/answer_model.py) and check that it transfers.

    python -m benchmarks.answer_fit --sets ../shared/eval/kb_dev ../shared/eval/kb_dev2 \
        [--model-dir DIR] [--write] [--write-dir DIR] [--cache FILE]

Each set (``corpus/`` and ``questions.jsonl``) is ingested by the real service into a
temporary database and index; every question is searched and its candidate sentences
collected as the bot does (``skills.kb.answers.retrieve`` -> ``knowledge.evidence``),
with the embedding model (``hybrid``) and without (``lexical``). A candidate is the
answer when it is part of the question's evidence (or holds 90% of it).

For each set in turn the model is fitted on the others and scored on it — the
selection weights, the question–sentence classifier, the confidence model, and the
thresholds. The confidence is fitted on candidates ranked by selection and classifier
fits that did not see the question (5 folds), as a new question's will be, and the
thresholds are chosen on the fitting sets: ``extra_share`` for the most evidence
quoted; ``answer_at`` the highest confidence that sends none of the questions whose
evidence is quoted (out of fold) to the middle band — it depends on the answerable
questions only, not on how many unanswerable ones a set holds (``--answer-precision
P``: the old rule, the lowest cut at which a share P of the questions answered are
answerable); below it, down to ``unsure_at``, the closest passage is shown with a
caveat, and ``unsure_at`` gives the best sum of evidence quoted and abstention F1,
the middle band counted as abstaining. Then the
model is fitted on all sets pooled: ``--write`` stores it as the shipped model,
``--write-dir`` also stores each held-out fit (for ``benchmarks.qa --answer-model``).
The figures here use the same definitions as ``benchmarks.qa``, computed on the
composer's output directly; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import pickle
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import select

from benchmarks.qa import bench_project, contains, f1, words
from knowledge.answer_model import (
    MODEL_FILE,
    PAIR_NEGATIVES,
    AnswerModel,
    confidence_features,
    fit_confidence,
    fit_pair,
    fit_selection,
    pair_inputs,
    save_models,
)
from knowledge.answering import compose, on_topic
from knowledge.evidence import Candidates, collect
from knowledge.markup import plain
from knowledge.passages import Passage

MODES = ("hybrid", "lexical")
EXTRA_SHARES = (0.05, 0.15, 0.25, 0.35, 0.5, 0.7, 1.01)
FOLDS = 5


@dataclasses.dataclass
class Item:
    """One question of one set, with its passages and candidates per mode."""

    name: str
    question: dict[str, Any]
    passages: dict[str, list[Passage]]
    found: dict[str, Candidates]
    files: dict[str, str]
    """File name per document id."""


def is_evidence(sentence: str, evidence: str | None) -> bool:
    """The sentence is part of the evidence, or holds 90% of its words."""
    if not evidence:
        return False
    have, wanted = words(sentence), words(evidence)
    if len(have) >= 4 and f" {' '.join(have)} " in f" {' '.join(wanted)} ":
        return True
    counts = Counter(have)
    return sum(min(n, counts[w]) for w, n in Counter(wanted).items()) >= 0.9 * len(wanted)


def collect_set(folder: Path, model_dir: str | None) -> list[Item]:
    """Ingest one set and collect every question's candidates in both modes."""
    from bot.core.db import session_scope
    from knowledge.retrieval import HybridRetriever
    from skills.kb import answers, service
    from skills.kb.index import retriever
    from skills.kb.models import KbDocument

    questions = [
        json.loads(line) for line in (folder / "questions.jsonl").read_text().splitlines() if line
    ]
    items = []
    with bench_project(folder / "corpus", model_dir) as (settings, project, seconds):
        print(f"{folder.name}: ingested in {seconds:.0f} s", file=sys.stderr)
        hybrid = retriever(settings)
        lexical = HybridRetriever(lexical_dir=settings.chroma_path / "lexical")
        scope = [service.scope_of(project)]
        with session_scope(settings.database_url) as session:
            files = {str(d.id): Path(d.source).name for d in session.exec(select(KbDocument))}
            for q in questions:
                item = Item(folder.name, q, {}, {}, files)
                for mode, kb in (("hybrid", hybrid), ("lexical", lexical)):
                    passages = answers.retrieve(session, kb, q["question"], scope)
                    item.passages[mode] = passages
                    item.found[mode] = collect(q["question"], passages, embedder=kb.embedder)
                items.append(item)
    return items


def evaluate(items: list[Item], mode: str, model: AnswerModel) -> dict[str, float]:
    """The benchmark's figures for ``model`` on ``items`` (composer output directly)."""
    rows = []
    for item in items:
        found = item.found[mode]
        ranked = model.rank(found)
        sure = model.sure(ranked, found) if on_topic(found, dense=mode == "hybrid") else 0.0
        extract = compose(ranked, sure, item.passages[mode], model)
        documents = list(dict.fromkeys(item.files[p.document] for p in extract.sources))
        cited = list(
            dict.fromkeys(item.files[p.document] for p in extract.sources[: extract.cited])
        )
        rows.append((item.question, extract, documents, cited))
    answerable = [r for r in rows if r[0]["file"]]
    unanswerable = [r for r in rows if not r[0]["file"]]
    n = len(answerable) or 1
    figures: dict[str, float] = {}
    figures["gold_in_top3_listed"] = sum(q["file"] in d[:3] for q, _, d, _ in answerable) / n
    figures["gold_in_top3_cited"] = sum(q["file"] in c[:3] for q, _, _, c in answerable) / n
    figures["evidence_in_answer"] = (
        sum(
            x.verdict == "answer" and contains("\n".join(t.text for t in x.quotes), q["evidence"])
            for q, x, _, _ in answerable
        )
        / n
    )
    figures["evidence_quoted_with_unsure"] = (
        sum(
            x.verdict != "not_found"
            and contains("\n".join(t.text for t in x.quotes), q["evidence"])
            for q, x, _, _ in answerable
        )
        / n
    )
    for reading, counted in (("strict", {"not_found"}), ("unsure", {"not_found", "unsure"})):
        abstained = sum(x.verdict in counted for _, x, _, _ in rows)
        right = sum(x.verdict in counted for _, x, _, _ in unanswerable)
        precision = right / abstained if abstained else 0.0
        recall = right / len(unanswerable) if unanswerable else 0.0
        figures[f"abstention_f1_{reading}"] = f1(precision, recall)
        figures[f"abstention_precision_{reading}"] = precision
        figures[f"abstention_recall_{reading}"] = recall
    return {k: round(v, 3) for k, v in figures.items()}


def labels(item: Item, mode: str) -> np.ndarray:
    """Which of the item's candidates are its evidence."""
    evidence = item.question["evidence"]
    return np.array([is_evidence(plain(c.text), evidence) for c in item.found[mode].items])


def groups(items: list[Item], mode: str) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(item.found[mode].matrix(), labels(item, mode)) for item in items]


def fit_classifier(items: list[Item], mode: str, selection: dict[str, float]) -> list[float]:
    """The question–sentence classifier: evidence sentences against the best-ranked others
    (none without the embedding model)."""
    if mode != "hybrid":
        return []
    ranker = AnswerModel(selection, {})
    inputs, answers = [], []
    for item in items:
        found, truth = item.found[mode], labels(item, mode)
        if not truth.any() or found.question_vector is None:
            continue
        ranked = {id(c): k for k, c in enumerate(found.items)}
        order = [ranked[id(c)] for c in ranker.rank(found)]
        chosen = [k for k in order if truth[k]] + [k for k in order if not truth[k]][
            :PAIR_NEGATIVES
        ]
        vectors = np.stack([found.items[k].vector for k in chosen])
        inputs.append(pair_inputs(found.question_vector, vectors))
        answers.append(truth[chosen])
    if not inputs:  # no sentence vectors (e.g. a cache collected before they were kept)
        return []
    return fit_pair(np.vstack(inputs), np.concatenate(answers))


def out_of_fold(items: list[Item], mode: str, folds: int = FOLDS) -> list[AnswerModel]:
    """Per item, the selection and classifier fitted without its fold: its candidates then
    look as they will on questions never seen, for the confidence fit and its cut."""
    order = np.random.default_rng(0).permutation(len(items))
    out: list[AnswerModel | None] = [None] * len(items)
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        rest = [item for k, item in enumerate(items) if k not in held]
        selection = fit_selection(groups(rest, mode))
        model = AnswerModel(selection, {}, pair=fit_classifier(rest, mode, selection))
        for k in held:
            out[k] = model
    return out  # type: ignore[return-value]


def fit(items: list[Item], mode: str, answer_precision: float | None = None) -> AnswerModel:
    """Selection, classifier, confidence and thresholds, all on ``items``.

    The confidence is fitted on candidates ranked out of fold (``out_of_fold``), and
    ``answer_at`` is the highest cut that sends none of the fitting questions whose
    evidence is quoted to the middle band, read out of fold (or, with
    ``answer_precision``, the lowest cut at which that share of the questions
    answered is answerable).
    """
    selection = fit_selection(groups(items, mode))
    model = AnswerModel(selection, {}, pair=fit_classifier(items, mode, selection))
    folded = out_of_fold(items, mode)
    rows, answerable = [], []
    for item, fold_model in zip(items, folded, strict=True):
        ranked = fold_model.rank(item.found[mode])
        if ranked:
            rows.append(confidence_features(ranked, item.found[mode], fold_model.pair))
            answerable.append(bool(item.question["file"]))
    weights, mean, scale = fit_confidence(rows, answerable)
    model = dataclasses.replace(model, confidence=weights, mean=mean, scale=scale)
    model = dataclasses.replace(model, answer_at=0.0, unsure_at=0.0)
    best_share = max(
        EXTRA_SHARES,
        key=lambda s: evaluate(items, mode, dataclasses.replace(model, extra_share=s))[
            "evidence_in_answer"
        ],
    )
    model = dataclasses.replace(model, extra_share=best_share)

    def sure_of(item: Item, scorer: AnswerModel) -> float:
        found = item.found[mode]
        ranked = scorer.rank(found)
        return scorer.sure(ranked, found) if on_topic(found, dense=mode == "hybrid") else 0.0

    sure = np.array([sure_of(i, model) for i in items])
    cuts = [float(c) for c in np.unique(np.round(sure, 3))]
    if answer_precision is not None:
        truth = np.array([bool(i.question["file"]) for i in items])
        answer_at = next(
            (c for c in cuts if truth[sure >= c].mean() >= answer_precision), max(cuts) + 0.001
        )
    else:
        quoted = []
        for item, fold_model in zip(items, folded, strict=True):
            scorer = dataclasses.replace(
                model, selection=fold_model.selection, pair=fold_model.pair
            )
            if evaluate([item], mode, scorer)["evidence_in_answer"]:
                quoted.append(sure_of(item, scorer))
        answer_at = float(np.floor(1000 * min(quoted, default=0.5)) / 1000)

    def worth(cut: float) -> float:
        figures = evaluate(
            items, mode, dataclasses.replace(model, unsure_at=cut, answer_at=answer_at)
        )
        return figures["evidence_quoted_with_unsure"] + figures["abstention_f1_unsure"]

    unsure_at = max(  # above 0: what the off-topic guard refuses stays "not found"
        (c for c in cuts if 0 < c <= answer_at),
        key=lambda c: (round(worth(c), 6), -c),
        default=0.001,
    )
    return dataclasses.replace(model, unsure_at=round(unsure_at, 3), answer_at=round(answer_at, 3))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=Path, nargs="+", required=True)
    parser.add_argument("--model-dir", default=os.environ.get("LIVEPMO_EMBEDDING_MODEL_DIR"))
    parser.add_argument(
        "--answer-precision",
        type=float,
        help="choose answer_at for this share of answered questions answerable (the old rule)",
    )
    parser.add_argument(
        "--write", action="store_true", help=f"write the pooled fit to {MODEL_FILE}"
    )
    parser.add_argument("--write-dir", type=Path, help="also write each held-out fit here")
    parser.add_argument("--cache", type=Path, help="keep the collected candidates in this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    if args.cache and args.cache.exists():
        items = pickle.loads(args.cache.read_bytes())
    else:
        items = {folder.name: collect_set(folder, args.model_dir) for folder in args.sets}
        if args.cache:
            args.cache.write_bytes(pickle.dumps(items))
    result: dict[str, Any] = {}
    for held_out in items:
        train = [i for name, batch in items.items() if name != held_out for i in batch]
        models = {mode: fit(train, mode, args.answer_precision) for mode in MODES}
        for mode in MODES:
            figures = evaluate(items[held_out], mode, models[mode])
            tuned = evaluate(train, mode, models[mode])
            result[f"{mode}: fitted without {held_out}, scored on it"] = figures
            result[f"{mode}: fitted without {held_out}, scored on its fitting sets"] = tuned
            print(f"{mode:8s} on {held_out} (not fitted on it): {figures}")
        if args.write_dir:
            args.write_dir.mkdir(parents=True, exist_ok=True)
            save_models(
                models,
                args.write_dir / f"without-{held_out}.json",
                fitted_on=sorted(set(items) - {held_out}),
            )
    pooled = [i for batch in items.values() for i in batch]
    models = {mode: fit(pooled, mode, args.answer_precision) for mode in MODES}
    for mode in MODES:
        print(f"{mode:8s} pooled fit: {dataclasses.asdict(models[mode])}")
    if args.write:
        save_models(models, MODEL_FILE, fitted_on=sorted(items))
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
