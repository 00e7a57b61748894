"""Scheduler fault scenarios shared by the tests and `benchmarks.faults_scheduler`: many
one-off reminders due at once, `schedule run-due` as a real process (killed with SIGKILL
mid-sweep), and the DMs the mock Slack received per person."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.db import session_scope
from bot.slack.app import web_client
from bot.slack.poster import SlackPoster
from skills.reminders.models import Reminder
from tests.slack_harness import MockSlackWebAPI

ROOT = Path(__file__).resolve().parents[2]
DUE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def run_due_process(database_url: str, now: datetime, slack_url: str | None = None):
    env = {**os.environ, "DATABASE_URL": database_url, "LIVEPMO_NOW": now.isoformat()}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL"):
        env.pop(name, None)
    if slack_url:
        env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack_url)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "schedule", "run-due"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def add_reminders(url: str, count: int) -> list[str]:
    users = [f"U0R{n:04d}" for n in range(count)]
    with session_scope(url) as session:
        for user in users:
            session.add(
                Reminder(
                    creator=user,
                    target=user,
                    text=f"stand-up notes {user}",
                    first_due=DUE,
                    timezone="UTC",
                )
            )
    return users


def dms_by_user(slack: MockSlackWebAPI) -> Counter:
    """How many messages each DM (posted with the user id as its channel) received."""
    return Counter(
        c.args["channel"]
        for c in slack.calls("chat.postMessage")
        if c.ok and c.args["channel"].startswith("U")
    )


def delivered(slack: MockSlackWebAPI) -> int:
    return len([c for c in slack.calls("chat.postMessage") if c.ok])


def kill_mid_sweep(url: str, slack: MockSlackWebAPI, *, after: int) -> None:
    """Start `schedule run-due` at DUE + 1 min and SIGKILL it once `after` DMs went out."""
    process = run_due_process(url, DUE + timedelta(minutes=1), slack.url)
    deadline = time.monotonic() + 120
    while delivered(slack) < after:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"run-due ended before it was killed: {process.communicate()}")
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()


def rerun_after_lease(url: str, slack: MockSlackWebAPI) -> None:
    """`schedule run-due` again once the killed run's lease has expired."""
    process = run_due_process(url, DUE + timedelta(minutes=11), slack.url)
    out, err = process.communicate(timeout=180)
    if process.returncode != 0:
        raise RuntimeError(f"run-due failed: {out} {err}")


def slack_poster(settings, slack: MockSlackWebAPI) -> SlackPoster:
    client = web_client(
        settings.model_copy(update={"slack_bot_token": "xoxb-test", "slack_api_url": slack.url})
    )
    return SlackPoster(
        client,
        database_url=settings.database_url,
        per_channel_seconds=0,
        workspace_per_second=1000,
    )
