"""`livepmo demo`: a sample project and a scripted conversation through the console.

It uses its own fresh SQLite database under ./var and a pinned clock, so it
runs the same on every machine with no Slack, no tokens and no network.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.console.chat import ConsoleSession
from bot.console.render import render_reply
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.people import Person, StaticPeople
from bot.core.settings import Settings
from bot.runtime import start

DEMO_DB = Path("var/demo.db")
DEMO_CHROMA = Path("var/demo-chroma")
SAMPLE_DOCS = Path(__file__).with_name("sample_docs")
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
    Line(
        "U0BOB",
        "<@U0PMO> log a risk: the vendor may slip the go-live, owner <@U0CHEN>, "
        "review Friday, likelihood high impact medium",
        note="RAID: a risk in plain words is saved at once, scored, owned and dated.",
    ),
    Line("U0ALICE", "new dependency: the data team must deliver the extract by 15 Dec"),
    Line("U0ALICE", "raid add issue: test environment is down, owner <@U0BOB>, due 2026-11-20"),
    Line("U0CHEN", "we're assuming the budget is approved"),
    Line(
        "U0CHEN",
        "/pmo raid update APOLLO-R1 mitigation second vendor on standby",
        note="Anyone in the project can update; every change is kept in the history.",
    ),
    Line("U0ALICE", "/pmo raid list", note="The log, worst first."),
    Line(
        "U0CHEN",
        "/pmo raid close APOLLO-I1",
        note="Only the owner or author of an item, a PM or an admin may close it.",
    ),
    Line("U0ALICE", "/pmo raid convert APOLLO-R1", note="The risk happened: it becomes an issue."),
    Line("U0ALICE", "/pmo raid export csv"),
    Line("U0ALICE", "/pmo raid heatmap"),
    Line("U0ALICE", "what's the weather like?", note="Anything unclear gets help, never silence."),
]

PLAN_SCRIPT = [
    Line(
        "U0ALICE",
        "new milestone: Beta launch on 15 Jan, owner <@U0BOB>",
        note="Milestones: a baseline date, a forecast, an owner, the RAID items at stake.",
    ),
    Line("U0ALICE", "/pmo milestone link M1 APOLLO-I1"),
    Line(
        "U0BOB",
        "move M1 to 29 Jan because the vendor slipped two weeks",
        note="Every move is kept with who and why, shown as baseline → forecast (+N days).",
    ),
    Line(
        "U0ALICE",
        "/pmo cost budget 1.2m EUR --start 2026-09 --end 2027-06",
        note="Cost: a budget, actuals by month, and the forecast at completion by run rate.",
    ),
    Line("U0ALICE", "spent €110k in September"),
    Line("U0ALICE", "/pmo cost actual Oct 2026 140k contractors and licences"),
]

KNOWLEDGE_SCRIPT = [
    Line(
        "U0BOB",
        "<@U0PMO> who approves a change request?",
        note="Q&A: answered in the thread, quoting the documents with numbered sources.",
    ),
    Line("U0CHEN", "<@U0PMO> when is code freeze?"),
    Line(
        "U0BOB",
        "<@U0PMO> what is the parking policy for contractors?",
        note="Not in the documents: it says so and lists the closest ones instead of guessing.",
    ),
    Line("U0ALICE", "/pmo kb list"),
]


def run_demo() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(DEMO_CHROMA, ignore_errors=True)
    DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LIVEPMO_NOW", DEMO_NOW)
    clock.pin(os.environ["LIVEPMO_NOW"])
    settings = start(database_url=f"sqlite:///{DEMO_DB}", chroma_path=DEMO_CHROMA)
    people = StaticPeople(settings.livepmo_timezone, PEOPLE)
    session = ConsoleSession(console_dispatcher(settings, people), channel=CHANNEL)
    pinned = f"{clock.now():%Y-%m-%d %H:%M}"
    print(f"Live PMO demo — a fresh database at {DEMO_DB}, clock pinned to {pinned} UTC.\n")
    play(session, people, SCRIPT)
    play(session, people, PLAN_SCRIPT)
    add_sample_documents(settings)
    play(session, people, KNOWLEDGE_SCRIPT)
    show_scheduler(settings, people)
    show_home(session, people)
    print("That's the tour. Talk to the bot yourself with `livepmo chat --channel C0APOLLO`.")


def play(session: ConsoleSession, people: StaticPeople, script: list[Line]) -> None:
    for line in script:
        if line.note:
            print(f"# {line.note}")
        print(f"{PEOPLE[line.user].name}> {line.text}")
        for reply in session.send(line.text, user=line.user, channel=line.channel):
            shown = render_reply(reply, lambda user: people.get(user).name)
            print("  " + shown.replace("\n", "\n  "))
        print()


def add_sample_documents(settings: Settings) -> None:
    """Alice adds the project's documents, as `livepmo ingest` (or sharing them in Slack) would."""
    from bot.core.db import session_scope
    from bot.core.projects import get_project
    from bot.core.text import unformat
    from skills.kb.index import retriever
    from skills.kb.service import ingest_paths
    from skills.kb.views import outcome_line

    print(
        f"# Alice adds the project documents: livepmo ingest {SAMPLE_DOCS.name}/ --project apollo"
    )
    with session_scope(settings.database_url) as session:
        project = get_project(session, "apollo")
    for outcome in ingest_paths(settings, project, [SAMPLE_DOCS], actor="U0ALICE"):
        print("  " + unformat(outcome_line(outcome)))
    kb = retriever(settings)
    if not kb.dense_available:
        print(f"  (keyword search only: {kb.dense_unavailable_reason})")
    print()


def show_scheduler(settings: Settings, people: StaticPeople) -> None:
    """The scheduler wakes up later that Monday and posts what is due, exactly once."""
    from bot.scheduling import run_due
    from scheduler.posting import ConsolePoster

    later = datetime(2026, 11, 23, 14, 31, tzinfo=UTC)  # 09:31 in New York
    clock.pin(later)
    print(
        f"# Later: the scheduler wakes at {later:%H:%M} UTC and posts what is due — the weekly"
        " summary in the channel, Bob's reminder at 09:30 his time, and Alice's alert that"
        " Beta launch slipped past the project's threshold."
    )
    poster = ConsolePoster(
        lambda reply: (
            "  " + render_reply(reply, lambda user: people.get(user).name).replace("\n", "\n  ")
        )
    )
    report = run_due(settings.database_url, people, poster, now=later)
    again = run_due(settings.database_url, people, poster, now=later)
    print(
        f"# Posted {len(report.posted)}; running again at the same time posts "
        f"{len(again.posted)} (each firing is recorded before it posts).\n"
    )


def show_home(session: ConsoleSession, people: StaticPeople) -> None:
    """Alice's App Home, exactly as `views.publish` would show it (`livepmo hub --user`)."""
    print("# Alice opens the bot's Home tab in Slack: `livepmo hub --user U0ALICE` prints it.")
    for reply in session.dispatcher.invoke("hub.home", {}, user="U0ALICE"):
        shown = render_reply(reply, lambda user: people.get(user).name)
        print("  " + shown.replace("\n", "\n  "))
    print()
