"""Benchmark status updates given by DM against labelled JSONL.

Usage::

    python -m benchmarks.status_parsing FILE [--verbose] [--as-update | --no-prompt]
        [--rag-model PATH] [--blocker-model PATH]
    python -m benchmarks.status_parsing --stress

Each text goes the way a participant's DM reply to the check-in prompt goes: the
dispatcher, the interpreter, the status skill and the database (a fresh SQLite file, LLM off,
clock pinned to Monday 2026-11-23 09:00 UTC). The scheduler has sent the participant that
day's prompt at 08:30 (``run_due``, as ``livepmo schedule run-due`` does), so the DM answers
an open prompt; the stored update is read back and scored. A text not routed to the status
skill or not stored scores as an empty update; ``stored_rate`` is the share of texts that
were stored. ``--no-prompt`` sends the DMs with no prompt open (the words alone must say
"update": the router's test); ``--as-update`` sends each text as ``/pmo status TEXT``: the
parsing of texts known to be updates, the router's share of the work left out.

FILE holds one JSON object per line with ``text``, ``done``, ``next``, ``blockers``,
``rag`` and ``percent`` (the format of ``eval/status_dev.jsonl``). Figures:

* **Blocker detection (update level).** An update is *positive* when its reference
  ``blockers`` list is non-empty and *predicted positive* when the parsed list is
  non-empty ("no blockers" must give an empty list). Precision, recall and F1 are
  over updates. ``blocker_item_recall`` is the share of reference blocker items
  matched by some parsed blocker item (fuzzy match below).
* **Overall status.** ``rag_accuracy``: share of updates whose reference states a
  status (``rag`` not null) that get exactly that status. ``rag_invented_rate``:
  share of updates whose reference states none that get one anyway.
* **Percent.** ``percent_exact``: share of all updates whose parsed percent equals
  the reference (both null counts as a match).
* **Items.** ``item_recall``: share of all reference done and next items (micro average)
  matched by some parsed item of the same section; ``done_recall`` / ``next_recall`` per
  section. ``*_precision`` is
  the share of parsed items matching some reference item.

Fuzzy match: both strings are lower-cased, split into word tokens, stop words are
dropped, common abbreviations and number words are spelled one way ("docs" and
"documentation", "DB" and "database", "UI" and "interface", "3" and "three", "w/" dropped
like "with") and a light suffix stemmer is applied ("fix", "fixed" and "fixes" agree). A
reference item is matched by a parsed item when the shared tokens cover at least 50% of
the reference's tokens and at least 25% of the parsed item's tokens (so one paragraph-long
item cannot match everything; a bracketed aside may be left out of the parsed item's
count: "RuleExecutor (rules only return validationErrors)" says "Implemented
RuleExecutor"), or when ``difflib.SequenceMatcher`` gives a ratio >= 0.6 on the
normalised strings. ``*_recall_strict`` uses token Dice >= 0.5 instead.
``item_recall_unnormalised`` is ``item_recall`` as first measured: no spelling, no
asides left out, and the stemmer leaves words of five letters or fewer ("fixed") whole.

``--rag-model PATH`` reads overall statuses with another model file than the committed one
(``none`` for the rules alone): the cross-fitted models ``python -m skills.status.train
--cross-fit`` writes, so a set is scored by a model that never saw it. ``--blocker-model
PATH`` does the same for the blocker reader (trained on written fragments only, so every
labelled set tests it).

``--stress`` times the parser alone (``parse_status_update``, as the status skill calls it)
on a 40,000-character update and on pathological inputs instead, and reports the slowest.

The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import atexit
import difflib
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import delete, select

from benchmarks.llm import ModelMeter, add_option, confirm_proposals, settings_overrides
from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.db import session_scope
from bot.core.people import Person, StaticPeople
from bot.runtime import start
from bot.scheduling import run_due
from skills.status.models import StatusUpdate
from skills.status.parsing import StatusDraft, parse_status_update
from skills.status.parsing.learned import BLOCKERS, OVERALL_STATUS

NOW = "2026-11-23T09:00:00+00:00"
PROMPT_AT = datetime.fromisoformat("2026-11-23T08:30:00+00:00")
TIMEZONE = "Europe/London"
PM, PARTICIPANT = "U0BENCHPM", "U0BENCH"

MIN_REF_COVER = 0.5
MIN_ITEM_COVER = 0.25
MIN_RATIO = 0.6
MIN_DICE_STRICT = 0.5
STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the and or of to in on for with at by from into over is are was were be been "
        "it its this that these those my our i we he she they some more all as so up",
    )
)
_ASIDE = re.compile(r"\s*\([^()]*\)")
SPELLED_OUT = {  # one spelling for common abbreviations and number words, both sides alike
    **dict.fromkeys(("doc", "docs"), "documentation"),
    **dict.fromkeys(("repo", "repos"), "repository"),
    **dict.fromkeys(("spec", "specs"), "specification"),
    **dict.fromkeys(("arg", "args"), "argument"),
    **dict.fromkeys(("req", "reqs"), "requirement"),
    "db": "database",
    "config": "configuration",
    "info": "information",
    "mgmt": "management",
    "impl": "implementation",
    "dev": "development",
    "env": "environment",
    "auth": "authentication",
    "ui": "interface",
    "w": "with",  # "w/"
    **{
        word: str(number)
        for number, word in enumerate(
            ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
        )
    },
}


class DirectMessages:
    """Project `bench` with check-ins on; `send` DMs one text as its participant and reads
    the stored update back (earlier ones are removed, so each text stands alone)."""

    use_llm = False  # `--llm`: the model OPENAI_* points at (see benchmarks.llm)

    def __init__(self, folder: Path, *, prompted: bool = True) -> None:
        clock.pin(NOW)
        settings = start(
            database_url=f"sqlite:///{folder / 'bench.db'}", **settings_overrides(self.use_llm)
        )
        self.database_url = settings.database_url
        self.meter = ModelMeter(self.database_url, enabled=self.use_llm)
        self.chat = ConsoleSession(console_dispatcher(settings), user=PM, channel="C0BENCH")
        self.chat.send(f"/pmo project create bench Benchmark --member <@{PARTICIPANT}>")
        self.chat.send(f"/pmo checkin participants <@{PARTICIPANT}>")
        self.chat.send(f"/pmo checkin time {PROMPT_AT:%H:%M}")
        if prompted:  # the scheduler asks the participant; their DMs answer that prompt
            people = StaticPeople(TIMEZONE)
            people.add(Person(PARTICIPANT, "Participant", TIMEZONE))
            run_due(self.database_url, people, lambda replies: None, now=PROMPT_AT)
            clock.pin(NOW)
        self.sent = self.stored = 0
        self.prefix = ""  # "/pmo status ": the text is known to be an update

    def send(self, text: str) -> StatusDraft:
        with session_scope(self.database_url) as session:
            session.exec(delete(StatusUpdate))  # type: ignore[call-overload]
        self.meter.measure(
            lambda: confirm_proposals(
                self.chat,
                self.chat.send(self.prefix + text, user=PARTICIPANT, channel=""),
                user=PARTICIPANT,
            )
        )
        self.sent += 1
        with session_scope(self.database_url) as session:
            update = session.exec(select(StatusUpdate)).first()
        if update is None:
            return StatusDraft()
        self.stored += 1
        return StatusDraft(
            list(update.done), list(update.next), list(update.blockers), update.rag, update.percent
        )


_dms: DirectMessages | None = None
_prompted = True


def parse_message(text: str) -> StatusDraft:
    """One update as the bot stores it when a participant DMs it (see the module docstring)."""
    global _dms
    if _dms is None:
        folder = tempfile.mkdtemp(prefix="livepmo-status-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _dms = DirectMessages(Path(folder), prompted=_prompted)
        _dms.send("Done: warm-up. Next: the real updates.")  # start-up costs stay out
        _dms.sent = _dms.stored = 0
        _dms.meter.messages.clear()
    return _dms.send(text)


def _stem(word: str, shortest: int = 3) -> str:
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) >= len(suffix) + shortest and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str, normalise: bool = True) -> set[str]:
    """Content tokens of an item, for fuzzy matching (``normalise=False``: as first measured)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    if not normalise:
        return {_stem(w, shortest=4) for w in words if w not in STOP_WORDS}
    spelled = (SPELLED_OUT.get(w, w) for w in words)
    return {_stem(w) for w in spelled if w not in STOP_WORDS}


def fuzzy_match(reference: str, item: str, normalise: bool = True) -> bool:
    """True when the parsed item says the reference item (thresholds in the docstring)."""
    ref = tokens(reference, normalise)
    readings = {item, _ASIDE.sub("", item)} if normalise else {item}
    for got in (tokens(reading, normalise) for reading in readings):
        shared = len(ref & got)
        if (
            ref
            and got
            and shared / len(ref) >= MIN_REF_COVER
            and shared / len(got) >= MIN_ITEM_COVER
        ):
            return True
    ratio = difflib.SequenceMatcher(None, reference.lower().strip(), item.lower().strip()).ratio()
    return ratio >= MIN_RATIO


def _unnormalised_match(reference: str, item: str) -> bool:
    return fuzzy_match(reference, item, normalise=False)


def strict_match(reference: str, item: str) -> bool:
    """Token Dice coefficient >= MIN_DICE_STRICT."""
    ref, got = tokens(reference), tokens(item)
    return bool(ref and got) and 2 * len(ref & got) / (len(ref) + len(got)) >= MIN_DICE_STRICT


def _matched(
    references: Iterable[str], items: list[str], match: Callable[[str, str], bool] = fuzzy_match
) -> list[bool]:
    return [any(match(ref, item) for item in items) for ref in references]


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def evaluate(rows: list[dict[str, Any]], verbose: bool = False) -> dict[str, Any]:
    """Parse every row and compute the figures (printing misses when verbose)."""
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    for number, row in enumerate(rows, 1):
        draft = parse_message(row.get("text", ""))
        misses: list[str] = []
        want_blocked, got_blocked = bool(row.get("blockers")), bool(draft.blockers)
        counts["tp"] += want_blocked and got_blocked
        counts["fp"] += got_blocked and not want_blocked
        counts["fn"] += want_blocked and not got_blocked
        if want_blocked != got_blocked:
            misses.append(f"blockers: want {row.get('blockers')} got {draft.blockers}")
        hits = _matched(row.get("blockers", []), draft.blockers)
        counts["blk_ref"] += len(hits)
        counts["blk_hit"] += sum(hits)
        if row.get("rag") is None:
            counts["rag_none"] += 1
            counts["rag_invented"] += draft.rag is not None
        else:
            counts["rag_stated"] += 1
            counts["rag_right"] += draft.rag == row["rag"]
        if draft.rag != row.get("rag"):
            misses.append(f"rag: want {row.get('rag')} got {draft.rag}")
        counts["pct_right"] += draft.percent == row.get("percent")
        if draft.percent != row.get("percent"):
            misses.append(f"percent: want {row.get('percent')} got {draft.percent}")
        for section in ("done", "next"):
            refs, got = row.get(section, []), getattr(draft, section)
            hits = _matched(refs, got)
            counts[f"{section}_ref"] += len(refs)
            counts[f"{section}_hit"] += sum(hits)
            counts["unnormalised_hit"] += sum(_matched(refs, got, _unnormalised_match))
            counts[f"{section}_strict"] += sum(_matched(refs, got, strict_match))
            counts[f"{section}_got"] += len(got)
            counts[f"{section}_got_hit"] += sum(any(fuzzy_match(r, g) for r in refs) for g in got)
            misses += [
                f"{section} missed: {ref!r} (got {got})"
                for ref, hit in zip(refs, hits, strict=True)
                if not hit
            ]
        if verbose and misses:
            print(f"--- #{number} {row.get('source', '')}")
            print("    " + "\n    ".join(misses))
    elapsed = time.perf_counter() - started
    precision = _ratio(counts["tp"], counts["tp"] + counts["fp"])
    recall = _ratio(counts["tp"], counts["tp"] + counts["fn"])
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall else 0.0
    return {
        "updates": len(rows),
        "blocker_precision": precision,
        "blocker_recall": recall,
        "blocker_f1": f1,
        "blocker_item_recall": _ratio(counts["blk_hit"], counts["blk_ref"]),
        "rag_stated": counts["rag_stated"],
        "rag_accuracy": _ratio(counts["rag_right"], counts["rag_stated"]),
        "rag_invented_rate": _ratio(counts["rag_invented"], counts["rag_none"]),
        "percent_exact": _ratio(counts["pct_right"], len(rows)),
        "item_recall": _ratio(
            counts["done_hit"] + counts["next_hit"], counts["done_ref"] + counts["next_ref"]
        ),
        "item_recall_unnormalised": _ratio(
            counts["unnormalised_hit"], counts["done_ref"] + counts["next_ref"]
        ),
        "done_recall": _ratio(counts["done_hit"], counts["done_ref"]),
        "next_recall": _ratio(counts["next_hit"], counts["next_ref"]),
        "done_recall_strict": _ratio(counts["done_strict"], counts["done_ref"]),
        "next_recall_strict": _ratio(counts["next_strict"], counts["next_ref"]),
        "done_precision": _ratio(counts["done_got_hit"], counts["done_got"]),
        "next_precision": _ratio(counts["next_got_hit"], counts["next_got"]),
        "mean_ms_per_update": round(1000 * elapsed / max(len(rows), 1), 3),
        "stored_rate": _ratio(_dms.stored, _dms.sent) if _dms else None,
    }


STRESS_INPUTS = {
    "huge_update": (
        "Done: fixed the login bug, then reviewed PRs; next: write docs and then test. "
        "Blockers: waiting on ops. "
    )
    * 500,
    "open_brackets": "(" * 40_000,
    "commas": "x, " * 13_000,
    "one_word": "a" * 40_000,
    "colons": ": " * 20_000,
    "percents": "50% " * 10_000,
    "slashes": "a / b " * 7_000,
    "numbered": "1) x " * 8_000,
}


def stress() -> dict[str, Any]:
    """Milliseconds the parser takes on each stress input (best of three)."""
    result: dict[str, Any] = {"benchmark": "status_parsing_stress"}
    for name, text in STRESS_INPUTS.items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            parse_status_update(text)
            runs.append(time.perf_counter() - started)
        result[f"{name}_ms"] = round(1000 * min(runs), 1)
    result["max_ms"] = max(v for k, v in result.items() if k.endswith("_ms"))
    return result


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", help="JSONL of labelled status updates")
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    parser.add_argument(
        "--as-update",
        action="store_true",
        help="send each text as `/pmo status TEXT`: parsing of texts known to be updates",
    )
    parser.add_argument("--stress", action="store_true", help="time the parser on huge inputs")
    parser.add_argument(
        "--no-prompt", action="store_true", help="no check-in prompt open: the router's test"
    )
    parser.add_argument(
        "--rag-model", help="overall-status model file instead of the committed one; none: rules"
    )
    parser.add_argument(
        "--blocker-model", help="blocker model file instead of the committed one; none: rules"
    )
    add_option(parser)
    args = parser.parse_args(argv)
    if args.rag_model:
        OVERALL_STATUS.use(None if args.rag_model == "none" else args.rag_model)
    if args.blocker_model:
        BLOCKERS.use(None if args.blocker_model == "none" else args.blocker_model)
    DirectMessages.use_llm = args.llm
    global _prompted
    _prompted = not args.no_prompt
    if args.stress:
        print(json.dumps(stress()))
        return 0
    if args.file is None:
        parser.error("FILE is required without --stress")
    if args.as_update:
        parse_message("")  # set up the DMs, then send every text as the status command
        _dms.prefix = "/pmo status "  # type: ignore[union-attr]
        _dms.sent = _dms.stored = 0  # type: ignore[union-attr]
    figures = evaluate(_load(args.file), verbose=args.verbose)
    if args.llm and _dms is not None:
        figures.update(_dms.meter.figures())
    print(f"updates: {figures['updates']}")
    print(
        f"blocker detection (update level): P={figures['blocker_precision']} "
        f"R={figures['blocker_recall']} F1={figures['blocker_f1']}; "
        f"item recall={figures['blocker_item_recall']}"
    )
    print(
        f"overall status: accuracy={figures['rag_accuracy']} on {figures['rag_stated']} stated; "
        f"invented rate={figures['rag_invented_rate']}"
    )
    print(f"percent exact match: {figures['percent_exact']}")
    print(f"stored by the status skill: {figures['stored_rate']}")
    print(
        f"item recall (done and next): {figures['item_recall']} "
        f"(unnormalised matcher: {figures['item_recall_unnormalised']})"
    )
    print(
        f"item recall (fuzzy): done={figures['done_recall']} next={figures['next_recall']}; "
        f"strict: done={figures['done_recall_strict']} next={figures['next_recall_strict']}"
    )
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
