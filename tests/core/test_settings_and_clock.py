from datetime import UTC, datetime

import pytest

from bot.core import clock
from bot.core.settings import ConfigError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert not settings.slack_configured


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN"),
        ("SLACK_APP_TOKEN", "xoxb-wrong", "SLACK_APP_TOKEN"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("DATABASE_URL", "mysql://root@127.0.0.1/livepmo", "DATABASE_URL"),
        ("LIVEPMO_DB_STATEMENT_TIMEOUT", "0", "LIVEPMO_DB_STATEMENT_TIMEOUT"),
        ("LIVEPMO_TIMEZONE", "Mars/Olympus", "LIVEPMO_TIMEZONE"),
        ("LIVEPMO_NOW", "2026-11-23T09:00:00", "LIVEPMO_NOW"),
        ("CHROMA_PORT", "99999", "CHROMA_PORT"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(monkeypatch, variable, value, named) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(named) and "expected" in message
    assert "\n" not in message


def test_api_url_gets_a_trailing_slash(monkeypatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    assert load_settings().slack_api_url == "http://127.0.0.1:9999/api/"


def test_clock_honours_pin_and_environment(monkeypatch) -> None:
    clock.pin(None)
    monkeypatch.setenv("LIVEPMO_NOW", "2026-12-01T10:30:00+01:00")
    assert clock.now() == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert str(clock.today("Asia/Tokyo")) == "2026-12-01"
    clock.pin("2026-11-23T23:30:00+00:00")
    assert clock.now().hour == 23
    assert str(clock.today("Asia/Tokyo")) == "2026-11-24"
    with pytest.raises(ValueError):
        clock.pin(datetime(2026, 1, 1))
