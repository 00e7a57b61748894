"""HTTP mode with the Bolt app in worker processes (`livepmo run --http --workers N`): the
serving process acks; a worker claims and does the work after the ack, once; forms and
Slack's URL check are answered by a worker; a stopped bot finishes the work it acked."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.core.db import migrate
from bot.slack.handoff import WorkerProcesses
from tests.slack.conftest import SIGNING_SECRET
from tests.slack.server import free_port, http_settings, running_bot, wait_healthy
from tests.slack_harness import MockSlackWebAPI, SlackEventsClient, payloads


def settle(slack, method: str, count: int, timeout: float = 30) -> list:
    """Wait for `count` calls, then a little longer for any that should not come."""
    slack.wait_for(method, count=count, timeout=timeout)
    time.sleep(0.5)
    return slack.calls(method)


def sqlite_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bot.db'}"
    migrate(url)
    return url


@dataclass
class WorkerBot:
    url: str
    slack: MockSlackWebAPI
    database_url: str
    workers: WorkerProcesses


@pytest.fixture(scope="module")
def worker_bot(tmp_path_factory) -> Iterator[WorkerBot]:
    """One HTTP front with one worker process, on SQLite, for the module's tests."""
    folder = tmp_path_factory.mktemp("worker_bot")
    with MockSlackWebAPI() as slack:
        database_url = sqlite_database(folder)
        settings = http_settings(database_url, slack.url, folder, SIGNING_SECRET)
        with running_bot(settings, workers=1) as bot:
            assert bot.dispatcher is None  # no Bolt app, no listener in the serving process
            yield WorkerBot(bot.url, slack, database_url, bot.handoff)  # type: ignore[arg-type]


@pytest.fixture
def events(worker_bot: WorkerBot) -> Iterator[SlackEventsClient]:
    worker_bot.slack.reset()
    with SlackEventsClient(worker_bot.url, SIGNING_SECRET, timeout=10) as client:
        yield client


def test_a_worker_does_the_work_after_the_ack_once(worker_bot, events) -> None:
    """The worker's first step is the delivery's claim: with the database locked it cannot
    start, yet every delivery is acked; once unlocked, each runs once (the retry dropped)."""
    slack = worker_bot.slack
    mention = payloads.event_callback(payloads.app_mention_event("<@UBOT> help", user="U0ALICE"))
    url = slack.response_url("help")
    command = payloads.slash_command("help", user="U0ALICE", channel="C0APOLLO", response_url=url)
    locker = lock(worker_bot.database_url)
    try:
        assert events.post_event(mention).status_code == 200
        assert events.post_command(command).status_code == 200
        retried = events.post_event(mention, retry_num=1, retry_reason="http_timeout")
        assert retried.status_code == 200
        time.sleep(0.3)
        assert slack.calls("chat.postMessage") == slack.calls("response_url") == []
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    [post] = settle(slack, "chat.postMessage", 1)
    assert "Here's what I can do" in post.args["text"]
    [answer] = settle(slack, "response_url", 1)
    assert answer.args["response_type"] == "ephemeral"


def test_a_worker_answers_a_form_and_the_url_check(events) -> None:
    check = events.post_event(payloads.url_verification("challenge-7"))
    assert check.json()["challenge"] == "challenge-7"
    bad = payloads.view_submission(
        "raid_form",
        payloads.state_values({"title": {"title": ""}}),
        private_metadata='{"project": "apollo"}',
        user="U0ALICE",
    )
    response = events.post_interactive(bad)
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"
    assert "title" in response.json()["errors"]


def test_a_worker_that_dies_is_replaced(worker_bot, events) -> None:
    [pid] = worker_bot.workers.pids()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while worker_bot.workers.pids() == [pid] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert worker_bot.workers.pids() != [pid]
    url = worker_bot.slack.response_url("after")
    command = payloads.slash_command("help", user="U0ALICE", response_url=url)
    assert events.post_command(command).status_code == 200  # queued while it starts
    assert len(settle(worker_bot.slack, "response_url", 1, timeout=90)) == 1  # once started
    assert events.get("/healthz").status_code == 200


def lock(database_url: str) -> sqlite3.Connection:
    """A connection holding the database's write lock (until ROLLBACK)."""
    locker = sqlite3.connect(make_url(database_url).database, isolation_level=None, timeout=1)
    locker.execute("BEGIN IMMEDIATE")
    return locker


def test_sigterm_finishes_the_work_already_acked(slack, tmp_path) -> None:
    """`livepmo run --http --workers 1` stopped with SIGTERM while its worker cannot claim
    anything yet: it exits cleanly once every acked delivery has been answered."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": (sqlite_url := sqlite_database(tmp_path)),
        "CHROMA_PATH": str(tmp_path / "chroma"),
        "NO_PROXY": "127.0.0.1",
    }
    env.pop("SLACK_APP_TOKEN", None)
    command = [sys.executable, "-m", "bot.cli", "run", "--http", "--host", "127.0.0.1"]
    bot = subprocess.Popen([*command, "--port", str(port), "--workers", "1"], env=env)
    locker = None
    try:
        wait_healthy(f"http://127.0.0.1:{port}", bot)
        locker = lock(sqlite_url)
        with SlackEventsClient(f"http://127.0.0.1:{port}", SIGNING_SECRET, timeout=5) as events:
            for n in range(6):
                url = slack.response_url(f"c{n}")
                acked = events.post_command(
                    payloads.slash_command("help", user="U0ALICE", response_url=url)
                )
                assert acked.status_code == 200
        bot.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert bot.poll() is None  # still at work, waiting for the database
        locker.execute("ROLLBACK")
        assert bot.wait(timeout=60) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal
    finally:
        if locker is not None:
            locker.close()
        if bot.poll() is None:
            bot.kill()
    assert len(slack.calls("response_url")) == 6
