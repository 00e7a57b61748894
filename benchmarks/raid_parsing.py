"""Benchmark the offline RAID message parser against labelled messages.

Usage: ``python -m benchmarks.raid_parsing FILE.jsonl [--verbose] [--now ISO] [--tz ZONE]``

Each line holds ``text`` and the expected ``type``, ``title``, ``owner``, ``date``,
``probability`` and ``impact`` (see ``eval/README.md``). Type, owner, date, probability and
impact are scored by exact match. Titles are abstractive, so they are judged "usable" when
their content-word F1 against the reference is at least ``TITLE_F1_THRESHOLD`` and they are at
most ``TITLE_MAX_WORDS`` words long. The last line printed is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from skills.raid.parsing import RaidDraft, parse_raid_message

NOW = datetime.fromisoformat("2026-11-23T09:00:00+00:00")
TZ = ZoneInfo("Europe/London")
EXACT_FIELDS = ("type", "owner", "date", "probability", "impact")
TITLE_F1_THRESHOLD = 0.4
TITLE_MAX_WORDS = 12
_STOPWORD_TEXT = (
    "a an the and or of to in on for by with at is are be been being it its this that these "
    "those we our us they their from as into than then so if not no"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def parse_one(text: str, *, now: datetime = NOW, tz: ZoneInfo = TZ) -> RaidDraft:
    """The per-message call; the single place to route through the bot's message router."""
    return parse_raid_message(text, now=now, tz=tz)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def title_tokens(text: str) -> list[str]:
    """Lower-cased, stemmed content words of a title."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [_stem(w) for w in words if w not in _STOPWORDS]


def title_f1(predicted: str, reference: str) -> float:
    """Content-word overlap F1 between two titles (0 when either is empty)."""
    pred, ref = Counter(title_tokens(predicted)), Counter(title_tokens(reference))
    common = sum((pred & ref).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def title_usable(predicted: str, reference: str) -> bool:
    """Short enough and close enough to the reference to be used as is."""
    words = len(predicted.split())
    return 0 < words <= TITLE_MAX_WORDS and title_f1(predicted, reference) >= TITLE_F1_THRESHOLD


@dataclass
class Outcome:
    """One message: what was expected and what the parser produced."""

    expected: dict[str, Any]
    got: dict[str, Any]
    f1: float
    usable: bool
    seconds: float


def _as_row(draft: RaidDraft) -> dict[str, Any]:
    return {
        "type": draft.type.value,
        "title": draft.title,
        "owner": draft.owner,
        "date": draft.date.isoformat() if draft.date else None,
        "probability": draft.probability,
        "impact": draft.impact,
    }


def evaluate(
    rows: list[dict[str, Any]], *, now: datetime = NOW, tz: ZoneInfo = TZ
) -> list[Outcome]:
    """Parse every row's text and compare with its labels."""
    outcomes = []
    for row in rows:
        started = time.perf_counter()
        got = _as_row(parse_one(row["text"], now=now, tz=tz))
        elapsed = time.perf_counter() - started
        f1 = title_f1(got["title"], row.get("title") or "")
        usable = title_usable(got["title"], row.get("title") or "")
        outcomes.append(Outcome(row, got, f1, usable, elapsed))
    return outcomes


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """Per-field accuracy, title figures and timing."""
    n = len(outcomes) or 1
    result: dict[str, Any] = {"benchmark": "raid_parsing", "n": len(outcomes)}
    for name in EXACT_FIELDS:
        hits = sum(o.got[name] == o.expected.get(name) for o in outcomes)
        result[f"{name}_accuracy"] = round(hits / n, 4)
    result["title_mean_f1"] = round(sum(o.f1 for o in outcomes) / n, 4)
    result["title_usable"] = round(sum(o.usable for o in outcomes) / n, 4)
    times = sorted(o.seconds for o in outcomes) or [0.0]
    result["max_ms"] = round(times[-1] * 1000, 2)
    result["median_ms"] = round(times[len(times) // 2] * 1000, 2)
    return result


def _failures(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for i, o in enumerate(outcomes, 1):
        wrong = [f for f in EXACT_FIELDS if o.got[f] != o.expected.get(f)]
        if not o.usable:
            wrong.append("title")
        if not wrong:
            continue
        lines.append(f"#{i:<3} {o.expected['text'][:110]!r}")
        for name in wrong:
            want, got = o.expected.get(name), o.got[name]
            extra = f"  (f1 {o.f1:.2f})" if name == "title" else ""
            lines.append(f"      {name:<11} want {want!r:<45} got {got!r}{extra}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="JSONL file of labelled RAID messages")
    parser.add_argument("--verbose", action="store_true", help="print a table of failures")
    parser.add_argument("--now", default=NOW.isoformat(), help="pinned clock (ISO 8601)")
    parser.add_argument("--tz", default=TZ.key, help="timezone for relative dates")
    args = parser.parse_args(argv)
    now, tz = datetime.fromisoformat(args.now), ZoneInfo(args.tz)
    lines = args.file.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    parse_one("warm up the parser")  # keep one-off start-up costs out of the timings
    outcomes = evaluate(rows, now=now, tz=tz)
    result = figures(outcomes)
    if args.verbose:
        print("\n".join(_failures(outcomes)) or "no failures")
        print()
    for key, value in result.items():
        if key != "benchmark":
            print(f"{key:<22} {value}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
