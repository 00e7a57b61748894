"""`undo` after cancelling a reminder brings that reminder back; after setting one, it
cancels it; each undo takes back one change, the person's own, within 10 minutes."""

import re

from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from skills.reminders.models import Reminder
from tests.helpers import BOB, console


def said_at(chat, minute: int, text: str, **who) -> str:
    """What the bot answers `text` said at 09:`minute` on Monday 23 Nov 2026."""
    clock.pin(f"2026-11-23T09:{minute:02d}:00+00:00")
    return chat.send(text, **who)[0].text


def still_set(settings) -> list[str]:
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(Reminder).where(Reminder.cancelled == False))  # noqa: E712
        return sorted(r.text for r in rows)


def test_undo_after_a_cancel_restores_the_cancelled_reminder(settings) -> None:
    chat = console(settings, channel=None)  # a DM
    said_at(chat, 0, "remind me tomorrow at 9 to call Nimbus")
    said_at(chat, 1, "remind me thursday at 9 to send the deck")
    assert "Cancelled reminder" in said_at(chat, 2, "cancel the nimbus reminder")
    restored = said_at(chat, 3, "undo that")
    assert "Restored reminder" in restored and "call Nimbus, next Tue 24 Nov 09:00" in restored
    assert still_set(settings) == ["call Nimbus", "send the deck"]
    listed = said_at(chat, 4, "reminder list")
    assert "call Nimbus" in listed and "send the deck" in listed
    # The cancel is taken back: the next undo goes to the change before it, the deck set.
    assert "Cancelled reminder" in said_at(chat, 5, "undo")
    assert still_set(settings) == ["call Nimbus"]
    assert "Cancelled reminder" in said_at(chat, 6, "undo")  # then Nimbus, set at 09:00
    assert "no change I could undo" in said_at(chat, 7, "undo")
    assert still_set(settings) == []


def test_a_cancelled_reminder_whose_time_has_passed_stays_cancelled(settings) -> None:
    chat = console(settings, channel=None)
    said_at(chat, 0, "remind me at 09:05 to stretch")
    said_at(chat, 1, "reminder cancel stretch")
    refused = said_at(chat, 6, "undo")
    assert "was due Mon 23 Nov 09:05" in refused and "left it cancelled" in refused
    assert still_set(settings) == []


def test_only_your_own_cancel_within_ten_minutes_is_undone(settings) -> None:
    chat = console(settings, channel=None)
    said_at(chat, 0, "remind me tomorrow at 9 to call Nimbus")
    number = re.search(r"reminder (\d+)", said_at(chat, 1, "reminder cancel nimbus")).group(1)
    assert "no change I could undo" in said_at(chat, 2, "undo", user=BOB)
    assert "11 minutes ago" in said_at(chat, 12, "undo")
    assert "11 minutes ago" in said_at(chat, 12, f"reminder undo {number}")
    refused = said_at(chat, 12, f"reminder undo {number}", user=BOB)
    assert "Only who set it or gets it" in refused
    assert still_set(settings) == []
