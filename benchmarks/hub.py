"""Publishing the App Home for a person with 200 open items: the server's time.

A PM of four projects owns 200 open RAID items (some overdue, some threatening milestones),
with milestones, budgets and actuals, so the Home has every section including the portfolio.
The bot runs in HTTP mode in-process against the local mock Slack; each round posts a signed
`app_home_opened` event and times, on the server side, `hub.home` (reading the database and
building the view) and the whole publish (event in, `views.publish` received by the mock).
Target: under 1 s for the publish. Run on an idle machine; on a shared one say so.

    python -m benchmarks.hub [--rounds 20] [--items 200]

The last line is one JSON object with the figures (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bot.core import clock
from bot.core.db import migrate, session_scope
from bot.core.projects import create_project
from bot.core.settings import load_settings
from skills.cost import service as cost
from skills.milestones import service as milestones
from skills.raid import service as raid
from skills.raid.scoring import RaidType
from tests.slack.server import running_bot
from tests.slack_harness import MockSlackWebAPI, SlackEventsClient, payloads

SECRET = "bench-signing-secret"
PM = "U0BENCHPM"
TYPES = list(RaidType)


def seed(database_url: str, items: int) -> None:
    """Four projects run by PM; `items` open items owned by PM across them."""
    today = clock.today("Europe/London")
    with session_scope(database_url) as session:
        projects = [
            create_project(session, key=f"bench{n}", name=f"Bench {n}", actor=PM, pms=[PM])
            for n in range(4)
        ]
        for project in projects:
            beta = milestones.create_milestone(
                session, project=project, name="Beta", due_on=today + timedelta(days=40), actor=PM
            )
            milestones.move(
                session, milestone=beta, to=today + timedelta(days=52), actor=PM, reason="bench"
            )
            cost.set_budget(
                session,
                project=project,
                cents=10**8,
                currency="EUR",
                actor=PM,
                source="bench",
                starts_on=date(today.year, 1, 1),
                ends_on=date(today.year + 1, 6, 1),
            )
            cost.record_figure(
                session,
                project=project,
                period=today.replace(day=1),
                kind="actual",
                cents=9_000_000,
                currency="EUR",
                actor=PM,
                source="bench",
            )
        for n in range(items):
            project = projects[n % 4]
            item = raid.create_item(
                session,
                project=project,
                raid_type=TYPES[n % 4],
                title=f"Benchmark item {n} with a realistic length of title text",
                actor=PM,
                owner=PM,
                due_on=today + timedelta(days=(n % 40) - 10),
                probability=1 + n % 5,
                impact=1 + (n // 5) % 5,
            )
            if n % 10 == 0:
                beta = milestones.next_milestone(session, project)
                milestones.link_item(session, milestone=beta, item=item, actor=PM)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="livepmo-hub-bench-"))
    database_url = f"sqlite:///{folder / 'bench.db'}"
    migrate(database_url)
    seed(database_url, args.items)
    build, publish = [], []
    with MockSlackWebAPI() as slack:
        settings = load_settings(
            database_url=database_url,
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_api_url=slack.url,
            chroma_path=folder / "chroma",
            livepmo_timezone="Europe/London",
        )
        with running_bot(settings) as bot, SlackEventsClient(bot.url, SECRET) as events:
            for _ in range(args.rounds):
                started = time.perf_counter()
                bot.dispatcher.invoke("hub.home", {}, user=PM)
                build.append(1000 * (time.perf_counter() - started))
            for n in range(args.rounds):
                started = time.perf_counter()
                events.post_event(payloads.event_callback(payloads.app_home_opened_event(PM)))
                slack.wait_for("views.publish", count=n + 1, timeout=30)
                publish.append(1000 * (time.perf_counter() - started))
            view = slack.home_view(PM)
    assert view is not None and all(call.ok for call in slack.calls("views.publish"))
    figures = {
        "items": args.items,
        "rounds": args.rounds,
        "blocks": len(view["blocks"]),
        "build_ms_median": round(statistics.median(build), 1),
        "build_ms_max": round(max(build), 1),
        "publish_ms_median": round(statistics.median(publish), 1),
        "publish_ms_p95": round(sorted(publish)[int(0.95 * (len(publish) - 1))], 1),
        "target_ms": 1000,
    }
    print(
        f"Home for {args.items} items: built in {figures['build_ms_median']} ms (median), "
        f"published in {figures['publish_ms_median']} ms (median, event in to views.publish)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
