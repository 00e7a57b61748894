"""The interpreter on held-out conversation: the right operation and arguments, and its cost.

    python -m benchmarks.interpret [--data benchmarks/data/conversation.jsonl] [--verbose]

Each message goes the way a Slack message goes: the interpreter (commands, context, the
intent model), then the rules that read the operation's arguments, in a project channel of
`apollo` (or a DM) with the items the data names. Nothing is run. A message is right when
the operation is the labelled one and every labelled argument has its labelled value.
The last line is one JSON object: accuracy of the operation and of operation + arguments,
per operation, and the time to interpret one message (p50/p95, the model loaded first).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.context import Context
from bot.core.db import session_scope
from bot.core.messages import Message, UserError
from bot.core.people import StaticPeople
from bot.core.projects import create_project, project_for_channel
from bot.interpret import slots
from bot.interpret.corpus import NONE
from bot.runtime import start
from skills.raid import service as raid
from skills.raid.scoring import RaidType

DATA = Path(__file__).resolve().parent / "data" / "conversation.jsonl"
NOW = "2026-11-23T09:00:00+00:00"
CHANNEL, USER = "C0APOLLO", "U0BENCH"
ITEMS = {RaidType.RISK: 9, RaidType.ISSUE: 5, RaidType.ASSUMPTION: 3, RaidType.DEPENDENCY: 3}


def world(folder: Path) -> Any:
    """Project `apollo` in #C0APOLLO with the items the data names; the dispatcher."""
    clock.pin(NOW)
    settings = start(database_url=f"sqlite:///{folder / 'bench.db'}")
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
    return dispatcher


def normal(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip().upper() if value[:1].isalpha() and "-" in value else value.strip()
    return value


def interpret(dispatcher: Any, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(operation, its arguments) for one message, as the bot would read them."""
    in_dm = row.get("channel") == "dm"
    channel = f"D{USER}" if in_dm else CHANNEL
    message = Message(row["text"], USER, channel, "dm" if in_dm else "mention", is_dm=in_dm)
    found = dispatcher.interpreter.interpret(row["text"], message, dispatcher.settings.database_url)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        dispatcher = world(Path(folder))
        interpret(dispatcher, {"text": "warm up the model, please"})
        ops: Counter[str] = Counter()
        right: Counter[str] = Counter()
        whole: Counter[str] = Counter()
        seconds = []
        for row in rows:
            started = time.perf_counter()
            op, got = interpret(dispatcher, row)
            seconds.append(time.perf_counter() - started)
            want = row["op"]
            ops[want] += 1
            right[want] += op == want
            wanted = {k: normal(v) for k, v in (row.get("args") or {}).items()}
            args_ok = all(normal(got.get(k)) == v for k, v in wanted.items())
            whole[want] += op == want and args_ok
            if args.verbose and not (op == want and args_ok):
                shown = {k: got.get(k) for k in wanted}
                print(f"MISS want {want} {wanted} got {op} {shown}: {row['text'][:90]}")
    total = sum(ops.values())
    seconds.sort()
    report = {
        "messages": total,
        "operation_accuracy": round(sum(right.values()) / total, 4),
        "operation_and_arguments": round(sum(whole.values()) / total, 4),
        "per_operation": {op: f"{whole[op]}/{n}" for op, n in sorted(ops.items())},
        "ms_p50": round(1000 * statistics.median(seconds), 2),
        "ms_p95": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 2),
        "target": {"operation_and_arguments": 0.90, "ms_p95": 20},
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
