"""Fixtures for driving the real bot through Slack payloads against a local mock Slack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.settings import Settings, load_settings
from tests.slack.server import RunningBot, running_bot
from tests.slack_harness import MockSlackWebAPI, SlackEventsClient

SIGNING_SECRET = "test-signing-secret"


@pytest.fixture
def slack() -> Iterator[MockSlackWebAPI]:
    with MockSlackWebAPI() as mock:
        mock.set_user("U0ALICE", tz="Europe/London", real_name="Alice")
        mock.set_user("U0BOB", tz="America/New_York", real_name="Bob")
        yield mock


@pytest.fixture
def slack_settings(database_url: str, slack: MockSlackWebAPI, tmp_path) -> Settings:
    return load_settings(
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url,
        chroma_path=tmp_path / "chroma",
        livepmo_timezone="Europe/London",
    )


@pytest.fixture
def bot(slack_settings: Settings) -> Iterator[RunningBot]:
    with running_bot(slack_settings) as running:
        yield running


@pytest.fixture
def events(bot: RunningBot) -> Iterator[SlackEventsClient]:
    with SlackEventsClient(bot.url, SIGNING_SECRET) as client:
        yield client
