"""A signed command or interaction replayed within the 5-minute window runs once, across
replicas sharing the database, and the ack never waits on the database to know it."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.core.db import migrate, session_scope
from skills.raid.models import RaidItem
from tests.slack.conftest import SIGNING_SECRET
from tests.slack.server import http_settings, running_bot
from tests.slack_harness import SlackEventsClient, payloads
from tests.slack_harness.client import encode_command, encode_event, encode_interactive


def replay(events, body: bytes, content_type: str, times: int = 3) -> None:
    """POST the same signed bytes (same timestamp, same signature) `times` times."""
    headers = {"Content-Type": content_type, **events.signer.headers(body)}
    for _ in range(times):
        assert events.http.post(events.path, content=body, headers=headers).status_code == 200


def settle(slack, method: str, count: int) -> list:
    """Wait for `count` calls, then a little longer for any that should not come."""
    slack.wait_for(method, count=count)
    time.sleep(0.5)
    return slack.calls(method)


def items(database_url: str) -> list[RaidItem]:
    with session_scope(database_url) as session:
        return list(session.exec(select(RaidItem)))


def test_a_replayed_slash_command_runs_once(events, slack, slack_settings) -> None:
    url = slack.response_url("first")
    create = payloads.slash_command("project create apollo Apollo", user="U0ALICE",
                                    channel="C0APOLLO", response_url=url)  # fmt: skip
    replay(events, *encode_command(create), times=1)
    slack.wait_for("response_url")
    url = slack.response_url("add")
    add = payloads.slash_command("raid add risk: vendor may slip", user="U0ALICE",
                                 channel="C0APOLLO", response_url=url)  # fmt: skip
    replay(events, *encode_command(add))
    assert len(settle(slack, "response_url", 2)) == 2
    assert [i.title for i in items(slack_settings.database_url)] == ["Vendor may slip"]


def test_a_replayed_button_runs_once_and_a_new_press_runs_again(events, slack) -> None:
    url = slack.response_url("btn")
    press = payloads.block_actions("no_such_action", "x", user="U0ALICE", response_url=url)
    replay(events, *encode_interactive(press))
    assert len(settle(slack, "response_url", 1)) == 1
    again = payloads.block_actions("no_such_action", "x", user="U0ALICE", response_url=url)
    replay(events, *encode_interactive(again), times=1)
    assert len(settle(slack, "response_url", 2)) == 2


def test_a_replayed_form_submission_saves_once(events, slack, slack_settings) -> None:
    url = slack.response_url("create")
    replay(events, *encode_command(payloads.slash_command(
        "project create apollo Apollo", user="U0ALICE", channel="C0APOLLO", response_url=url
    )), times=1)  # fmt: skip
    slack.wait_for("response_url")
    values = payloads.state_values(
        {"title": {"title": "planted once"}, "type": {"type": {"type": "static_select",
         "selected_option": {"value": "risk"}}}}
    )  # fmt: skip
    form = payloads.view_submission(
        "raid_form", values, private_metadata='{"project": "apollo"}', user="U0ALICE"
    )
    replay(events, *encode_interactive(form))
    settle(slack, "chat.postMessage", 1)
    assert [i.title for i in items(slack_settings.database_url)] == ["planted once"]


def test_a_command_replayed_to_two_replicas_at_once_runs_once(slack, slack_settings) -> None:
    url = slack.response_url("help")
    command = payloads.slash_command("help", user="U0ALICE", response_url=url)
    body, content_type = encode_command(command)
    with running_bot(slack_settings) as one, running_bot(slack_settings) as two:
        clients = [SlackEventsClient(b.url, SIGNING_SECRET) for b in (one, two, one, two)]
        headers = {"Content-Type": content_type, **clients[0].signer.headers(body)}
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(
                lambda c: c.http.post(c.path, content=body, headers=headers).status_code, clients
            ))  # fmt: skip
        for client in clients:
            client.close()
        assert statuses == [200] * 4
        assert len(settle(slack, "response_url", 1)) == 1


@pytest.fixture
def sqlite_bot_settings(slack, tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    migrate(url)
    return http_settings(url, slack.url, tmp_path, SIGNING_SECRET)


def test_an_event_is_acked_while_the_database_is_locked(slack, sqlite_bot_settings) -> None:
    """The event-retry record is written after the ack, by the worker: a write lock held
    elsewhere delays the work, never the ack, and the retry is still dropped."""
    path = make_url(sqlite_bot_settings.database_url).database
    delivery = payloads.event_callback(payloads.app_mention_event("<@UBOT> help", user="U0ALICE"))
    body, content_type = encode_event(delivery)
    with (
        running_bot(sqlite_bot_settings) as bot,
        SlackEventsClient(bot.url, SIGNING_SECRET, timeout=5) as events,
    ):
        locker = sqlite3.connect(path, isolation_level=None, timeout=1)
        locker.execute("BEGIN IMMEDIATE")  # holds the write lock
        try:
            replay(events, body, content_type, times=2)  # acked (a timeout would raise)
            assert slack.calls("chat.postMessage") == []
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert len(settle(slack, "chat.postMessage", 1)) == 1
