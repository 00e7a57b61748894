"""After an outage longer than the grace, nothing is dropped silently: a kind that catches up
posts the newest missed firing of each series late (marked `late`); the rest are recorded
`stale` and named in a warning (`scheduler.policy`)."""

import logging
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.db import session_scope
from bot.core.messages import Reply
from bot.core.people import StaticPeople
from scheduler.engine import run_due
from scheduler.models import Firing
from scheduler.plan import PlanContext, Planned, local_instants
from scheduler.policy import Policy

MONDAY_1001 = datetime(2026, 11, 23, 10, 1, tzinfo=UTC)


class Daily:
    """A post in #C0X at 10:00 UTC every day, under one job key."""

    def __init__(self, name: str, policy: Policy | None = None) -> None:
        self.name = name
        if policy is not None:
            self.policy = policy

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        return [
            Planned(self.name, f"{self.name}:x", due, "C0X", "UTC")
            for due in local_instants("UTC", "10:00", start, end)
        ]

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        late = " (late)" if firing.late else ""
        return [Reply(text=f"{self.name} of {firing.due:%a}{late}", to_channel="C0X")]


KINDS = [Daily("report", Policy(catch_up=timedelta(days=2))), Daily("nudge")]


def tick(url: str, now: datetime, sent: list[Reply]):  # noqa: ANN201
    return run_due(url, StaticPeople("UTC"), sent.extend, kinds=KINDS, now=now)


def test_the_newest_missed_post_goes_late_and_the_rest_are_logged_as_stale(
    sqlite_only_url, caplog
) -> None:
    sent: list[Reply] = []
    tick(sqlite_only_url, MONDAY_1001, sent)  # running: both post on Monday
    thursday_18 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # down since, 8 h past Thursday's
    with caplog.at_level(logging.WARNING, logger="scheduler"):
        back = tick(sqlite_only_url, thursday_18, sent)

    assert sorted(r.text for r in sent[:2]) == ["nudge of Mon", "report of Mon"]
    assert [r.text for r in sent[2:]] == ["report of Thu (late)"]
    missed = [f"{kind}:x@2026-11-{day}T10:00Z" for kind in ("report", "nudge") for day in (24, 25)]
    assert sorted(back.stale) == sorted([*missed, "nudge:x@2026-11-26T10:00Z"])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("3 nudge firing(s)" in w and "nudge:x@2026-11-24T10:00Z" in w for w in warnings)
    assert any("2 report firing(s)" in w and "report:x@2026-11-25T10:00Z" in w for w in warnings)
    with session_scope(sqlite_only_url) as session:
        statuses = sorted(r.status for r in session.exec(select(Firing)))
    assert statuses == ["posted"] * 3 + ["stale"] * 5
    caplog.clear()
    again = tick(sqlite_only_url, thursday_18 + timedelta(minutes=1), sent)
    assert again.posted == again.stale == [] and len(sent) == 3 and not caplog.records


def test_without_an_outage_nothing_older_than_the_grace_is_looked_at(sqlite_only_url) -> None:
    sent: list[Reply] = []
    first = tick(sqlite_only_url, datetime(2026, 11, 26, 18, 0, tzinfo=UTC), sent)
    assert first.posted == first.stale == [] and sent == []  # a first run has no gap to fill


def test_an_outage_past_the_horizon_says_what_was_not_looked_at(sqlite_only_url, caplog) -> None:
    sent: list[Reply] = []
    tick(sqlite_only_url, MONDAY_1001, sent)
    with caplog.at_level(logging.WARNING, logger="scheduler"):
        back = tick(sqlite_only_url, MONDAY_1001 + timedelta(days=10, hours=8), sent)
    assert sent[-1].text == "report of Thu (late)" and len(back.stale) == 6 + 7
    assert any(
        "nothing claimed since 2026-11-23T10:01Z" in r.getMessage()
        and "due before 2026-11-26T18:01Z are not looked at" in r.getMessage()
        for r in caplog.records
    )


def test_a_late_post_that_failed_is_retried_late(sqlite_only_url) -> None:
    sent: list[Reply] = []
    tick(sqlite_only_url, MONDAY_1001, sent)
    thursday_18 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)

    def slack_down(replies: list[Reply]) -> None:
        raise ConnectionError("Slack is down")

    people = StaticPeople("UTC")
    back = run_due(sqlite_only_url, people, slack_down, kinds=KINDS, now=thursday_18)
    assert back.failed == ["report:x@2026-11-26T10:00Z"]
    retry = tick(sqlite_only_url, thursday_18 + timedelta(minutes=3), sent)  # after its backoff
    assert retry.posted == ["report:x@2026-11-26T10:00Z"] and retry.stale == []
    assert sent[-1].text == "report of Thu (late)"
