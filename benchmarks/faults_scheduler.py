"""Fault scenarios of issue 11 about scheduled posts, as functions returning counts.

* `kill_and_rerun`: 150 one-off reminders due at once; `livepmo schedule run-due` (a real
  process, posting to a mock Slack) is killed with SIGKILL mid-sweep, then run again after
  the dead run's lease: DMs duplicated and lost.
* `partial_summary_failure`: a weekly summary whose heat-map upload fails once, then the
  retry: summary texts posted more than once, uploads lost.
* `cut_after_upload`: a weekly summary whose message and heat-map upload Slack confirmed,
  then its record is lost (the database goes away), and the retry after the lease: texts
  and uploads posted more than once, lost.

`benchmarks.faults` calls `run`; run alone, the last line is one JSON object:

    python -m benchmarks.faults_scheduler [--database-url URL] [--reminders 150]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy.exc import OperationalError

from bot.core import clock
from bot.core.db import migrate
from bot.core.settings import Settings, load_settings
from bot.scheduling import run_due
from tests.conftest import empty_tables
from tests.helpers import people, with_project
from tests.scheduler.faults import (
    add_reminders,
    dms_by_user,
    kill_mid_sweep,
    rerun_after_lease,
    slack_poster,
)
from tests.slack_harness import MockSlackWebAPI

SUMMARY_DUE = datetime(2026, 11, 23, 9, 1, tzinfo=UTC)  # apollo's Monday 09:00 (London)


@contextmanager
def fresh_settings(database_url: str | None) -> Iterator[Settings]:
    """Settings on `database_url` (emptied first) or on a new SQLite file."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'faults.db'}"
        migrate(url)
        empty_tables(url)
        yield load_settings(
            database_url=url, chroma_path=Path(folder) / "chroma", livepmo_timezone="Europe/London"
        )


def kill_and_rerun(database_url: str | None = None, reminders: int = 150) -> dict[str, Any]:
    with fresh_settings(database_url) as settings, MockSlackWebAPI() as slack:
        users = add_reminders(settings.database_url, reminders)
        kill_mid_sweep(settings.database_url, slack, after=reminders // 4)
        before_rerun = sum(dms_by_user(slack).values())
        rerun_after_lease(settings.database_url, slack)
        sent = dms_by_user(slack)
    return {
        "reminders": reminders,
        "delivered_before_kill": before_rerun,
        "duplicates": sum(n - 1 for n in sent.values() if n > 1),
        "lost": len(set(users) - set(sent)),
    }


@contextmanager
def weekly_summary(database_url: str | None) -> Iterator[tuple[str, MockSlackWebAPI, Any]]:
    """A project with a risk, its weekly summary due at `SUMMARY_DUE`: (database URL, the
    mock Slack, the poster), the clock pinned just before it."""
    clock.pin(SUMMARY_DUE - timedelta(minutes=1))
    try:
        with fresh_settings(database_url) as settings, MockSlackWebAPI() as slack:
            with_project(settings).send("raid add risk: supplier insolvency P4 I5")
            yield settings.database_url, slack, slack_poster(settings, slack)
    finally:
        clock.pin(None)


def summary_posts(slack: MockSlackWebAPI) -> tuple[list[Any], list[Any]]:
    """The summary's messages and uploads Slack accepted."""
    texts = [c for c in slack.calls("chat.postMessage") if c.ok]
    return texts, [c for c in slack.calls("files.completeUploadExternal") if c.ok]


def partial_summary_failure(database_url: str | None = None) -> dict[str, Any]:
    with weekly_summary(database_url) as (url, slack, poster):
        slack.fail_next("files.getUploadURLExternal", error="internal_error")
        first = run_due(url, people(), poster, now=SUMMARY_DUE)
        retry = run_due(url, people(), poster, now=SUMMARY_DUE + timedelta(minutes=3))
        texts, uploads = summary_posts(slack)
    return {
        "failed_first": len(first.failed),
        "posted_on_retry": len(retry.posted),
        "duplicates": max(0, len(texts) - 1),
        "lost": max(0, 1 - len(uploads)) + max(0, 1 - len(texts)),
    }


def cut_after_upload(database_url: str | None = None) -> dict[str, Any]:
    with weekly_summary(database_url) as (url, slack, poster):
        gone = OperationalError("INSERT INTO schedule_posts", {}, Exception("server closed"))
        recorded = mock.patch("scheduler.engine.record_outcomes", side_effect=gone)
        with recorded, suppress(OperationalError):  # Slack confirmed all; none recorded
            run_due(url, people(), poster, now=SUMMARY_DUE)
        later = SUMMARY_DUE + timedelta(minutes=11)  # after the lost run's lease
        retry = run_due(url, people(), poster, now=later)
        texts, uploads = summary_posts(slack)
    return {
        "posted_on_retry": len(retry.posted),
        "text_duplicates": max(0, len(texts) - 1),
        "upload_duplicates": max(0, len(uploads) - 1),
        "lost": max(0, 1 - len(uploads)) + max(0, 1 - len(texts)),
    }


def run(database_url: str | None = None, reminders: int = 150) -> dict[str, Any]:
    """The three scenarios; `duplicates` and `lost` are their sums."""
    killed = kill_and_rerun(database_url, reminders)
    partial = partial_summary_failure(database_url)
    cut = cut_after_upload(database_url)
    return {
        "duplicates": killed["duplicates"]
        + partial["duplicates"]
        + cut["text_duplicates"]
        + cut["upload_duplicates"],
        "lost": killed["lost"] + partial["lost"] + cut["lost"],
        "kill_and_rerun": killed,
        "partial_summary_failure": partial,
        "cut_after_upload": cut,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--reminders", type=int, default=150)
    args = parser.parse_args()
    figures = run(args.database_url, args.reminders)
    for name, value in figures.items():
        print(f"{name:>24}: {value}")
    print(json.dumps({"benchmark": "faults_scheduler", **figures}))


if __name__ == "__main__":
    main()
