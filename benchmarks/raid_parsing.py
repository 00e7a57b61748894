"""Benchmark RAID logging from chat against labelled messages.

Usage: ``python -m benchmarks.raid_parsing FILE.jsonl [--verbose] [--now ISO] [--tz ZONE]
[--no-embeddings] [--as-item] [--type-weights NPZ] [--intent-model NPZ]`` or
``python -m benchmarks.raid_parsing --stress``

Each message goes the way a Slack mention goes, through one call, ``ChatUnderTest.send``: the
dispatcher, the router, the RAID skill and the database (a fresh SQLite file, LLM off, clock
pinned); the stored item is compared with the labels. ``created`` is the share of messages
that became an item; a message that did not counts as wrong on every field.

Each line holds ``text`` and the expected ``type`` (six types), ``title``, ``owner``, ``date``,
``probability`` and ``impact`` (see ``eval/README.md``). Type, owner, date, probability and
impact are scored by exact match. Titles are abstractive, so they are judged "usable" when
their content-word F1 against the reference is at least ``TITLE_F1_THRESHOLD`` and they are at
most ``TITLE_MAX_WORDS`` words long. ``parse_ms_*`` time the parser alone on each message
(embedding included, model load excluded); ``median_ms``/``max_ms`` the whole round trip.
``--no-embeddings`` runs the type model on lexical features only; ``--as-item`` sends each
text as ``/pmo raid add TEXT``, measuring the fields of a message already known to be an item
(the router's share of the work left out). ``--type-weights`` and ``--intent-model`` measure
retrained models (one trained with the other eval set, say) instead of the committed ones;
``--verbose`` lists each message with a wrong field. ``--stress`` times the parser alone on a
40,000-character message instead (best of three). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from benchmarks.llm import ModelMeter, add_option, confirm_proposals, settings_overrides
from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.db import session_scope
from bot.core.learned import set_shared_embedder, shared_embedder
from bot.interpret.model import use_model
from bot.runtime import start
from skills.raid.models import RaidItem
from skills.raid.parsing import parse_raid_message
from skills.raid.parsing.type_model import use_weights

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
TYPE_WORD = re.compile(  # messages that name their type, for the "without a type word" figure
    r"\b(?:risks?|issues?|problems?|blockers?|assum\w*|dependenc\w*|deps?|depends?|actions?"
    r"|decisions?|decided)\b",
    re.IGNORECASE,
)


class ChatUnderTest:
    """A fresh database with one project; `send` logs a message and returns the stored item.

    The one seam to the bot: point `send` at another entry point (the interpreter) and
    every figure follows."""

    def __init__(
        self, folder: Path, tz: ZoneInfo, *, prefix: str = "", use_llm: bool = False
    ) -> None:
        self.prefix = prefix  # "/pmo raid add ": the message is known to be an item
        settings = start(
            database_url=f"sqlite:///{folder / 'bench.db'}", **settings_overrides(use_llm)
        )
        create = f"/pmo project create bench Benchmark --timezone {tz.key}"
        self.chat = ConsoleSession(console_dispatcher(settings), user="U0BENCH", channel="C0BENCH")
        self.chat.send(create)
        self.database_url = settings.database_url
        self.meter = ModelMeter(self.database_url, enabled=use_llm)

    def send(self, text: str) -> dict[str, Any]:
        self.meter.measure(lambda: confirm_proposals(self.chat, self.chat.send(self.prefix + text)))
        with session_scope(self.database_url) as session:
            item = session.exec(select(RaidItem).order_by(RaidItem.id.desc())).first()  # type: ignore[union-attr]
            if item is None or item.id == getattr(self, "last_id", None):
                return {
                    "type": None,
                    "title": "",
                    "owner": None,
                    "date": None,
                    "probability": None,
                    "impact": None,
                }
            self.last_id = item.id
            return {
                "type": item.type,
                "title": item.title,
                "owner": item.owner,
                "date": item.due_on.isoformat() if item.due_on else None,
                "probability": item.probability,
                "impact": item.impact,
            }


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
    parse_seconds: float = 0.0


def evaluate(rows: list[dict[str, Any]], chat: ChatUnderTest, tz: ZoneInfo) -> list[Outcome]:
    """Send every row's text and compare what was stored with its labels."""
    outcomes = []
    for row in rows:
        started = time.perf_counter()
        parse_raid_message(row["text"], now=clock.now(), tz=tz)
        parsed = time.perf_counter()
        got = chat.send(row["text"])
        elapsed = time.perf_counter() - parsed
        f1 = title_f1(got["title"], row.get("title") or "")
        usable = title_usable(got["title"], row.get("title") or "")
        outcomes.append(Outcome(row, got, f1, usable, elapsed, parsed - started))
    return outcomes


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """Per-field accuracy, title figures and timing."""
    n = len(outcomes) or 1
    result: dict[str, Any] = {"benchmark": "raid_parsing", "n": len(outcomes)}
    result["created"] = round(sum(o.got["type"] is not None for o in outcomes) / n, 4)
    for name in EXACT_FIELDS:
        hits = sum(o.got[name] == o.expected.get(name) for o in outcomes)
        result[f"{name}_accuracy"] = round(hits / n, 4)
    untyped = [o for o in outcomes if not TYPE_WORD.search(o.expected["text"])]
    if untyped:
        hits = sum(o.got["type"] == o.expected.get("type") for o in untyped)
        result["type_accuracy_without_type_word"] = round(hits / len(untyped), 4)
        result["n_without_type_word"] = len(untyped)
    result["title_mean_f1"] = round(sum(o.f1 for o in outcomes) / n, 4)
    result["title_usable"] = round(sum(o.usable for o in outcomes) / n, 4)
    times = sorted(o.seconds for o in outcomes) or [0.0]
    result["max_ms"] = round(times[-1] * 1000, 2)
    result["median_ms"] = round(times[len(times) // 2] * 1000, 2)
    parse = sorted(o.parse_seconds for o in outcomes) or [0.0]
    result["parse_ms_median"] = round(parse[len(parse) // 2] * 1000, 2)
    result["parse_ms_p90"] = round(parse[int(len(parse) * 0.9)] * 1000, 2)
    result["parse_ms_max"] = round(parse[-1] * 1000, 2)
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


def stress(tz: ZoneInfo) -> dict[str, Any]:
    """Milliseconds the parser takes on a 40,000-character message (best of three)."""
    filler = "The vendor may not deliver the extract on time because of staffing issues. " * 540
    text = f"log a risk: vendor slip. {filler} owner <@U0OWNER01>, review Friday, P4 I3"
    parse_raid_message(text, now=clock.now(), tz=tz)  # warm-up
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        parse_raid_message(text, now=clock.now(), tz=tz)
        runs.append(time.perf_counter() - started)
    return {
        "benchmark": "raid_parsing_stress",
        "chars": len(text),
        "ms": round(1000 * min(runs), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", help="JSONL of labelled RAID messages")
    parser.add_argument("--verbose", action="store_true", help="print a table of failures")
    parser.add_argument("--now", default=NOW.isoformat(), help="pinned clock (ISO 8601)")
    parser.add_argument("--tz", default=TZ.key, help="timezone for relative dates")
    parser.add_argument("--no-embeddings", action="store_true", help="lexical type model only")
    add_option(parser)
    parser.add_argument(
        "--as-item",
        action="store_true",
        help="send each text as `/pmo raid add TEXT`: fields of messages known to be items",
    )
    parser.add_argument("--stress", action="store_true", help="time the parser on a huge message")
    parser.add_argument("--type-weights", type=Path, help="a retrained RAID type model")
    parser.add_argument("--intent-model", type=Path, help="a retrained intent model")
    args = parser.parse_args(argv)
    for model in (args.type_weights, args.intent_model):
        if model and not model.is_file():
            parser.error(f"no model at {model}")
    if args.type_weights:
        use_weights(args.type_weights)
    if args.intent_model:
        use_model(args.intent_model)
    clock.pin(args.now)
    if args.no_embeddings:
        set_shared_embedder(None)
    else:
        shared_embedder()  # loaded before the clock starts, as `livepmo run` warms it up
    tz = ZoneInfo(args.tz)
    if args.stress:
        print(json.dumps(stress(tz)))
        return 0
    if args.file is None:
        parser.error("FILE is required without --stress")
    lines = args.file.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        prefix = "/pmo raid add " if args.as_item else ""
        chat = ChatUnderTest(Path(folder), tz, prefix=prefix, use_llm=args.llm)
        chat.send("raid add risk: warm-up so one-off start-up costs stay out of the timings")
        chat.send("the vendor could be late: warm-up of the type model and its embedder")
        chat.meter.messages.clear()
        outcomes = evaluate(rows, chat, tz)
    result = figures(outcomes)
    if args.llm:
        result.update(chat.meter.figures())
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
