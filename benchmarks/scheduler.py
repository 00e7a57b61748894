"""Scheduler at scale against a rate-limited mock Slack: nothing twice, nothing lost.

Simulates `--participants` people in `--projects` projects across 8 timezones
for `--days` working days on the pinned clock. Every participant owns one
overdue RAID item, so each is due one grouped reminder DM per working day at
09:30 local time; each project's PM gets a digest and the project channel a
weekly summary. The clock jumps from one due time to the next and the real
engine runs what is due (`scheduler.engine.Dispatcher`, as the bot's scheduler:
a tick plans while the last posts of the one before go out), posting through the real
Slack poster to the mock Web API, which enforces chat.postMessage's limits:
about 1 message a second per channel (burst 3) and a workspace-wide cap
(`--workspace-cap`, default 100/s; Slack publishes no exact figure), answering
429 with Retry-After beyond them.

Prints posts expected, made, duplicated and lost, and the wall time against the
lower bound the workspace cap sets (target: within 1.2x). Last line: JSON.

    python -m benchmarks.scheduler [--participants 2000] [--projects 20] [--days 5]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from bot.core import clock
from bot.core.db import get_engine, session_scope
from bot.core.models import Role
from bot.core.people import Person, StaticPeople
from bot.core.projects import create_project, set_member
from bot.core.settings import load_settings
from bot.runtime import start
from bot.scheduling import dispatcher, planned
from bot.slack.app import web_client
from bot.slack.poster import SlackPoster
from scheduler.engine import GRACE
from skills.raid.scoring import RaidType
from skills.raid.service import create_item
from tests.slack_harness import MockSlackWebAPI

ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
]
START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday


def populate(url: str, participants: int, projects: int) -> StaticPeople:
    people = StaticPeople("UTC")
    with Session(get_engine(url)) as session:
        for p in range(projects):
            project = create_project(
                session,
                key=f"proj{p:02d}",
                name=f"Project {p}",
                actor="bench",
                timezone=ZONES[p % len(ZONES)],
                channels=[f"C0PROJ{p:02d}"],
                pms=[f"U0PM{p:02d}"],
            )
            for n in range(participants // projects):
                user = f"U0P{p:02d}N{n:04d}"
                people.add(Person(user, user, ZONES[(p + n) % len(ZONES)]))
                set_member(session, project=project, user_id=user, role=Role.MEMBER, actor="bench")
                create_item(
                    session,
                    project=project,
                    raid_type=RaidType.ISSUE,
                    title=f"Overdue task {n}",
                    actor="bench",
                    owner=user,
                    due_on=(START - timedelta(days=2)).date(),
                )
        session.commit()
    return people


def marker(args: dict) -> tuple:
    """The firing and step a scheduled message was marked with."""
    metadata = args.get("metadata") or {}
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    payload = metadata.get("event_payload") or {}
    return payload.get("firing"), payload.get("step")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--workspace-cap", type=float, default=100.0)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    with MockSlackWebAPI() as slack, tempfile.TemporaryDirectory() as folder:
        slack.rate_limit("chat.postMessage", per_second=1, burst=3, per_channel=True)
        slack.workspace_rate_limit(per_second=args.workspace_cap, burst=10)
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        start(database_url=url)
        settings = load_settings(
            database_url=url, slack_bot_token="xoxb-bench", slack_api_url=slack.url
        )
        clock.pin(START)
        people = populate(url, args.participants, args.projects)
        end = START + timedelta(days=args.days + 2)  # the working days and a weekend
        with session_scope(url) as session:
            # Each run looks back GRACE, so the firings in [START - GRACE, end) all come due.
            expected = planned(session, people, START - GRACE, end)
        due_times = sorted({f.due for f in expected if f.due >= START})
        # Pace a little under the cap so network jitter does not trip it.
        poster = SlackPoster(web_client(settings), workspace_per_second=0.9 * args.workspace_cap)
        slack.reset()
        began = time.perf_counter()
        reports: list = []
        with dispatcher(url, people, poster) as engine:
            for due in due_times:
                clock.pin(due)
                reports.append(engine.run(now=due))
        wall = time.perf_counter() - began
        posts = [c for c in slack.calls("chat.postMessage") if c.ok]
        throttled = slack.rate_limited_count("chat.postMessage")
    clock.pin(None)
    kinds = Counter(label.split(":")[0] for r in reports for label in r.posted)
    print("posted by kind:", dict(kinds))
    # Digests have nothing to say here (no unowned risks, nobody away): expected are the
    # reminders and the summaries.
    expected_posts = sum(1 for f in expected if f.kind != "pm-digest")
    made = len(posts)
    # One post per firing and step (the marker each message carries); beyond that, duplicates.
    per_step = Counter(marker(c.args) for c in posts)
    duplicated = sum(n - 1 for n in per_step.values() if n > 1)
    failed = sum(len(r.failed) for r in reports)
    lower_bound = made / args.workspace_cap
    figures = {
        "participants": args.participants,
        "projects": args.projects,
        "days": args.days,
        "timezones": len(ZONES),
        "workspace_cap_per_s": args.workspace_cap,
        "posts_expected": expected_posts,
        "posts_made": made,
        "duplicated": duplicated,
        "lost": max(0, expected_posts - made + duplicated),
        "failed_firings": failed,
        "answered_429": throttled,
        "wall_s": round(wall, 1),
        "lower_bound_s": round(lower_bound, 1),
        "wall_over_bound": round(wall / lower_bound, 2) if lower_bound else None,
    }
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    print(json.dumps({"benchmark": "scheduler", **figures}))


if __name__ == "__main__":
    main()
