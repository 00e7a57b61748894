"""Reading a reminder's when: from outside the task, a number a day only with a month or an
ordinal, a time of day on the 24-hour clock (a bare 1 to 6 the afternoon, and said so), and
"in N hours" counted in real time across a clock change."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.messages import UserError
from skills.reminders.parsing import read_reminder

FRIDAY = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)  # London is on UTC in November


def read(words: str, now: datetime = FRIDAY, timezone: str = "Europe/London") -> str:
    draft = read_reminder(words, now=now, timezone=timezone)
    return f"{draft.due.isoformat()[:16]} {draft.repeat or 'once'}: {draft.text}"


@pytest.mark.parametrize(
    ("words", "meant"),
    [
        ("remind me at 5pm to order 30 chairs", "2026-11-20T17:00 once: order 30 chairs"),
        (
            "remind me every Monday at 9 to review sprint 12",
            "2026-11-23T09:00 weekly:mon: review sprint 12",
        ),
        ("remind me to order 30 chairs", "2026-11-21T09:00 once: order 30 chairs"),
        ("remind me tomorrow about the 3pm call", "2026-11-21T09:00 once: the 3pm call"),
        (
            "remind me at 9 to prepare Friday's review",
            "2026-11-21T09:00 once: prepare Friday's review",
        ),
        ("remind me to ask if we may proceed", "2026-11-21T09:00 once: ask if we may proceed"),
        ("remind me to book the 3pm room tomorrow", "2026-11-21T09:00 once: book the 3pm room"),
        ("remind me on the 30th to pay the invoice", "2026-11-30T09:00 once: pay the invoice"),
        (
            "remind me to book the room for 30 people on the 30th",
            "2026-11-30T09:00 once: book the room for 30 people",
        ),
        ("remind me on the 5th of December to renew", "2026-12-05T09:00 once: renew"),
        ("remind me on 30 Nov at 2pm to pay", "2026-11-30T14:00 once: pay"),
        ("remind me to call the vendor tomorrow at 9", "2026-11-21T09:00 once: call the vendor"),
        (
            "remind me to water the plants every day at 9",
            "2026-11-21T09:00 daily: water the plants",
        ),
        (
            "set a reminder for Monday: prepare the slides",
            "2026-11-23T09:00 once: prepare the slides",
        ),
    ],
)
def test_the_when_is_read_outside_the_task_and_a_lone_number_is_no_day(words, meant) -> None:
    assert read(words) == meant


def test_a_repeat_it_cannot_keep_is_refused_wherever_it_is_said() -> None:
    with pytest.raises(UserError, match="I can't repeat “every month”"):
        read("remind the team on the 1st of every month to review the risks")


@pytest.mark.parametrize(
    ("words", "meant"),
    [
        ("remind me at 7:30 to stretch", "2026-11-21T07:30 once: stretch"),
        ("remind me tomorrow at 6:45 to catch the train", "2026-11-21T06:45 once: catch the train"),
        ("remind me at 7 to stretch", "2026-11-21T07:00 once: stretch"),
        ("remind me at 3 to join the call", "2026-11-20T15:00 once: join the call"),
        ("remind me at half 3 to join the call", "2026-11-20T15:30 once: join the call"),
        ("remind me tonight at 7:30 to call home", "2026-11-20T19:30 once: call home"),
        ("remind me at 6:30 in the evening to call home", "2026-11-20T18:30 once: call home"),
        ("remind me every evening at 7 to log hours", "2026-11-20T19:00 daily: log hours"),
        ("remind me every night at 10 to lock up", "2026-11-20T22:00 daily: lock up"),
        ("remind me tomorrow morning at 6 to run", "2026-11-21T06:00 once: run"),
        ("remind me at 6am to run", "2026-11-21T06:00 once: run"),
    ],
)
def test_a_time_of_day_is_on_the_24_hour_clock_and_a_bare_early_hour_the_afternoon(
    words, meant
) -> None:
    assert read(words) == meant


@pytest.mark.parametrize(
    ("words", "note"),
    [
        ("remind me at 1 to join the call", "`at 1` is 13:00: say `at 1am` for 01:00"),
        ("remind me at 1:30 to ring Sydney", "`at 1:30` is 01:30: say `at 1:30pm` for 13:30"),
        ("remind me at 9 to join the call", None),
        ("remind me at 1pm to join the call", None),
    ],
)
def test_an_early_hour_that_could_be_either_says_how_it_was_read(words, note) -> None:
    assert read_reminder(words, now=FRIDAY, timezone="Europe/London").note == note


@pytest.mark.parametrize(
    ("now", "words", "later"),
    [
        ("2027-03-14T06:30:00+00:00", "in 2 hours", timedelta(hours=2)),  # New York springs
        ("2027-03-14T06:30:00+00:00", "in 90 minutes", timedelta(minutes=90)),
        ("2026-11-01T04:30:00+00:00", "in 2 hours", timedelta(hours=2)),  # and falls back
    ],
)
def test_in_n_hours_is_counted_in_real_time_across_a_clock_change(now, words, later) -> None:
    said = datetime.fromisoformat(now)
    draft = read_reminder(
        f"remind me {words} to check the deploy", now=said, timezone="America/New_York"
    )
    assert draft.due == said + later
