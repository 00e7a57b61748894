"""BEIR-format data loading and the standard ranking metrics (nDCG@k, recall@k)."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

Qrels = dict[str, dict[str, int]]


@dataclass(frozen=True)
class BeirDataset:
    """Corpus (id -> (title, text)), queries (id -> text) and graded judgements."""

    corpus: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: Qrels


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def load_beir(folder: str | Path, split: str) -> BeirDataset:
    """Load ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/<split>.tsv`` (with header).

    Only queries that have at least one judgement in the split are kept.
    """
    folder = Path(folder)
    corpus = {
        str(row["_id"]): (row.get("title") or "", row.get("text") or "")
        for row in _read_jsonl(folder / "corpus.jsonl")
    }
    qrels: Qrels = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader, None)  # header
        for row in reader:
            if len(row) >= 3:
                qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    queries = {
        str(row["_id"]): row["text"]
        for row in _read_jsonl(folder / "queries.jsonl")
        if str(row["_id"]) in qrels
    }
    return BeirDataset(corpus, queries, {q: qrels[q] for q in queries})


def ndcg_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (rel / log2(rank + 1)), as in BEIR's pytrec_eval."""
    dcg = sum(judged.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int = 100) -> float:
    """Share of relevant documents found in the top k."""
    relevant = {doc for doc, grade in judged.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def evaluate(runs: Mapping[str, Sequence[str]], qrels: Qrels) -> dict[str, float]:
    """Mean nDCG@10 and recall@100 over the queries in ``runs``."""
    ids = [q for q in runs if q in qrels]
    if not ids:
        return {"ndcg@10": 0.0, "recall@100": 0.0, "queries": 0}
    return {
        "ndcg@10": sum(ndcg_at_k(runs[q], qrels[q], 10) for q in ids) / len(ids),
        "recall@100": sum(recall_at_k(runs[q], qrels[q], 100) for q in ids) / len(ids),
        "queries": len(ids),
    }
