"""A database that accepts TCP and never answers: acks still go out at once, `/healthz`
answers 503 with the reason within 2 s, and the work gives up after the connect timeout."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from bot.core.settings import cached_settings
from tests.slack.conftest import SIGNING_SECRET
from tests.slack.server import http_settings, running_bot
from tests.slack_harness import SlackEventsClient, payloads


@pytest.fixture
def silent_database() -> Iterator[str]:
    """A PostgreSQL URL on a local port that accepts connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"postgresql+psycopg://nobody@127.0.0.1:{server.getsockname()[1]}/livepmo"
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def short_timeouts(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("LIVEPMO_DB_CONNECT_TIMEOUT", "2")
    cached_settings.cache_clear()
    yield
    cached_settings.cache_clear()


def test_healthz_and_acks_do_not_wait_on_a_hung_database(
    slack, silent_database, short_timeouts, tmp_path
) -> None:
    settings = http_settings(silent_database, slack.url, tmp_path, SIGNING_SECRET)
    with running_bot(settings) as bot, SlackEventsClient(bot.url, SIGNING_SECRET) as events:
        health = httpx.get(f"{bot.url}/healthz", timeout=2, trust_env=False)
        assert health.status_code == 503
        assert health.json()["database"] == "unreachable"
        assert "did not answer" in health.json()["reason"]
        mention = payloads.app_mention_event("<@UBOT> help", user="U0ALICE")
        with httpx.Client(base_url=bot.url, timeout=2, trust_env=False) as quick:
            events.http = quick  # acks must come well inside Slack's 3 s
            assert events.post_event(payloads.event_callback(mention)).status_code == 200
            url = slack.response_url("hung")
            command = payloads.slash_command("raid list", user="U0ALICE", response_url=url)
            assert events.post_command(command).status_code == 200
        # The work itself gives up after the connect timeout and says so, not silence.
        [answer] = slack.wait_for("response_url", timeout=30)
        assert "went wrong" in answer.args["text"].lower()
