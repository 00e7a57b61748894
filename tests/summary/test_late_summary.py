"""A weekly summary missed in an outage still goes out, marked late, for a few days (then the
next one is near); the RAID reminders missed with it are logged as stale, not sent late."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.core.messages import Reply
from bot.scheduling import run_due
from tests.helpers import BOB, people, with_project

FRIDAY_0931 = datetime(2026, 11, 20, 9, 31, tzinfo=UTC)  # the scheduler's last run


def summaries(posts: list[Reply]) -> list[Reply]:
    return [p for p in posts if p.to_channel == "C0APOLLO"]


def test_a_summary_missed_by_hours_is_posted_late_and_says_so(settings, caplog) -> None:
    chat = with_project(settings)
    chat.send(f"raid add issue: build server down, owner <@{BOB}>, due 2026-11-10")
    posts: list[Reply] = []
    run_due(settings.database_url, people(), posts.extend, now=FRIDAY_0931)
    monday_21 = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # 12 h after Monday's 09:00
    with caplog.at_level(logging.WARNING, logger="scheduler"):
        back = run_due(settings.database_url, people(), posts.extend, now=monday_21)

    [summary] = summaries(posts)
    note = "Sent late: this was due Mon 23 Nov at 09:00 (Europe/London)."
    assert summary.text.startswith(f"_{note}_") and "Apollo" in summary.text
    assert summary.blocks[0]["type"] == "header"
    assert summary.blocks[1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}
    # Bob's reminder (09:30 New York, 14:30 UTC) and Alice's digest are not sent hours late
    assert [p.split("@")[0] for p in back.posted] == ["summary:apollo"]
    assert {"reminder:U0BOB@2026-11-23T14:30Z", "pm-digest:U0ALICE@2026-11-23T09:30Z"} <= set(
        back.stale
    )
    assert any("reminder:U0BOB@2026-11-23T14:30Z" in r.getMessage() for r in caplog.records)


def test_a_summary_missed_by_days_waits_for_the_next_one(settings) -> None:
    with_project(settings)
    posts: list[Reply] = []
    run_due(settings.database_url, people(), posts.extend, now=FRIDAY_0931)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # 5 days after Monday's
    back = run_due(settings.database_url, people(), posts.extend, now=saturday)
    assert summaries(posts) == [] and "summary:apollo@2026-11-23T09:00Z" in back.stale
