"""Knowledge-base Q&A quality through the same path as Slack (LLM off).

    python -m benchmarks.qa --corpus DIR --questions FILE [--model-dir DIR]

The corpus is ingested into a fresh project by the real ingest service (SQLite and
Chroma in a temporary folder); every question is then asked through the dispatcher
exactly as `livepmo ask --json` does. Printed:

* gold source in the top 3 citations — answerable questions whose `file` is among
  the first three cited sources (quoted passages); also among the first three sources
  listed, which adds the "see also" documents shown under an answer;
* evidence in the answer — answerable questions whose evidence sentence appears in
  the answer text (compared after lower-casing and dropping markup and punctuation);
  also with a fuzzy rule: at least 90% of the evidence's words in order-free overlap
  with one quoted line;
* abstention — precision, recall and F1 of `found: false` for unanswerable questions.

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def contains(answer: str, evidence: str) -> bool:
    """The evidence's words appear, in order and contiguous, in the answer."""
    return f" {' '.join(words(evidence))} " in f" {' '.join(words(answer))} "


def mostly_contains(answer: str, evidence: str, share: float = 0.9) -> bool:
    """At least `share` of the evidence's words are in one quoted line of the answer."""
    wanted = words(evidence)
    if not wanted:
        return False
    for line in answer.splitlines():
        have = set(words(line))
        if sum(1 for w in wanted if w in have) >= share * len(wanted):
            return True
    return False


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def run(corpus: Path, questions_file: Path, model_dir: str | None) -> dict[str, Any]:
    from bot.core.db import migrate, session_scope
    from bot.core.projects import create_project
    from bot.core.settings import load_settings
    from skills.kb import service
    from skills.kb.cli import ask_as_operator

    questions = [json.loads(line) for line in questions_file.read_text().splitlines() if line]
    with tempfile.TemporaryDirectory() as folder:
        overrides: dict[str, Any] = {
            "database_url": f"sqlite:///{folder}/qa.db",
            "chroma_path": Path(folder) / "chroma",
        }
        if model_dir:
            overrides["livepmo_embedding_model_dir"] = model_dir
        settings = load_settings(**overrides)
        migrate(settings.database_url)
        with session_scope(settings.database_url) as session:
            project = create_project(session, key="bench", name="Benchmark", actor="bench")
        started = time.perf_counter()
        outcomes = service.ingest_paths(settings, project, [corpus])
        ingest_seconds = time.perf_counter() - started
        failed = [o for o in outcomes if o.status == service.FAILED]
        for outcome in failed:
            print(f"ingest failed: {outcome.detail}", file=sys.stderr)
        rows = []
        started = time.perf_counter()
        for item in questions:
            result = ask_as_operator(settings, item["question"], project="bench")
            cited = [Path(s["path"] or "").name for s in result["sources"] if s["cited"]]
            listed = [Path(s["path"] or "").name for s in result["sources"]]
            rows.append((item, result, cited, listed))
        ask_seconds = time.perf_counter() - started

    listed_top3 = sum(1 for q, _, _, listed in rows if q.get("file") and q["file"] in listed[:3])
    rows3 = [(q, r, c) for q, r, c, _ in rows]
    answerable = [(q, r, c) for q, r, c in rows3 if q.get("file")]
    unanswerable = [(q, r, c) for q, r, c in rows3 if not q.get("file")]
    gold_top3 = sum(1 for q, r, c in answerable if q["file"] in c[:3])
    evidence = sum(
        1 for q, r, c in answerable if r["found"] and contains(r["answer"], q["evidence"])
    )
    fuzzy = sum(
        1 for q, r, c in answerable if r["found"] and mostly_contains(r["answer"], q["evidence"])
    )
    abstained = [r for _, r, _ in rows3 if not r["found"]]
    right = sum(1 for _, r, _ in unanswerable if not r["found"])
    precision = right / len(abstained) if abstained else 0.0
    recall = right / len(unanswerable) if unanswerable else 0.0
    for q, r, c in answerable:
        if not (r["found"] and mostly_contains(r["answer"], q["evidence"])):
            state = "abstained" if not r["found"] else "no evidence"
            print(f"[{state}] {q['question']} (gold {q['file']}; cited {c[:3]})", file=sys.stderr)
    for q, r, _ in unanswerable:
        if r["found"]:
            print(f"[answered unanswerable] {q['question']}", file=sys.stderr)
    n = len(answerable) or 1
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "documents": len(outcomes) - len(failed),
        "gold_in_top3": round(gold_top3 / n, 4),
        "gold_in_top3_listed": round(listed_top3 / n, 4),
        "evidence_in_answer": round(evidence / n, 4),
        "evidence_in_answer_fuzzy": round(fuzzy / n, 4),
        "abstention_precision": round(precision, 4),
        "abstention_recall": round(recall, 4),
        "abstention_f1": round(f1(precision, recall), 4),
        "ingest_seconds": round(ingest_seconds, 2),
        "seconds_per_question": round(ask_seconds / max(len(rows), 1), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="Folder of documents.")
    parser.add_argument("--questions", type=Path, required=True, help="questions.jsonl")
    parser.add_argument("--model-dir", help="all-MiniLM-L6-v2 ONNX folder (else the setting).")
    args = parser.parse_args(argv)
    figures = run(args.corpus, args.questions, args.model_dir)
    print(
        f"gold source in top-3 citations: {figures['gold_in_top3']:.1%} "
        f"(top 3 listed, with see-also: {figures['gold_in_top3_listed']:.1%})"
    )
    print(
        f"evidence in answer: {figures['evidence_in_answer']:.1%} "
        f"(fuzzy {figures['evidence_in_answer_fuzzy']:.1%})"
    )
    print(
        f"abstention: precision {figures['abstention_precision']:.2f}, recall "
        f"{figures['abstention_recall']:.2f}, F1 {figures['abstention_f1']:.2f}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
