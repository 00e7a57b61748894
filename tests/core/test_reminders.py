"""Personal reminders: read from plain words, listed, cancelled, and who may be reminded."""

import re
from datetime import UTC, datetime

import pytest

from bot.core.messages import UserError
from skills.reminders.parsing import read_reminder
from tests.helpers import BOB, STRANGER, with_project

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday


@pytest.mark.parametrize(
    ("words", "read"),
    [
        ("remind me tomorrow at 9 to call the vendor", "me 2026-11-24T09:00 once: call the vendor"),
        ("remind us every Monday at 10 to update it", "us 2026-11-23T10:00 weekly:mon: update it"),
        (
            "remind <@U0ANA> on Friday at 3pm about the budget",
            "U0ANA 2026-11-27T15:00 once: the budget",
        ),
        ("remind me in 2 hours to check the build", "me 2026-11-23T11:00 once: check the build"),
        (
            "remind me to send the minutes next Tuesday",
            "me 2026-12-01T09:00 once: send the minutes",
        ),
        (
            "remind me every weekday at 17:30 to log hours",
            "me 2026-11-23T17:30 weekdays: log hours",
        ),
        ("remind me on 15 Dec to renew the licence", "me 2026-12-15T09:00 once: renew the licence"),
        (
            "remind <@U0KAI> needs a reminder on friday at 11 to order the kit",
            "U0KAI 2026-11-27T11:00 once: order the kit",
        ),
    ],
)
def test_reminders_read_from_plain_words(words: str, read: str) -> None:
    draft = read_reminder(words, now=NOW, timezone="Europe/London")
    when = draft.due.isoformat()[:16]
    assert f"{draft.target} {when} {draft.repeat or 'once'}: {draft.text}" == read


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ("remind tomorrow to call", "Say who to remind"),
        ("remind me tomorrow at 9", "Remind you of what?"),
    ],
)
def test_unreadable_reminders_say_what_is_missing(words, problem) -> None:
    with pytest.raises(UserError, match=problem):
        read_reminder(words, now=NOW, timezone="Europe/London")


def test_set_list_and_cancel_in_chat(settings) -> None:
    chat = with_project(settings)
    made = chat.send("remind me tomorrow at 9 to call the vendor")[0].text
    assert "I'll remind you Tue 24 Nov 09:00 (Europe/London): call the vendor" in made
    number = re.search(r"reminder cancel (\d+)", made).group(1)  # a database id
    chat.send(f"remind <@{BOB}> every Monday at 10 to update the RAID log")
    listed = chat.send("reminder list")[0].text
    assert "call the vendor" in listed and f"→ <@{BOB}>" in listed and "every Mon" in listed
    refused = chat.send(f"reminder cancel {number}", user=STRANGER)[0].text
    assert "Only who set it or gets it" in refused
    assert f"Cancelled reminder {number}" in chat.send(f"reminder cancel {number}")[0].text
    assert "call the vendor" not in chat.send("reminder list")[0].text
    refused = chat.send(f"remind <@{STRANGER}> tomorrow to sign the contract")[0].text
    assert "share a project with" in refused
    made = chat.send("remind us tomorrow at 10 to demo the build")[0].text
    assert "I'll remind everyone here Tue 24 Nov 10:00" in made
