"""The weekly summary posts every Monday, the second week's covering what changed since the
first (the last post's time is read back from the database: naive on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import clock
from bot.core.messages import Reply
from bot.scheduling import run_due
from tests.helpers import people, with_project


def test_the_weekly_summary_posts_every_monday(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo checkin on")  # the summary then reads the week's check-ins too
    monday = datetime(2026, 11, 23, 9, 1, tzinfo=UTC)
    posts: list[Reply] = []
    for week in range(2):
        if week:
            chat.send("raid add risk: vendor may slip")
        for hours in (0, 0.5, 4.5):  # the summary, the check-in's prompts, its report
            moment = monday + timedelta(days=7 * week, hours=hours)
            clock.pin(moment)
            result = run_due(settings.database_url, people(), posts.extend, now=moment)
            assert result.failed == [], result.failed
    summaries = [p for p in posts if p.to_channel == "C0APOLLO" and "Apollo" in p.text]
    assert len(summaries) == 2 and "APOLLO-R1" in summaries[1].text


def test_a_decision_logged_this_week_is_new_not_closed(settings) -> None:
    chat = with_project(settings)
    chat.send("decision: we go with Postgres instead of Mongo")
    said = chat.send("summary")[0].text
    assert "new decision · decided" in said and "_Closed_" not in said
