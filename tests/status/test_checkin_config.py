"""Check-in settings from chat and the setup form, and every bad input answered clearly."""

from __future__ import annotations

from sqlmodel import func, select

from bot.core.db import session_scope
from skills.status.models import CheckinConfig, CheckinHoliday, StatusUpdate
from tests.helpers import BOB, CHEN, PM, STRANGER
from tests.status.chat import DAN, console, dm, with_checkins


def config(settings) -> CheckinConfig | None:
    with session_scope(settings.database_url) as session:
        return session.exec(select(CheckinConfig)).first()


def test_settings_from_chat(settings) -> None:
    chat = with_checkins(settings, DAN)
    shown = chat.send("/pmo checkin")[0].text
    assert "Mon–Fri at 09:30" in shown and "answers open for 4h" in shown
    assert "(the project's members): <@U0ALICE>, <@U0BOB>, <@U0CHEN>, <@U0DAN>" in shown
    for line in (
        f"checkin participants <@{BOB}> <@{CHEN}>",
        "checkin time 9:45",
        "checkin days mon,wed,fri",
        "checkin window 3h",
        f"checkin observers <@{DAN}>",
        "checkin reminders 2 before 30m",
        "checkin where thread",
        "checkin questions What shipped? | What's next? | Anything in the way?",
        f"checkin timezone <@{BOB}> America/Chicago",
        "checkin holiday 2026-12-25",
    ):
        assert chat.send(f"/pmo {line}")[0].text.startswith("Saved."), line
    saved = config(settings)
    assert (saved.participants, saved.observers) == ([BOB, CHEN], [DAN])
    assert (saved.time, saved.days, saved.window_minutes) == ("09:45", [0, 2, 4], 180)
    assert (saved.reminder_count, saved.reminder_before_minutes, saved.destination) == (
        2,
        30,
        "thread",
    )
    assert saved.questions == ["What shipped?", "What's next?", "Anything in the way?"]
    assert saved.timezones == {BOB: "America/Chicago"}
    shown = chat.send("checkin")[0].text
    assert "Mon, Wed, Fri at 09:45" in shown and "Holidays: Fri 25 Dec 2026" in shown
    assert "report in a thread per check-in" in shown and "<@U0BOB> America/Chicago" in shown
    chat.send(f"/pmo checkin participants remove <@{CHEN}>")
    chat.send("/pmo checkin participants add <@U0ALICE>")
    assert config(settings).participants == [BOB, PM]
    chat.send("/pmo checkin participants members")
    assert config(settings).participants is None
    assert "*off*" in chat.send("/pmo checkin off")[0].text


def test_bad_settings_get_clear_replies_and_change_nothing(settings) -> None:
    chat = with_checkins(settings)
    before = config(settings).model_dump()
    cases = {
        "checkin time 25:99": "is not a time",
        "checkin time noon": "is not a time",
        "checkin days funday": "`funday` is not a day",
        "checkin days": "Which days?",
        "checkin window 3 weeks": "is not a duration",
        "checkin window 5m": "from 15 minutes to 24 hours",
        f"checkin timezone <@{BOB}> Mars/Olympus": "`Mars/Olympus` is not a timezone",
        f"checkin participants <@{BOB}> <@{STRANGER}>": "<@U0STRANGER> is not in `apollo`",
        "checkin participants nobody": "is not a Slack user",
        "checkin holiday 2026-02-30": "is not a date",
        "checkin holiday remove 2026-12-24": "is not a check-in holiday",
        "checkin reminders lots": "is not a number of reminders",
        "checkin reminders 9": "from 0 to 3 reminders",
        # Reminders due before the prompt would never be sent (answers open for 4h, 1h lead).
        "checkin window 30m": "so a reminder 1h before the window closes would never be sent",
        "checkin window 1h": "the window must be longer than the reminder lead",
        "checkin reminders 2 before 4h": "Try a window of 8h, the last reminder 2h before",
        "checkin where everywhere": "in the `channel`, or in a `thread`",
        "checkin colour blue": "Try `checkin`",
    }
    for line, expected in cases.items():
        reply = chat.send(f"/pmo {line}")[0]
        assert expected in reply.text and reply.ephemeral, (line, reply.text)
    assert "Only a PM" in chat.send("/pmo checkin time 10:00", user=BOB)[0].text
    assert config(settings).model_dump() == before
    with session_scope(settings.database_url) as session:
        assert session.exec(select(func.count()).select_from(CheckinHoliday)).one() == 0


def test_a_check_in_needs_participants(settings) -> None:
    chat = console(settings)
    chat.send("/pmo project create solo Solo")
    chat.send("/pmo checkin on")
    reply = chat.send(f"/pmo checkin participants remove <@{PM}>")[0].text
    assert "A check-in needs participants" in reply
    assert config(settings).participants is None


def test_bad_updates_get_clear_replies_and_save_nothing(settings) -> None:
    chat = with_checkins(settings)
    huge = "/pmo status " + ("finished the thing. " * 2_000)[: 40_000 - len("/pmo status ")]
    assert len(huge) == 40_000  # the longest message the dispatcher lets through
    cases = {
        "/pmo status Done: Next: Blockers: none": "Your update is empty",
        huge: "That update is 39,988 characters; a check-in answer must be under 4,000",
        "/pmo status --project nope Done: x": "There is no project `nope`",
    }
    for line, expected in cases.items():
        assert expected in chat.send(line, user=BOB)[0].text, line[:60]
    assert "too long for me" in dm(chat, BOB, "Done: " + "x" * 40_001)[0].text
    stranger = chat.send("/pmo status Done: snooping. Next: more", user=STRANGER)[0].text
    assert "not a member of `apollo`" in stranger
    assert "not in any project" in dm(chat, STRANGER, "Done: login page. Next: search")[0].text
    pressed = chat.send("!press checkin_give apollo:2026-11-23", user=STRANGER)[0].text
    assert "not a member of `apollo`" in pressed
    assert (
        "holds no check-in" in chat.send("!press checkin_skip apollo:2026-11-28", user=BOB)[0].text
    )
    assert "out of date" in chat.send("!press checkin_give nonsense", user=BOB)[0].text
    chat.send("!press checkin_give apollo:2026-11-23", user=BOB)
    empty = chat.send('!submit checkin_update {"done": "", "next": "", "blockers": ""}', user=BOB)
    assert "Please fix the form" in empty[0].text and "at least one thing" in empty[0].text
    with session_scope(settings.database_url) as session:
        assert session.exec(select(func.count()).select_from(StatusUpdate)).one() == 0


def test_setup_form(settings) -> None:
    chat = with_checkins(settings)
    assert "Only a PM" in chat.send("/pmo checkin setup", user=BOB)[0].text
    form = chat.send("/pmo checkin setup")[0].modal
    assert form["callback_id"] == "checkin_setup"
    ids = [b.get("block_id") for b in form["blocks"]]
    assert ids[:6] == ["enabled", "participants", "observers", "days", "time", "window"]
    bad = chat.send('!submit checkin_setup {"time": "7pm", "window": "forever", "days": []}')
    assert "Please fix the form" in bad[0].text
    assert "time:" in bad[0].text and "window:" in bad[0].text and "days:" in bad[0].text
    chat.send("/pmo checkin setup")
    saved = chat.send(
        '!submit checkin_setup {"time": "08:15", "days": ["0", "3"], "participants": ["U0BOB"],'
        ' "observers": ["U0CHEN"], "window": "2h", "reminders": "0", "destination": "thread",'
        ' "questions": "What shipped?\\nWhat next?"}'
    )
    assert saved[0].to_user == PM and saved[0].text.startswith("Saved.")
    stored = config(settings)
    assert (stored.time, stored.days, stored.participants, stored.observers) == (
        "08:15",
        [0, 3],
        [BOB],
        [CHEN],
    )
    assert (stored.window_minutes, stored.reminder_count, stored.destination) == (120, 0, "thread")
    assert stored.questions == ["What shipped?", "What next?"]
    chat.send("/pmo checkin setup")
    outsider = chat.send('!submit checkin_setup {"participants": ["U0STRANGER"]}')[0].text
    assert "participants: <@U0STRANGER> is not in `apollo`" in outsider
    assert config(settings).participants == [BOB]


def test_reminders_must_fit_the_window(settings) -> None:
    chat = with_checkins(settings)
    assert chat.send("/pmo checkin reminders 1 before 15m")[0].text.startswith("Saved.")
    assert chat.send("/pmo checkin window 30m")[0].text.startswith("Saved.")
    refused = chat.send("/pmo checkin reminders 2 before 2h")[0].text
    assert "Answers are open for 30m, so 2 reminders 2h before" in refused
    assert "Try a window of 4h, the last reminder 15m before the close or no" in refused
    assert chat.send("/pmo checkin reminders off")[0].text.startswith("Saved.")
    assert chat.send("/pmo checkin window 15m")[0].text.startswith("Saved.")  # none to send
    stored = config(settings)
    assert (stored.window_minutes, stored.reminder_count) == (15, 0)

    chat.send("/pmo checkin setup")
    bad = chat.send(
        '!submit checkin_setup {"window": "2h", "reminders": "1", "remind_before": "3h"}'
    )
    assert "Please fix the form" in bad[0].text and "remind_before:" in bad[0].text
    assert "the window must be longer than the reminder lead" in bad[0].text
    assert (config(settings).window_minutes, config(settings).reminder_count) == (15, 0)
