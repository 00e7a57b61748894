"""Knowledge-base Q&A quality through the same path as Slack (LLM off).

    python -m benchmarks.qa --corpus DIR --questions FILE [--model-dir DIR]
        [--answer-model FILE] [--padding-beir DIR --padding-chunks 10000]

The corpus is ingested into a fresh project by the real ingest service (SQLite and
Chroma in a temporary folder); every question is then asked through the dispatcher
exactly as `livepmo ask --json` does. `--answer-model` answers with a model fitted
elsewhere (`benchmarks.answer_fit --write-dir`), e.g. on the other data set, so the
figures are on questions the model never saw. Printed:

* gold document in the top 3 — answerable questions whose `file` is among the first
  three sources of the reply: cited ones (quoted) first, then the closest or "see
  also" documents (`listed`); `cited` counts quoted sources only;
* evidence in the answer — answerable questions whose evidence appears, contiguous,
  in the reply's quotes, after stripping Markdown and Slack link and emphasis syntax
  and punctuation on both sides; `fuzzy`: 90% of its words in one quoted line;
* abstention — precision, recall and F1 of "not found" for unanswerable questions,
  read two ways: `strict` takes only "I couldn't find that" as abstaining; `unsure`
  also counts the middle band ("not sure — the closest passage is"). Evidence counts
  the confident answers only, and again with the middle band's quotes.

With `--padding-beir`, abstracts of that BEIR corpus (e.g. SciFact) are ingested too,
as text files of 50 abstracts each, until about `--padding-chunks` chunks are
indexed; then the warm ask latency (one warm-up ask, then each question, new to the
process, timed: p50/p95) is measured at that index size (`--latency`: at the corpus's
own size).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.llm import ModelMeter, add_option, settings_overrides

_WORD = re.compile(r"[a-z0-9]+")
_SLACK_LINK = re.compile(r"<[^|>\s]+\|([^>]*)>")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without Markdown or Slack link and emphasis syntax."""
    from knowledge.markup import plain

    text = _SLACK_LINK.sub(r"\1", text.replace("\u2019", "'"))
    return _WORD.findall(plain(text).lower())


def contains(answer: str, evidence: str) -> bool:
    """The evidence's words appear, in order and contiguous, in the answer."""
    wanted = words(evidence)
    return bool(wanted) and f" {' '.join(wanted)} " in f" {' '.join(words(answer))} "


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


def quotes_of(answer: str) -> str:
    """The quoted lines of a reply (citation markers dropped)."""
    lines = [line[1:].strip() for line in answer.splitlines() if line.startswith(">")]
    return "\n".join(re.sub(r"\s*\[\d+\]$", "", line) for line in lines)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def verdict(result: dict[str, Any]) -> str:
    """``answer``, ``unsure`` (closest passage quoted, with a caveat) or ``not_found``."""
    if result["found"]:
        return "answer"
    return "unsure" if any(s["cited"] for s in result["sources"]) else "not_found"


def score(rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, float]:
    """The figures over ``(question, ask --json result)`` pairs (see the module doc)."""
    answerable = [(q, r) for q, r in rows if q.get("file")]
    unanswerable = [(q, r) for q, r in rows if not q.get("file")]
    n = len(answerable) or 1

    def names(result: dict[str, Any], cited: bool) -> list[str]:
        found = [Path(s["path"] or "").name for s in result["sources"] if s["cited"] or not cited]
        return list(dict.fromkeys(found))

    figures: dict[str, float] = {
        "gold_in_top3_listed": sum(q["file"] in names(r, False)[:3] for q, r in answerable) / n,
        "gold_in_top3_cited": sum(q["file"] in names(r, True)[:3] for q, r in answerable) / n,
    }
    for reading, counted in (("strict", {"not_found"}), ("unsure", {"not_found", "unsure"})):
        abstained = [r for _, r in rows if verdict(r) in counted]
        right = sum(1 for _, r in unanswerable if verdict(r) in counted)
        precision = right / len(abstained) if abstained else 0.0
        recall = right / len(unanswerable) if unanswerable else 0.0
        figures[f"abstention_precision_{reading}"] = precision
        figures[f"abstention_recall_{reading}"] = recall
        figures[f"abstention_f1_{reading}"] = f1(precision, recall)
    shown = [(q, r, quotes_of(r["answer"])) for q, r in answerable]
    figures["evidence_in_answer"] = (
        sum(verdict(r) == "answer" and contains(t, q["evidence"]) for q, r, t in shown) / n
    )
    figures["evidence_in_answer_fuzzy"] = (
        sum(verdict(r) == "answer" and mostly_contains(t, q["evidence"]) for q, r, t in shown) / n
    )
    figures["evidence_quoted_with_unsure"] = (
        sum(verdict(r) != "not_found" and contains(t, q["evidence"]) for q, r, t in shown) / n
    )
    return {k: round(v, 4) for k, v in figures.items()}


@contextmanager
def bench_project(
    corpus: Path, model_dir: str | None, padding: list[Path] = (), *, use_llm: bool = False
) -> Iterator[tuple[Any, Any, float]]:
    """A fresh database and index in a temporary folder with ``corpus`` (and ``padding``)
    ingested into project ``bench``: yields (settings, project, ingest seconds)."""
    from bot.core.db import migrate, session_scope
    from bot.core.projects import create_project
    from bot.core.settings import load_settings
    from skills.kb import index, service

    with tempfile.TemporaryDirectory() as folder:
        overrides: dict[str, Any] = {
            "database_url": f"sqlite:///{folder}/qa.db",
            "chroma_path": Path(folder) / "chroma",
        }
        if model_dir:
            overrides["livepmo_embedding_model_dir"] = model_dir
        settings = load_settings(**overrides, **settings_overrides(use_llm))
        migrate(settings.database_url)
        with session_scope(settings.database_url) as session:
            project = create_project(session, key="bench", name="Benchmark", actor="bench")
        started = time.perf_counter()
        outcomes = service.ingest_paths(settings, project, [corpus, *padding])
        for outcome in outcomes:
            if outcome.status == service.FAILED:
                print(f"ingest failed: {outcome.detail}", file=sys.stderr)
        yield settings, project, time.perf_counter() - started
        index.forget()


def write_padding(beir: Path, chunks: int, folder: Path, per_file: int = 50) -> list[Path]:
    """BEIR abstracts as text files of ``per_file`` abstracts, about ``chunks`` chunks in all
    (a chunk holds at most 150 words, an abstract at least one chunk)."""
    from benchmarks.beir import load_beir

    corpus = load_beir(beir, "train").corpus
    paragraphs, total = [], 0
    for title, text in corpus.values():
        if total >= chunks:
            break
        paragraphs.append(f"{title}\n\n{text}")
        total += max(1, -(-len(text.split()) // 150))
    files = []
    for start in range(0, len(paragraphs), per_file):
        path = folder / f"padding-{start // per_file:04d}.txt"
        path.write_text("\n\n".join(paragraphs[start : start + per_file]))
        files.append(path)
    return files


def run(
    corpus: Path,
    questions_file: Path,
    model_dir: str | None,
    padding: list[Path] = (),
    *,
    latency: bool = False,
    use_llm: bool = False,
) -> dict[str, Any]:
    from skills.kb.cli import ask_as_operator

    questions = [json.loads(line) for line in questions_file.read_text().splitlines() if line]
    from sqlalchemy import func
    from sqlmodel import select

    from bot.core.db import session_scope
    from skills.kb.models import KbChunk

    with bench_project(corpus, model_dir, padding, use_llm=use_llm) as (
        settings,
        _,
        ingest_seconds,
    ):
        with session_scope(settings.database_url) as session:
            chunks = session.exec(select(func.count()).select_from(KbChunk)).one()
        rows, latencies = [], []
        meter = ModelMeter(settings.database_url, enabled=use_llm)
        if latency and questions:  # warm up once; each question is then new to the process
            ask_as_operator(settings, "warm-up: " + questions[-1]["question"], project="bench")
        for item in questions:
            started = time.perf_counter()
            result = meter.measure(
                lambda q=item["question"]: ask_as_operator(settings, q, project="bench")
            )
            latencies.append(1000 * (time.perf_counter() - started))
            rows.append((item, result))
    for q, r in rows:
        state = verdict(r)
        if q.get("file") and not (
            state == "answer" and contains(quotes_of(r["answer"]), q["evidence"])
        ):
            print(f"[{state}] {q['question']} (gold {q['file']})", file=sys.stderr)
        elif not q.get("file") and state != "not_found":
            print(f"[unanswerable, {state}] {q['question']}", file=sys.stderr)
    figures: dict[str, Any] = {
        "questions": len(rows),
        "answerable": sum(1 for q, _ in rows if q.get("file")),
        **score(rows),
        "verdicts": {
            v: sum(verdict(r) == v for _, r in rows) for v in ("answer", "unsure", "not_found")
        },
        "chunks": chunks,
        "ingest_seconds": round(ingest_seconds, 1),
    }
    if latency and latencies:
        ordered = sorted(latencies)
        figures["warm_ask_ms_p50"] = round(statistics.median(ordered), 1)
        figures["warm_ask_ms_p95"] = round(ordered[int(0.95 * (len(ordered) - 1))], 1)
    if use_llm:
        figures.update(meter.figures())
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="Folder of documents.")
    parser.add_argument("--questions", type=Path, required=True, help="questions.jsonl")
    parser.add_argument("--model-dir", help="all-MiniLM-L6-v2 ONNX folder (else the setting).")
    parser.add_argument("--answer-model", type=Path, help="Answer model JSON (else the shipped).")
    parser.add_argument("--padding-beir", type=Path, help="BEIR corpus to pad the index with.")
    parser.add_argument("--padding-chunks", type=int, default=10_000)
    parser.add_argument(
        "--latency", action="store_true", help="Time warm asks (implied by padding)."
    )
    add_option(parser)
    args = parser.parse_args(argv)
    if args.answer_model:
        from knowledge.answer_model import load_models, use_models

        use_models(load_models(args.answer_model))
    with tempfile.TemporaryDirectory() as folder:
        padding = []
        if args.padding_beir:
            padding = write_padding(args.padding_beir, args.padding_chunks, Path(folder))
        latency = args.latency or bool(padding)
        figures = run(
            args.corpus, args.questions, args.model_dir, padding, latency=latency, use_llm=args.llm
        )
    figures["answer_model"] = str(args.answer_model or "shipped")
    print(
        f"gold document in the top 3: {figures['gold_in_top3_listed']:.1%} listed, "
        f"{figures['gold_in_top3_cited']:.1%} cited"
    )
    print(
        f"evidence in the answer: {figures['evidence_in_answer']:.1%} "
        f"(fuzzy {figures['evidence_in_answer_fuzzy']:.1%}; with the unsure band's quotes "
        f"{figures['evidence_quoted_with_unsure']:.1%})"
    )
    for reading in ("strict", "unsure"):
        print(
            f"abstention ({reading}): precision {figures[f'abstention_precision_{reading}']:.2f}, "
            f"recall {figures[f'abstention_recall_{reading}']:.2f}, "
            f"F1 {figures[f'abstention_f1_{reading}']:.2f}"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
