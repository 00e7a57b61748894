"""The scheduler engine: what fires when, exactly once, retried when Slack fails."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import Reply
from bot.core.people import Person, StaticPeople
from bot.scheduling import planned, run_due
from scheduler.models import Firing
from tests.helpers import BOB, CHEN, PM, console, with_project
from tests.scheduler.faults import run_due_process

ROOT = Path(__file__).resolve().parents[2]
MONDAY_0930_UTC = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


class Outbox:
    """A poster that records what it was asked to post (and can fail on demand)."""

    def __init__(self) -> None:
        self.sent: list[Reply] = []
        self.fail = False

    def __call__(self, replies: list[Reply]) -> None:
        if self.fail:
            raise ConnectionError("Slack is down")
        self.sent.extend(replies)


def directory() -> StaticPeople:
    people = StaticPeople("Europe/London")
    people.add(Person(BOB, "Bob", "America/New_York"))
    people.add(Person(CHEN, "Chen", "Asia/Singapore"))
    return people


def setup_items(settings) -> None:
    chat = with_project(settings)
    chat.send(f"raid add issue: build server down, owner <@{BOB}>, due 2026-11-20")
    chat.send(f"raid add issue: licence renewal late, owner <@{BOB}>, due 2026-11-21")
    chat.send(f"raid add dependency: API keys from IT, owner <@{CHEN}>, due 2026-11-22")
    chat.send("raid add risk: supplier insolvency P5 I5")


def test_reminders_at_each_owners_local_time_grouped_per_person(settings) -> None:
    setup_items(settings)
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        firings = planned(session, directory(), start, start + timedelta(days=1))
    reminders = {f.recipient: f for f in firings if f.kind == "raid-reminder"}
    assert reminders[BOB].local_due().strftime("%H:%M") == "09:30"
    assert reminders[BOB].due.hour == 14  # 09:30 in New York
    assert reminders[CHEN].due.hour == 1  # 09:30 in Singapore
    outbox = Outbox()
    report = run_due(
        settings.database_url, directory(), outbox, now=datetime(2026, 11, 23, 14, 31, tzinfo=UTC)
    )
    to_bob = [r for r in outbox.sent if r.to_user == BOB]
    assert len(to_bob) == 1 and "2 of your RAID items need a look" in to_bob[0].text
    labels = [b["elements"][2]["text"]["text"] for b in to_bob[0].blocks if b["type"] == "actions"]
    assert labels == ["Snooze 3 days", "Snooze 3 days"]
    assert any(r.to_user == PM and "no owner" in r.text for r in outbox.sent)
    # Chen's 09:30 (01:30 UTC) is more than the 6-hour grace before 14:31: not sent late.
    assert sorted(p.split("@")[0] for p in report.posted if "summary" not in p) == [
        "pm-digest:U0ALICE",
        "reminder:U0BOB",
    ]


def test_the_same_clock_twice_posts_once(settings) -> None:
    setup_items(settings)
    outbox = Outbox()
    first = run_due(settings.database_url, directory(), outbox, now=MONDAY_0930_UTC)
    again = run_due(settings.database_url, directory(), outbox, now=MONDAY_0930_UTC)
    assert first.posted and not again.posted and len(again.skipped) == len(first.posted)
    assert len(outbox.sent) == len(first.posted)


def test_a_failed_post_is_retried_with_backoff_and_not_lost(settings) -> None:
    setup_items(settings)
    outbox = Outbox()
    outbox.fail = True
    failed = run_due(settings.database_url, directory(), outbox, now=MONDAY_0930_UTC)
    assert failed.failed and not outbox.sent
    outbox.fail = False
    too_soon = run_due(
        settings.database_url, directory(), outbox, now=MONDAY_0930_UTC + timedelta(seconds=30)
    )
    assert not too_soon.posted
    later = run_due(
        settings.database_url, directory(), outbox, now=MONDAY_0930_UTC + timedelta(minutes=3)
    )
    assert sorted(later.posted) == sorted(failed.failed)
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(Firing)).all()
    assert {r.status for r in rows} == {"posted"} and {r.attempts for r in rows} == {2}


def test_a_claim_left_by_a_dead_process_is_taken_over(settings) -> None:
    setup_items(settings)
    outbox = Outbox()

    class Crash(Outbox):
        def __call__(self, replies):
            raise SystemExit("killed mid-run")

    with pytest.raises(SystemExit):
        run_due(settings.database_url, directory(), Crash(), now=MONDAY_0930_UTC)
    soon = run_due(
        settings.database_url, directory(), outbox, now=MONDAY_0930_UTC + timedelta(minutes=1)
    )
    restarted = run_due(
        settings.database_url, directory(), outbox, now=MONDAY_0930_UTC + timedelta(minutes=11)
    )
    # Firings the dead run had claimed wait for their lease; the rest go out at once.
    assert soon.skipped and restarted.posted and set(restarted.posted) == set(soon.skipped)
    assert not set(soon.posted) & set(restarted.posted)
    everything = run_due(
        settings.database_url, directory(), outbox, now=MONDAY_0930_UTC + timedelta(minutes=12)
    )
    assert not everything.posted
    targets = [r.to_user or r.to_channel for r in outbox.sent]
    assert len(targets) == len(set(targets))  # nobody got the same post twice


def test_weekends_quiet_hours_and_time_away(settings) -> None:
    setup_items(settings)
    bob = console(settings, user=BOB, channel=None)
    bob.send("quiet 22:00-10:00")
    bob.send("ooo 2026-11-24..2026-11-24 dentist")
    saturday = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        weekend = planned(session, directory(), saturday, saturday + timedelta(days=2))
        week = planned(session, directory(), saturday - timedelta(days=5), saturday)
    assert not [f for f in weekend if f.kind != "summary"]
    bob_times = {f.local_due().strftime("%H:%M") for f in week if f.recipient == BOB}
    assert bob_times == {"10:00"}  # 09:30 is inside Bob's quiet hours
    outbox = Outbox()
    tuesday = datetime(2026, 11, 24, 15, 1, tzinfo=UTC)
    run_due(settings.database_url, directory(), outbox, now=tuesday)
    assert not [r for r in outbox.sent if r.to_user == BOB]
    digest = [r for r in outbox.sent if r.to_user == PM]
    assert digest and "U0BOB> is away" in digest[0].text


def test_configuration_changes_are_reconciled(settings) -> None:
    chat = with_project(settings)
    assert "every Monday at 09:00" in chat.send("schedule")[0].text
    chat.send("schedule summary friday 16:00")
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        summaries = [
            f
            for f in planned(session, directory(), start, start + timedelta(days=7))
            if f.kind == "summary"
        ]
    assert [f.local_due().strftime("%a %H:%M") for f in summaries] == ["Fri 16:00"]
    chat.send("schedule summary off")
    with session_scope(settings.database_url) as session:
        assert not [
            f
            for f in planned(session, directory(), start, start + timedelta(days=7))
            if f.kind == "summary"
        ]
    assert "Only a PM" in chat.send("schedule reminders off", user=BOB)[0].text
    assert "not a time" in chat.send("schedule reminders 25:99")[0].text


def test_two_run_due_processes_at_once_post_each_firing_once(settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("replicas share PostgreSQL")
    setup_items(settings)
    clock.pin(None)
    processes = [
        run_due_process(settings.database_url, datetime(2026, 11, 23, 14, 31, tzinfo=UTC))
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    summaries = [out.strip().splitlines()[-1] for out, _ in outputs]
    posted = sum(int(line.split("posted ")[1].split(",")[0]) for line in summaries)
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(Firing)).all()
    assert posted == len([r for r in rows if r.status == "posted"]) >= 3
    assert len(rows) == len({(r.job_key, r.due) for r in rows})
    assert sum(out.count("(DM to @U0BOB)") for out, _ in outputs) == 1


def test_a_window_plans_the_reminders_a_whole_day_plans_in_it(settings) -> None:
    setup_items(settings)  # owners in New York and Singapore: a window holds one or neither
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        day = [f for f in planned(session, directory(), start, start + timedelta(days=1))]
        for hours in range(0, 19, 3):  # windows within the day
            low, high = start + timedelta(hours=hours), start + timedelta(hours=hours + 6)
            window = planned(session, directory(), low, high)
            assert window == [f for f in day if low <= f.due < high], (low, high)
    assert {f.recipient for f in day if f.kind == "raid-reminder"} == {BOB, CHEN}
