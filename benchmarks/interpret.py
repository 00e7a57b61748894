"""The interpreter on held-out conversation: the right operation and arguments, and its cost.

    python -m benchmarks.interpret [--data benchmarks/data/conversation.jsonl] [--verbose]
        [--intent-model NPZ]

Each message goes the way a Slack message goes: the interpreter (commands, context, the
intent model), then the rules that read the operation's arguments, in a project channel of
`apollo` (or a DM) with the items the data names. Nothing is run. A message is right when
the operation is the labelled one and every labelled argument has its labelled value (free
text by its words; an operation that does the same, like `raid.assign` for an owner change,
counts).
The last line is one JSON object: accuracy of the operation and of operation + arguments,
per operation, the time to interpret one message (p50/p95, the model loaded first), and
the longest time any of a few hostile messages at the input cap took (a run of commas,
spaces, words: a regex that backtracks is quadratic on them).
`--intent-model` measures a retrained intent model instead of the committed one.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.llm import ModelMeter, add_option, settings_overrides
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.context import Context
from bot.core.db import session_scope
from bot.core.dispatch import MAX_INPUT
from bot.core.messages import Message, UserError
from bot.core.people import StaticPeople
from bot.core.projects import create_project, get_project, project_for_channel
from bot.interpret import slots
from bot.interpret.corpus import NONE
from bot.interpret.model import use_model
from bot.llm.routing import reconsider
from bot.runtime import start
from skills.milestones import service as milestones
from skills.raid import service as raid
from skills.raid.args import resolve_item
from skills.raid.scoring import RaidType
from skills.summary.parsing import parse_since

DATA = Path(__file__).resolve().parent / "data" / "conversation.jsonl"
NOW = "2026-11-23T09:00:00+00:00"
CHANNEL, USER = "C0APOLLO", "U0BENCH"
ITEMS = {RaidType.RISK: 9, RaidType.ISSUE: 5, RaidType.ASSUMPTION: 3, RaidType.DEPENDENCY: 3}
MILESTONES = {  # M1..M4: moves "by 2 weeks" are counted from these forecasts
    "Design sign-off": date(2026, 12, 4),
    "Beta launch": date(2027, 1, 15),
    "UAT complete": date(2027, 2, 26),
    "Go-live": date(2027, 3, 31),
}


def world(folder: Path, use_llm: bool = False) -> Any:
    """Project `apollo` in #C0APOLLO with the items and milestones the data names; the
    dispatcher."""
    clock.pin(NOW)
    settings = start(database_url=f"sqlite:///{folder / 'bench.db'}", **settings_overrides(use_llm))
    dispatcher = console_dispatcher(settings, StaticPeople("Europe/London"))
    with session_scope(settings.database_url) as session:
        project = create_project(
            session,
            key="apollo",
            name="Apollo",
            actor=USER,
            timezone="Europe/London",
            channels=[CHANNEL],
            pms=[USER],
        )
        for raid_type, count in ITEMS.items():
            for n in range(count):
                raid.create_item(
                    session, project=project, raid_type=raid_type, title=f"item {n}", actor=USER
                )
        for name, due_on in MILESTONES.items():
            milestones.create_milestone(
                session, project=project, name=name, due_on=due_on, owner=None, actor=USER
            )
    return dispatcher


FREE_TEXT = (
    "text", "title", "note", "mitigation", "description", "question", "reminder", "name", "reason",
    "words",
)  # fmt: skip
# Either operation does what the message asks when the arguments that matter agree.
EQUIVALENT = {("raid.update", "raid.assign"), ("raid.change_type", "raid.convert")}
WORD = re.compile(r"[a-z0-9]+")


def same_words(want: str, got: str) -> bool:
    """Free text matches when most of the wanted words are there."""
    wanted, have = set(WORD.findall(want.lower())), set(WORD.findall(str(got).lower()))
    return bool(wanted) and len(wanted & have) / len(wanted) >= 0.6


def normal(session: Any, name: str, value: Any) -> Any:
    """A value in the form the labels use: full item keys, ISO dates and datetimes."""
    if value is None:
        return None
    if name in ("owner", "who") and str(value) in ("me", USER):
        return "me"
    if name in ("key", "other"):
        try:
            project = get_project(session, "apollo")
            return resolve_item(session, str(value), project).key
        except UserError:
            return str(value).upper()
    if name == "since":
        moment = parse_since(str(value), now=clock.now(), timezone="Europe/London")
        return moment.astimezone(ZoneInfo("Europe/London")).date().isoformat()
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo("UTC")).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if name == "when" and isinstance(value, str):
        return datetime.fromisoformat(value).astimezone(ZoneInfo("UTC")).isoformat()
    return str(value).strip().lower()


def agrees(session: Any, want: dict[str, Any], got: dict[str, Any]) -> bool:
    for name, value in want.items():
        if name in FREE_TEXT and not str(value).isdigit():
            if not same_words(str(value), str(got.get(name) or "")):
                return False
        elif normal(session, name, value) != normal(session, name, got.get(name)):
            return False
    return True


def interpret(dispatcher: Any, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(operation, its arguments) for one message, as the bot would read them."""
    in_dm = row.get("channel") == "dm"
    channel = f"D{USER}" if in_dm else CHANNEL
    message = Message(row["text"], USER, channel, "dm" if in_dm else "mention", is_dm=in_dm)
    found = dispatcher.interpreter.interpret(row["text"], message, dispatcher.settings.database_url)
    found = reconsider(dispatcher.settings, dispatcher.registry, found, message)  # no key: as is
    if found.how == "llm" and found.operation is not None:
        return found.operation.name, dict(found.preset)
    if found.operation is None:
        return (NONE if found.how in ("none", "fallback") else found.how), {}
    op = found.operation
    with session_scope(dispatcher.settings.database_url) as session:
        ctx = Context(
            session=session,
            settings=dispatcher.settings,
            people=dispatcher.people,
            registry=dispatcher.registry,
            user=USER,
            channel=channel,
            is_dm=in_dm,
        )
        ctx.project = project_for_channel(session, channel)
        try:
            if found.is_command and op.text is None:
                args = op.parse(found.args, found.preset)
            else:
                args = slots.fill(op, ctx, found.args)
        except UserError:
            return op.name, {}
        return op.name, args.model_dump(exclude_none=True)


# Messages at the input cap made of one run (a regex that backtracks is quadratic on them).
HOSTILE = (",", " ", ", ", "a ", "the ", "ty ", "pls ", "blocked on ", "\u00a0")


def hostile_ms(dispatcher: Any, unit: str) -> float:
    text = (unit * (MAX_INPUT // len(unit)))[:MAX_INPUT]
    started = time.perf_counter()
    interpret(dispatcher, {"text": text, "op": NONE})
    interpret(dispatcher, {"text": text, "op": NONE, "channel": "dm"})
    return 1000 * (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--intent-model", type=Path, help="a retrained intent model")
    add_option(parser)
    args = parser.parse_args(argv)
    if args.intent_model:
        use_model(args.intent_model)
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        dispatcher = world(Path(folder), use_llm=args.llm)
        interpret(dispatcher, {"text": "warm up the model, please"})
        meter = ModelMeter(dispatcher.settings.database_url, enabled=args.llm)
        ops: Counter[str] = Counter()
        right: Counter[str] = Counter()
        whole: Counter[str] = Counter()
        seconds = []
        for row in rows:
            started = time.perf_counter()
            op, got = meter.measure(interpret, dispatcher, row)
            seconds.append(time.perf_counter() - started)
            want, wanted = row["op"], row.get("args") or {}
            ops[want] += 1
            op_ok = op == want or (want, op) in EQUIVALENT
            right[want] += op_ok
            if (want, op) == ("raid.change_type", "raid.convert"):
                got = {**got, "type": "issue"}  # a risk converted is an issue
            with session_scope(dispatcher.settings.database_url) as session:
                args_ok = agrees(session, wanted, got)
            whole[want] += op_ok and args_ok
            if args.verbose and not (op_ok and args_ok):
                shown = {k: got.get(k) for k in wanted}
                print(f"MISS want {want} {wanted} got {op} {shown}: {row['text'][:90]}")
        hostile = [hostile_ms(dispatcher, text) for text in HOSTILE]
    total = sum(ops.values())
    seconds.sort()
    report = {
        "messages": total,
        "operation_accuracy": round(sum(right.values()) / total, 4),
        "operation_and_arguments": round(sum(whole.values()) / total, 4),
        "per_operation": {op: f"{whole[op]}/{n}" for op, n in sorted(ops.items())},
        "ms_p50": round(1000 * statistics.median(seconds), 2),
        "ms_p95": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 2),
        "hostile_worst_ms": round(max(hostile), 1),  # the longest runs a message may hold
        "target": {"operation_and_arguments": 0.90, "ms_p95": 20, "hostile_worst_ms": 1000},
    }
    if args.llm:
        report.update(meter.figures())
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
