"""Tune and check the offline answer composer (knowledge/answering.py) on kb_dev.

    python -m benchmarks.answer_dev --corpus /work/shared/eval/kb_dev/corpus \
        --questions /work/shared/eval/kb_dev/questions.jsonl \
        [--precision int8,fp32] [--tune] [--verbose]

Indexes the corpus the way the product does (load_document -> chunk_document ->
ChunkRecord -> HybridRetriever over an embedded Chroma and a BM25 folder in a
temporary directory, scope "KB"), searches every question (k=8) and composes an
answer with ``extract_answer``: hybrid (``load_embedder`` from
LIVEPMO_EMBEDDING_MODEL_DIR, once per ``--precision``) and lexical-only (no embedder).
Figures, over the questions:

* gold@3 — answerable questions whose gold document is among the first three
  distinct documents of ``Extract.sources`` (the cited sources first, then the
  closest further documents); ``gold_cited`` counts cited sources only;
* evidence — answerable questions answered (found) with a quote containing the
  evidence: after lower-casing, NFKC and keeping only word characters, at least
  90% of the evidence's tokens (as a multiset) occur in one quote (consecutive
  sentences of one passage form one quote). ``evidence_exact`` is the stricter
  figure: the normalised evidence is a substring of one normalised quote;
* abstention precision/recall/F1 — of ``found == False`` against the
  unanswerable questions (``file`` null).

``--tune`` grid-searches the composer's weights on all questions (objective averaged
over the hybrid precisions given), then checks for overfitting: tune from a neutral
start on one random stratified half, score the other half (``--splits`` times, both
ways). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import logging
import os
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.answering import (
    AnswerConfig,
    Candidate,
    Extract,
    compose,
    default_config,
    extract_answer,
    rank,
    sentence_features,
)
from knowledge.chunking import chunk_document, chunk_id
from knowledge.embedding import Embedder, load_embedder
from knowledge.loaders import load_document
from knowledge.records import ChunkRecord, Hit
from knowledge.retrieval import HybridRetriever
from knowledge.vector_store import VectorStore

SCOPE = "KB"
SUFFIXES = {".md", ".rst", ".txt", ".html", ".pdf", ".docx"}
MODES = ("hybrid", "lexical")


class CachedEmbedder:
    """Memoises another embedder per text (tuning re-embeds the same sentences)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.inner.embed(missing), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384))


def build_records(corpus: Path) -> list[ChunkRecord]:
    """Chunk every document as ingestion does; the document id is the file name."""
    records = []
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() not in SUFFIXES:
            continue
        doc_id = path.name
        for chunk in chunk_document(load_document(path)):
            metadata = {"document_id": doc_id, **chunk.metadata()}
            records.append(ChunkRecord(chunk_id(doc_id, chunk.order), chunk.index_text(), metadata))
    return records


def search_all(
    records: list[ChunkRecord],
    questions: list[dict],
    embedder: Embedder | None,
    folder: Path,
    k: int,
) -> list[list[Hit]]:
    store = None
    if embedder is not None:
        store = VectorStore(path=folder / "chroma", model_id=embedder.model_id)
    retriever = HybridRetriever(embedder=embedder, vector_store=store, lexical_dir=folder / "lex")
    retriever.index(SCOPE, records)
    return [retriever.search(q["question"], scopes=[SCOPE], k=k) for q in questions]


# -- scoring -------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Lower-cased NFKC word tokens (markup and punctuation dropped)."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    return re.findall(r"\w+", text)


def contains(evidence: str, quote: str, *, share: float = 0.9) -> bool:
    """At least ``share`` of the evidence's tokens (multiset) occur in ``quote``."""
    wanted = Counter(tokens(evidence))
    have = Counter(tokens(quote))
    hit = sum(min(n, have[t]) for t, n in wanted.items())
    return hit >= share * sum(wanted.values())


def contains_exactly(evidence: str, quote: str) -> bool:
    return f" {' '.join(tokens(evidence))} " in f" {' '.join(tokens(quote))} "


def document_of(hit: Hit) -> str:
    return str(hit.metadata.get("document_id", hit.chunk_id.rsplit(":", 1)[0]))


def score(questions: Sequence[dict], extracts: Sequence[Extract]) -> dict[str, float]:
    answerable = gold3 = gold_cited = evidence = exact = tp = fp = fn = 0
    for q, x in zip(questions, extracts, strict=True):
        if q["file"] is None:
            tp += not x.found
            fn += x.found
            continue
        answerable += 1
        fp += not x.found
        documents = list(dict.fromkeys(document_of(h) for h in x.sources))
        gold3 += q["file"] in documents[:3]
        gold_cited += q["file"] in {document_of(h) for h in x.sources[: x.cited]}
        quotes = [quote.text for quote in x.quotes] if x.found else []
        evidence += any(contains(q["evidence"], t) for t in quotes)
        exact += any(contains_exactly(q["evidence"], t) for t in quotes)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n = answerable or 1
    return {
        "gold_at_3": round(gold3 / n, 3),
        "gold_cited": round(gold_cited / n, 3),
        "evidence": round(evidence / n, 3),
        "evidence_exact": round(exact / n, 3),
        "abstain_precision": round(precision, 3),
        "abstain_recall": round(recall, 3),
        "abstain_f1": round(f1, 3),
        "questions": len(questions),
    }


def run(
    questions: Sequence[dict],
    hits: Sequence[list[Hit]],
    embedder: Embedder | None,
    config: AnswerConfig | None = None,
) -> list[Extract]:
    return [
        extract_answer(q["question"], h, embedder=embedder, config=config)
        for q, h in zip(questions, hits, strict=True)
    ]


def objective(figures: dict[str, float]) -> float:
    """What tuning maximises: evidence and abstention F1 equally (gold@3 barely moves)."""
    return figures["evidence"] + figures["abstain_f1"] + 0.5 * figures["gold_at_3"]


# -- tuning --------------------------------------------------------------------

# A deliberately coarse grid over the few weights that matter: finer grids fitted
# one half of the questions better and the other half worse (see --tune's check).
SCORING_GRID = {  # parameters of ``sentence_features`` / ``rank``
    "passages": [5, 6, 8],
    "lexical_weight": [0.5, 1.0],
    "type_weight": [0.0, 0.1],
    "specific_weight": [0.0, 0.05],
}
SELECTION_GRID = {
    "extra_sentence_ratio": [0.7, 0.8, 0.9],
    "follow_ratio": [0.0, 2.0],
}
CONFIDENCE_GRID = {
    "hybrid": {
        "bias": [-6.0, -5.0, -4.0],
        "conf_dense": [2.0, 3.0, 5.0],
        "conf_specific": [2.0, 3.0, 4.0],
    },
    "lexical": {
        "bias": [-6.0, -5.0, -4.0],
        "conf_lexical": [1.0, 2.0, 4.0],
        "conf_specific": [2.0, 3.0, 4.0],
    },
}


def configs(base: AnswerConfig, grid: dict[str, list[float]]) -> Iterable[AnswerConfig]:
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        yield dataclasses.replace(base, **dict(zip(keys, values, strict=True)))


@dataclass
class Run:
    """One retrieval set-up: a name, the embedder (None: lexical-only) and every hit list."""

    name: str
    embedder: Embedder | None
    hits: list[list[Hit]]

    def subset(self, indexes: Sequence[int]) -> Run:
        return Run(self.name, self.embedder, [self.hits[i] for i in indexes])


def mean_figures(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {k: round(float(np.mean([r[k] for r in rows])), 3) for k in rows[0]}


def neutral_start(mode: str) -> AnswerConfig:
    """The shipped configuration with every tuned parameter at its first grid value:
    a starting point that owes nothing to the tuning done on all questions."""
    grids = {**SCORING_GRID, **SELECTION_GRID, **CONFIDENCE_GRID[mode]}
    return dataclasses.replace(
        default_config(dense=mode == "hybrid"), **{k: v[0] for k, v in grids.items()}
    )


def tune(
    questions: Sequence[dict],
    runs: Sequence[Run],
    mode: str,
    *,
    start: AnswerConfig | None = None,
    rounds: int = 2,
) -> tuple[AnswerConfig, dict[str, float]]:
    """Coordinate search over sentence scoring, quote selection and confidence,
    maximising the objective averaged over ``runs`` (e.g. both embedder precisions),
    from ``start`` (default: the shipped configuration)."""
    features: dict[tuple[int, int], list[list[Candidate]]] = {}

    def ranked_for(config: AnswerConfig) -> list[list[list[Candidate]]]:
        out = []
        for r, run_ in enumerate(runs):
            key = (r, config.passages)  # features depend only on the passages used
            if key not in features:
                features[key] = [
                    sentence_features(
                        q["question"], h, embedder=run_.embedder, passages=config.passages
                    )
                    for q, h in zip(questions, run_.hits, strict=True)
                ]
            out.append([rank(f, config) for f in features[key]])
        return out

    def evaluate(config: AnswerConfig, ranked: list[list[list[Candidate]]]) -> dict[str, float]:
        rows = []
        for run_, run_ranked in zip(runs, ranked, strict=True):
            extracts = [compose(r, h, config) for r, h in zip(run_ranked, run_.hits, strict=True)]
            rows.append(score(questions, extracts))
        return mean_figures(rows)

    best = start or default_config(dense=mode == "hybrid")
    ranked = ranked_for(best)
    best_figures = evaluate(best, ranked)
    for _ in range(rounds):
        for config in configs(best, SCORING_GRID):
            config_ranked = ranked_for(config)
            figures = evaluate(config, config_ranked)
            if objective(figures) > objective(best_figures) + 1e-9:
                best, best_figures, ranked = config, figures, config_ranked
        for grid in (SELECTION_GRID, CONFIDENCE_GRID[mode]):
            for config in configs(best, grid):
                figures = evaluate(config, ranked)
                if objective(figures) > objective(best_figures) + 1e-9:
                    best, best_figures = config, figures
    return best, best_figures


def half_split_check(
    questions: Sequence[dict], runs: Sequence[Run], mode: str, splits: int, seed: int
) -> dict[str, float]:
    """Tune on a random half, score the other half (both ways); mean figures.

    Tuning starts from ``neutral_start``, not from the configuration tuned on all
    questions. Also reported: the shipped defaults on the same halves, and the
    figures the tuned configuration reached on the half it was tuned on.
    """
    rng = random.Random(seed)
    answerable = [i for i, q in enumerate(questions) if q["file"] is not None]
    unanswerable = [i for i, q in enumerate(questions) if q["file"] is None]
    fitted: list[dict[str, float]] = []
    held: list[dict[str, float]] = []
    default: list[dict[str, float]] = []
    for _ in range(splits):
        a, b = [], []
        for group in (answerable, unanswerable):  # stratified halves
            shuffled = group[:]
            rng.shuffle(shuffled)
            a += shuffled[: len(shuffled) // 2]
            b += shuffled[len(shuffled) // 2 :]
        for tune_on, check_on in ((a, b), (b, a)):
            tq = [questions[i] for i in tune_on]
            cq = [questions[i] for i in check_on]
            subsets = [r.subset(tune_on) for r in runs]
            config, figures = tune(tq, subsets, mode, start=neutral_start(mode))
            fitted.append(figures)
            for run_ in runs:
                ch = run_.subset(check_on).hits
                held.append(score(cq, run(cq, ch, run_.embedder, config)))
                default.append(score(cq, run(cq, ch, run_.embedder)))
    keys = ("gold_at_3", "evidence", "abstain_f1")
    fitted, held, default = mean_figures(fitted), mean_figures(held), mean_figures(default)
    return {
        **{f"tuned_half_{k}": fitted[k] for k in keys},
        **{f"other_half_{k}": held[k] for k in keys},
        **{f"defaults_{k}": default[k] for k in keys},
    }


# -- main ----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/eval/kb_dev/corpus"))
    parser.add_argument(
        "--questions", type=Path, default=Path("/work/shared/eval/kb_dev/questions.jsonl")
    )
    parser.add_argument("--model-dir", default=os.environ.get("LIVEPMO_EMBEDDING_MODEL_DIR"))
    parser.add_argument(
        "--precision",
        default=None,
        help="embedder precision(s), comma-separated, e.g. int8,fp32 (default: the product's)",
    )
    parser.add_argument("-k", type=int, default=8, help="hits per question")
    parser.add_argument("--tune", action="store_true", help="grid-search the composer's weights")
    parser.add_argument("--splits", type=int, default=5, help="random half splits with --tune")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="print every answer")
    return parser.parse_args(argv)


def show(questions: Sequence[dict], extracts: Sequence[Extract]) -> None:
    for q, x in zip(questions, extracts, strict=True):
        ok = "none" if q["file"] is None else ("ok" if x.found else "MISS")
        if q["file"] is None and x.found:
            ok = "FALSE ANSWER"
        if q["file"] and x.found and not any(contains(q["evidence"], t.text) for t in x.quotes):
            ok = "no evidence"
        print(f"[{ok}] {q['question']}  (confidence {x.confidence:.2f})")
        for quote in x.quotes:
            print(f"    [{quote.source}] {quote.text[:160]}")


def build_runs(
    args: argparse.Namespace, records: list[ChunkRecord], questions: list[dict], folder: Path
) -> dict[str, list[Run]]:
    """Hybrid runs (one per precision) and the lexical-only run, searched."""
    runs: dict[str, list[Run]] = {"hybrid": [], "lexical": []}
    for precision in args.precision.split(",") if args.precision else [None]:
        options = {"precision": precision} if precision else {}
        loaded = load_embedder(model_dir=args.model_dir, **options)
        if loaded.embedder is None:
            print(f"no embedder ({loaded.reason}): no hybrid figures")
            continue
        embedder = CachedEmbedder(loaded.embedder)
        name = f"hybrid-{precision}" if precision else "hybrid"
        hits = search_all(records, questions, embedder, folder / name, args.k)
        runs["hybrid"].append(Run(name, embedder, hits))
    hits = search_all(records, questions, None, folder / "lexical", args.k)
    runs["lexical"].append(Run("lexical", None, hits))
    return runs


def main(argv: list[str] | None = None) -> dict[str, object]:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line]
    records = build_records(args.corpus)
    result: dict[str, object] = {"chunks": len(records), "k": args.k}
    with tempfile.TemporaryDirectory() as tmp:
        runs = build_runs(args, records, questions, Path(tmp))
    for mode, mode_runs in runs.items():
        for run_ in mode_runs:
            t0 = time.perf_counter()
            extracts = run(questions, run_.hits, run_.embedder)
            per_question_ms = 1000 * (time.perf_counter() - t0) / len(questions)
            figures = score(questions, extracts)
            figures["compose_ms_per_question"] = round(per_question_ms, 1)
            if args.verbose:
                show(questions, extracts)
            print(f"{run_.name:12s} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
            result[run_.name] = figures
        if args.tune and mode_runs:
            best, best_figures = tune(questions, mode_runs, mode)
            shipped = default_config(dense=mode == "hybrid")
            changed = {
                f.name: getattr(best, f.name)
                for f in dataclasses.fields(best)
                if getattr(best, f.name) != getattr(shipped, f.name)
            }
            print(f"  {mode} tuned on all: {best_figures}  changes: {changed}")
            check = half_split_check(questions, mode_runs, mode, args.splits, args.seed)
            print(f"  {mode} half-split: {check}")
            result[f"{mode}_tuned_all"] = best_figures
            result[f"{mode}_tuned_changes"] = changed
            result[f"{mode}_half_split"] = check
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
