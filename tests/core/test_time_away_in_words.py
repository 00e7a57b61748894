"""Time away said in plain words: the dates (a day, a week or a range) are found anywhere in
the message, the rest is the reason, and a message with no date is asked for one."""

import pytest
from sqlmodel import select

from bot.core.db import session_scope
from scheduler.models import Absence
from tests.helpers import console, with_project


def absences(settings) -> list[str]:
    with session_scope(settings.database_url) as session:
        return sorted(f"{a.start}..{a.end} {a.reason}" for a in session.exec(select(Absence)))


@pytest.mark.parametrize(  # the clock is Monday 23 Nov 2026
    ("words", "away"),
    [
        ("I'm out of office from 7 Dec to 11 Dec", "Mon 07 Dec – Fri 11 Dec 2026"),
        ("I'll be on holiday 24 dec - 2 jan 🎄", "Thu 24 Dec – Sat 02 Jan 2027"),
        ("taking leave between 3 Dec and 5 Dec", "Thu 03 Dec – Sat 05 Dec 2026"),
        ("I'm off from Monday until Wednesday", "Mon 30 Nov – Wed 02 Dec 2026"),
        ("out of office 5-9 Dec", "Sat 05 Dec – Wed 09 Dec 2026"),
        ("I'm off this Friday", "Fri 27 Nov 2026"),
        ("I'm off next week", "Mon 30 Nov – Fri 04 Dec 2026"),
        ("I'm out until Friday", "Mon 23 Nov – Fri 27 Nov 2026"),
        ("off sick, back Wednesday", "Mon 23 Nov – Tue 24 Nov 2026"),
        ("ooo dentist on 3 Dec", "Thu 03 Dec 2026"),
        ("ooo tomorrow", "Tue 24 Nov 2026"),
    ],
)
def test_dates_anywhere_in_the_message(settings, words: str, away: str) -> None:
    said = console(settings, channel=None).send(words)[0].text
    assert f"you're away {away}." in said


def test_the_rest_of_the_message_is_the_reason(settings) -> None:
    chat = console(settings, channel=None)
    chat.send("I'll be on holiday 24 dec - 2 jan 🎄")
    chat.send("ooo dentist on 3 Dec")
    assert absences(settings) == [
        "2026-12-03..2026-12-03 dentist",
        "2026-12-24..2027-01-02 I'll be on holiday 🎄",
    ]
    assert "— I'll be on holiday 🎄" in chat.send("ooo")[0].text


def test_no_date_is_asked_for(settings) -> None:
    said = console(settings, channel=None).send("away for a bit, dates to follow")[0].text
    assert "When are you away?" in said
    assert absences(settings) == []


def test_a_date_said_for_something_else_is_not_time_away(settings) -> None:
    chat = with_project(settings)
    assert "I'll remind you Mon 07 Dec" in chat.send("remind me on 7 Dec to book the venue")[0].text
    assert "APOLLO-R1" in chat.send("risk: the vendor may slip past 7 Dec")[0].text
    assert absences(settings) == []
