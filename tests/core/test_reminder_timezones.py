"""A reminder for a teammate elsewhere: the time said is the creator's, quiet hours and time
away are the teammate's, and the confirmation says both; a time given with any offset is
stored as that instant; an early hour read as the afternoon is said so."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.db import session_scope
from bot.core.people import Person
from bot.scheduling import planned, run_due
from skills.reminders.models import Reminder
from tests.helpers import CHANNEL, PM, people
from tests.scheduler.test_engine import Outbox

CAROL = "U0CAROL"
MONDAY = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)  # London on UTC, Auckland on UTC+13


def directory():  # noqa: ANN201
    found = people()
    found.add(Person(CAROL, "Carol", "Pacific/Auckland"))
    return found


def in_apollo(settings) -> ConsoleSession:
    """Alice (London) in #C0APOLLO, with Carol (Auckland) a member."""
    chat = ConsoleSession(console_dispatcher(settings, directory()), user=PM, channel=CHANNEL)
    made = chat.send(f"/pmo project create apollo Apollo --member <@{CAROL}>")[0].text
    assert "Created project" in made, made
    clock.pin(MONDAY)
    return chat


def sent(settings, moment: datetime) -> list[str]:
    outbox = Outbox()
    run_due(settings.database_url, directory(), outbox, now=moment)
    return [f"{r.to_user or r.to_channel}: {r.text}" for r in outbox.sent]


def stored(settings) -> list[Reminder]:
    with session_scope(settings.database_url) as session:
        return list(session.exec(select(Reminder)))


def test_a_teammates_reminder_waits_for_the_end_of_their_own_quiet_hours(settings) -> None:
    said = in_apollo(settings).send(f"remind <@{CAROL}> tomorrow at 3pm about the budget")
    assert (
        f"I'll remind <@{CAROL}> Tue 12 Jan 15:00 your time (Europe/London), "
        "Wed 13 Jan 04:00 for Carol (Pacific/Auckland) — in their quiet hours or time away, "
        "so Wed 13 Jan 08:00 their time (Tue 12 Jan 19:00 yours): the budget."
    ) in said[0].text
    asked = datetime(2027, 1, 12, 15, 0, 30, tzinfo=UTC)  # 04:00 in Auckland
    assert sent(settings, asked) == []
    morning = datetime(2027, 1, 12, 19, 0, 30, tzinfo=UTC)  # 08:00 in Auckland
    assert sent(settings, morning) == [
        f"{CAROL}: :alarm_clock: Reminder (from <@{PM}>): the budget"
    ]


def test_a_teammates_repeat_keeps_the_days_the_creator_meant(settings) -> None:
    in_apollo(settings).send(f"remind <@{CAROL}> every Monday at 3pm to send the report")
    with session_scope(settings.database_url) as session:
        firings = planned(session, directory(), MONDAY, MONDAY + timedelta(days=14))
    sends = [f.due for f in firings if f.kind == "reminder"]
    # 15:00 on Mondays in London is 04:00 on Tuesdays in Auckland, sent at 08:00 there
    assert sends == [datetime(2027, 1, d, 19, 0, tzinfo=UTC) for d in (11, 18)]


def test_a_time_with_any_offset_is_stored_as_that_instant(settings) -> None:
    chat = in_apollo(settings)
    when = "2027-01-12T15:00:00+13:00"  # 02:00 UTC
    chat.dispatcher.invoke("reminder.create", {"text": "call the vendor", "when": when}, user=PM)
    [reminder] = stored(settings)
    assert clock.as_utc(reminder.first_due) == datetime(2027, 1, 12, 2, 0, tzinfo=UTC)
    assert "Tue 12 Jan 08:00 (Europe/London)" in chat.send("reminder list")[0].text


def test_the_confirmation_says_how_a_bare_early_hour_was_read(settings) -> None:
    said = in_apollo(settings).send("remind me at 1 to join the call")[0].text
    assert "Mon 11 Jan 13:00 (Europe/London)" in said
    assert "`at 1` is 13:00: say `at 1am` for 01:00" in said
