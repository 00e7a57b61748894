"""Reminders that fall in quiet hours are sent once when they end, and reminder words that
cannot be read as meant (an impossible date or time, a past one, an unsupported repeat) are
refused with what to write instead."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import UserError
from bot.scheduling import run_due
from scheduler.models import Firing
from skills.reminders.parsing import read_reminder
from tests.helpers import PM, console
from tests.scheduler.faults import run_due_process
from tests.scheduler.test_engine import Outbox, directory

SET_AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # Monday; London is on UTC in December
QUIET_ENDS = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # default quiet hours 19:00-08:00


def set_reminder(settings, words: str) -> None:
    clock.pin(SET_AT)
    reply = console(settings, user=PM, channel=None).send(words)[0].text
    assert "I'll remind you" in reply, reply


def sent_at(settings, moments: list[datetime]) -> list[list[str]]:
    """What each `run-due` tick at `moments` sent, in order."""
    sent = []
    for moment in moments:
        outbox = Outbox()
        run_due(settings.database_url, directory(), outbox, now=moment)
        sent.append([r.text for r in outbox.sent])
    return sent


def test_a_one_off_in_quiet_hours_is_sent_once_when_they_end(settings) -> None:
    set_reminder(settings, "remind me tonight at 11pm to take out bins")
    ticks = [
        datetime(2026, 12, 7, 23, 0, 30, tzinfo=UTC),
        QUIET_ENDS + timedelta(seconds=30),
        QUIET_ENDS + timedelta(hours=1, seconds=30),
    ]
    sent = sent_at(settings, ticks)
    assert sent[0] == [] and sent[2] == []
    assert sent[1] == [":alarm_clock: Reminder: take out bins"]


def test_a_daily_reminder_in_quiet_hours_is_sent_each_morning(settings) -> None:
    set_reminder(settings, "remind me every day at 23:00 to lock the office")
    mornings = [QUIET_ENDS + timedelta(days=n, seconds=30) for n in range(2)]
    assert sent_at(settings, mornings) == [[":alarm_clock: Reminder: lock the office"]] * 2


def test_a_moved_reminder_is_sent_once_by_two_run_due_processes(settings) -> None:
    set_reminder(settings, "remind me tonight at 11pm to take out bins")
    clock.pin(None)
    processes = [
        run_due_process(settings.database_url, QUIET_ENDS + timedelta(seconds=30)) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert "".join(out for out, _ in outputs).count("take out bins") == 1, outputs
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(Firing).where(Firing.kind == "reminder")).all()
    assert [(clock.as_utc(r.due), r.status) for r in rows] == [(QUIET_ENDS, "posted")]


@pytest.mark.parametrize(
    ("words", "refusal"),
    [
        ("remind me on 31 Feb to pay invoice", "There is no 31 Feb: write a real date"),
        ("remind me on 2027-02-29 to pay invoice", "There is no 2027-02-29"),
        ("remind me on 31/04 to pay invoice", "There is no 31/04"),
        ("remind me yesterday to file the report", "Sun 06 Dec 09:00 has passed: pick a time"),
        ("remind me last friday to file the report", "Fri 04 Dec 09:00 has passed"),
        ("remind me at 25:00 to x", "`at 25:00` isn't a time of day: write e.g. `at 17:30`"),
        ("remind me tomorrow at 9:75 to x", "`at 9:75` isn't a time of day"),
        ("remind me tomorrow 13pm to x", "`13pm` isn't a time of day"),
        (
            "remind me every 2 weeks on friday to send status report",
            "I can't repeat “every 2 weeks”: I repeat every day, every weekday, or every week",
        ),
        ("remind me monthly to pay the rent", "I can't repeat “monthly”"),
    ],
)
def test_dates_times_and_repeats_that_cannot_be_kept_are_refused(words, refusal) -> None:
    with pytest.raises(UserError, match=refusal):
        read_reminder(words, now=SET_AT, timezone="Europe/London")


@pytest.mark.parametrize(
    ("words", "read"),
    [
        ("remind me about R1 on Thursday", "2026-12-10T09:00 once: R1"),
        ("remind me to submit the report by friday", "2026-12-11T09:00 once: submit the report"),
        (
            "remind me tomorrow to discuss the 50/50 split",
            "2026-12-08T09:00 once: discuss the 50/50 split",
        ),
        (
            "remind me tomorrow to check the monthly report",
            "2026-12-08T09:00 once: check the monthly report",
        ),
        ("remind me on 29 Feb 2028 at 5pm to x", "2028-02-29T17:00 once: x"),
    ],
)
def test_the_words_around_a_date_are_not_left_in_the_text(words, read) -> None:
    draft = read_reminder(words, now=SET_AT, timezone="Europe/London")
    assert f"{draft.due.isoformat()[:16]} {draft.repeat or 'once'}: {draft.text}" == read


def test_the_confirmation_and_the_list_say_when_it_is_really_sent(settings) -> None:
    clock.pin(SET_AT)
    chat = console(settings, user=PM, channel=None)
    said = chat.send("remind me tonight at 11pm to take out the bins")[0].text
    assert "Tue 08 Dec 08:00" in said and "falls in quiet hours" in said
    assert "Tue 08 Dec 08:00" in chat.send("reminder list")[0].text
