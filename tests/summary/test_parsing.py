"""Reading `--since` and finding projects named in a question (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.messages import UserError
from bot.core.models import Project
from skills.summary.parsing import mentioned_projects, parse_request, parse_since

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
PROJECTS = [
    Project(key="apollo", name="Apollo launch"),
    Project(key="apollo-2", name="Second moon"),
    Project(key="zeus", name="Zeus"),
]


@pytest.mark.parametrize(
    ("raw", "timezone", "expected"),
    [
        (None, "UTC", NOW - timedelta(days=7)),
        ("14d", "UTC", NOW - timedelta(days=14)),
        ("2w", "UTC", NOW - timedelta(days=14)),
        ("2026-11-01", "Europe/London", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01", "America/New_York", datetime(2026, 11, 1, 4, tzinfo=UTC)),
    ],
)
def test_since(raw: str | None, timezone: str, expected: datetime) -> None:
    assert parse_since(raw, now=NOW, timezone=timezone) == expected


def test_since_rejects_nonsense() -> None:
    with pytest.raises(UserError, match="7d"):
        parse_since("last tuesday", now=NOW, timezone="UTC")


def test_bare_since_and_flags_are_taken_out_of_the_words() -> None:
    request = parse_request("apollo's 14d --project zeus")
    assert (request.since, request.project, request.words) == ("14d", "zeus", ["apollo"])


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("how is APOLLO doing?", ["apollo"]),
        ("how’s the apollo launch looking", ["apollo"]),
        ("what about apollo-2's budget", ["apollo-2"]),
        ("is the second moon on track", ["apollo-2"]),
        ("zeus and apollo please", ["zeus", "apollo"]),
        ("what's the status of APOLLO-R1", []),
        ("how is the zeuss project", []),
    ],
)
def test_projects_named_in_text(text: str, keys: list[str]) -> None:
    assert [p.key for p in mentioned_projects(text, PROJECTS)] == keys
