"""Slip alerts: a move past the project's threshold tells its PMs and the milestone's
followers once (not the person who moved it), after their quiet hours (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core import clock
from bot.core.messages import Reply
from bot.scheduling import run_due
from tests.helpers import BOB, CHEN, PM, people, with_project


def run_at(settings, moment: datetime) -> list[Reply]:
    clock.pin(moment)
    posted: list[Reply] = []
    run_due(settings.database_url, people(), posted.extend, now=moment)
    return [r for r in posted if "has slipped" in r.text]


def test_a_slip_beyond_the_threshold_alerts_once(settings) -> None:
    chat = with_project(settings)
    chat.send(f"/pmo milestone add Beta launch --date 2027-01-15 --owner <@{BOB}>")
    chat.send("/pmo milestone follow M1", user=CHEN)
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    clock.pin(monday)
    chat.send("/pmo milestone move M1 2027-01-17 two days of float used", user=BOB)
    assert run_at(settings, monday.replace(minute=1)) == []  # +2 days: within 3

    clock.pin(monday.replace(minute=5))
    chat.send("/pmo milestone move M1 2027-01-25 the vendor slipped", user=BOB)
    alerts = run_at(settings, monday.replace(minute=6))
    assert sorted(a.to_user for a in alerts) == [PM, CHEN]  # not Bob, who moved it
    text = alerts[0].text
    assert "Fri 15 Jan 2027 → Mon 25 Jan 2027 (+10 days)" in text
    assert "17 Jan → 25 Jan 2027 (+8 days): the vendor slipped" in text
    assert "3-day threshold" in text
    assert [b["action_id"] for b in alerts[0].blocks[-1]["elements"]] == [
        "milestone_edit",
        "milestone_done",
        "milestone_follow",
    ]
    assert run_at(settings, monday.replace(minute=7)) == []  # once per move
    assert run_at(settings, monday.replace(hour=12)) == []

    clock.pin(monday.replace(hour=13))
    chat.send("/pmo milestone move M1 2027-01-22 recovered three days", user=BOB)
    assert run_at(settings, monday.replace(hour=13, minute=1)) == []  # earlier: no alert

    chat.send("/pmo milestone threshold 20")
    chat.send("/pmo milestone move M1 2027-01-30 another slip")
    assert run_at(settings, monday.replace(hour=13, minute=2)) == []  # +15: within 20


def test_an_alert_in_quiet_hours_waits_for_the_morning(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo milestone add Go live --date 2027-03-01")
    late = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 22:00 in London: Alice's quiet hours
    clock.pin(late)
    chat.send(f"/pmo milestone set M1 owner <@{BOB}>")
    chat.send("/pmo milestone move M1 2027-03-20 migration rehearsal failed", user=BOB)
    assert run_at(settings, late.replace(minute=1)) == []
    morning = datetime(2026, 11, 24, 8, 1, tzinfo=UTC)
    [alert] = run_at(settings, morning)
    assert alert.to_user == PM and "+19 days" in alert.text
    assert run_at(settings, morning.replace(minute=30)) == []


def test_an_alert_held_back_is_dropped_if_the_slip_is_undone_by_then(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo milestone add Go live --date 2027-03-01")
    late = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # Alice's quiet hours
    clock.pin(late)
    chat.send(f"/pmo milestone set M1 owner <@{BOB}>")
    chat.send("/pmo milestone move M1 2027-03-20 migration rehearsal failed", user=BOB)
    chat.send("/pmo milestone move M1 2027-03-02 rehearsal passed on the rerun", user=BOB)
    assert run_at(settings, datetime(2026, 11, 24, 8, 1, tzinfo=UTC)) == []
