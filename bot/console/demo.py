"""`livepmo demo`: a sample project and a scripted conversation through the console.

It uses its own fresh SQLite database under ./var and a pinned clock, so it
runs the same on every machine with no Slack, no tokens and no network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.console.chat import ConsoleSession
from bot.console.render import render_reply
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.people import Person, StaticPeople
from bot.runtime import start

DEMO_DB = Path("var/demo.db")
DEMO_NOW = "2026-11-23T09:00:00+00:00"
CHANNEL = "C0APOLLO"
PEOPLE = {
    "U0ALICE": Person("U0ALICE", "Alice (PM)", "Europe/London"),
    "U0BOB": Person("U0BOB", "Bob", "America/New_York"),
    "U0CHEN": Person("U0CHEN", "Chen", "Asia/Singapore"),
}


@dataclass
class Line:
    user: str
    text: str
    channel: str | None = CHANNEL
    note: str = ""


SCRIPT = [
    Line("U0ALICE", "help", note="Anyone can ask what the bot does."),
    Line(
        "U0ALICE",
        "/pmo project create apollo Apollo launch --timezone Europe/London "
        "--member <@U0BOB> <@U0CHEN>",
        note="Alice creates the project for this channel.",
    ),
    Line("U0ALICE", "/pmo project", note="The channel now knows its project."),
    Line(
        "U0BOB",
        "/pmo project members add <@U0CHEN> pm",
        note="Only PMs can change roles, so Bob is told no.",
    ),
    Line("U0ALICE", "what's the weather like?", note="Anything unclear gets help, never silence."),
]


def run_demo() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LIVEPMO_NOW", DEMO_NOW)
    clock.pin(os.environ["LIVEPMO_NOW"])
    settings = start(database_url=f"sqlite:///{DEMO_DB}")
    people = StaticPeople(settings.livepmo_timezone, PEOPLE)
    session = ConsoleSession(console_dispatcher(settings, people), channel=CHANNEL)
    pinned = f"{clock.now():%Y-%m-%d %H:%M}"
    print(f"Live PMO demo — a fresh database at {DEMO_DB}, clock pinned to {pinned} UTC.\n")
    for line in SCRIPT:
        if line.note:
            print(f"# {line.note}")
        name = PEOPLE[line.user].name
        print(f"{name}> {line.text}")
        for reply in session.send(line.text, user=line.user, channel=line.channel):
            print("  " + render_reply(reply).replace("\n", "\n  "))
        print()
    print("That's the tour. Talk to the bot yourself with `livepmo chat --channel C0APOLLO`.")
