"""APScheduler wiring, leadership among replicas, Slack pacing, snoozing and stale items."""

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from sqlalchemy import text
from sqlmodel import select

from bot.core import clock
from bot.core.db import get_engine, session_scope
from bot.scheduling import run_due
from bot.slack.app import web_client
from bot.slack.poster import SlackPoster
from scheduler.runner import TICK_JOB_ID, Leadership, start_scheduler
from skills.raid.models import RaidHistory, RaidItem
from tests.helpers import BOB, with_project
from tests.scheduler.test_engine import Outbox, directory
from tests.slack_harness import MockSlackWebAPI


def test_the_tick_job_persists_in_the_database_and_is_replaced_on_restart(settings) -> None:
    for _ in range(2):  # a restart re-adds the same job id instead of a second one
        scheduler = start_scheduler(
            settings.database_url, directory(), Outbox(), kinds=[], interval_seconds=3600
        )
        assert scheduler.get_job(TICK_JOB_ID) is not None
        scheduler.shutdown(wait=False)
    with get_engine(settings.database_url).connect() as connection:
        ids = connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert ids == [TICK_JOB_ID]


def test_one_replica_leads_and_another_takes_over_when_it_dies(settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("leadership is a PostgreSQL advisory lock")
    first, second = Leadership(settings.database_url), Leadership(settings.database_url)
    assert first.held() and not second.held()
    first.release()  # the leader's process dies: its connection closes
    assert second.held() and not first.held()
    second.release()


def test_stale_items_are_reminded_and_snoozing_is_recorded(settings) -> None:
    chat = with_project(settings)
    clock.pin("2026-11-01T09:00:00+00:00")
    chat.send(f"raid add risk: vendor may slip, owner <@{BOB}>, review 2026-12-31")
    clock.pin("2026-11-23T09:00:00+00:00")
    outbox = Outbox()
    run_due(
        settings.database_url, directory(), outbox, now=datetime(2026, 11, 23, 14, 31, tzinfo=UTC)
    )
    [reminder] = [r for r in outbox.sent if r.to_user == BOB]
    assert "not updated for 14+ days" in reminder.blocks[1]["text"]["text"]
    reply = chat.send("!press raid_snooze APOLLO-R1", user=BOB)[0]
    assert "Snoozed APOLLO-R1 to Sun 03 Jan" in reply.text
    with session_scope(settings.database_url) as session:
        notes = session.exec(select(RaidHistory.note).where(RaidHistory.field == "due_on")).all()
        item = session.exec(select(RaidItem)).one()
    assert notes == ["snoozed 3 days from a reminder"] and str(item.due_on) == "2027-01-03"


def test_slack_poster_paces_every_web_api_call_of_an_upload() -> None:
    waits: list[float] = []
    poster = SlackPoster(
        WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/"),
        per_channel_seconds=1.0,
        workspace_per_second=10,
        sleep=waits.append,  # the clock does not move: each wait is from the same instant
    )
    poster.pace("U0USER1")
    poster.pace("C0FILES", calls=3)  # an upload takes three of the workspace's slots
    poster.pace("U0USER2")
    assert [round(w, 3) for w in waits] == [0.1, 0.4]
    poster.pace("U0USER1")  # the same channel waits its second out
    assert round(waits[-1], 3) == 1.0


def test_slack_poster_waits_out_429s_and_loses_nothing(settings) -> None:
    with MockSlackWebAPI() as slack:
        slack.rate_limit("chat.postMessage", per_second=5, burst=1, retry_after=1)
        poster = SlackPoster(
            web_client(
                settings.model_copy(
                    update={"slack_bot_token": "xoxb-test", "slack_api_url": slack.url}
                )
            ),
            per_channel_seconds=0,
            workspace_per_second=1000,
        )
        from bot.core.messages import Reply

        poster([Reply(text=f"reminder {n}", to_user=f"U0USER{n}") for n in range(4)])
        ok = [c for c in slack.calls("chat.postMessage") if c.ok]
        assert slack.rate_limited_count("chat.postMessage") >= 1
        assert sorted(c.args["text"] for c in ok) == [f"reminder {n}" for n in range(4)]
        assert {c.args["channel"] for c in ok} == {f"U0USER{n}" for n in range(4)}
