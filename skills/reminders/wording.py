"""How a reminder's times are said: in its person's timezone and the reader's, with how it
repeats, and when quiet hours or time away hold it back."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.text import escape
from skills.reminders.models import Reminder
from skills.reminders.repeats import describe_repeat
from skills.reminders.schedule import for_person


def local_time(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):%a %d %b %H:%M}"


def repeat_text(rule: str | None) -> str:
    return f", then {describe_repeat(rule)}" if rule else ""


def when_text(reminder: Reminder, due: datetime, viewer: str | None = None) -> str:
    """When, in the reminder's timezone (and the viewer's, if another), and how it repeats."""
    shown = f"{local_time(due, reminder.timezone)} ({reminder.timezone})"
    if viewer and viewer != reminder.timezone:
        shown += f", {local_time(due, viewer)} your time"
    return shown + repeat_text(reminder.repeat)


def confirmed_when(
    ctx: Context, reminder: Reminder, asked: datetime, said_repeat: str | None
) -> str:
    """When a new reminder goes off, as its creator is told: in their time and, for someone
    elsewhere, in that person's; and, if quiet hours or time away hold it, when it is sent."""
    sends = for_person(ctx.session, reminder, asked) or asked
    mine, theirs = ctx.person.timezone, reminder.timezone
    if theirs == mine:
        held = f" ({local_time(asked, mine)} falls in quiet hours or time away)"
        return when_text(reminder, sends) + (held if sends != asked else "")
    name = escape(ctx.people.get(reminder.target).name)
    shown = (
        f"{local_time(asked, mine)} your time ({mine}), "
        f"{local_time(asked, theirs)} for {name} ({theirs})"
    )
    if sends != asked:
        shown += (
            f" — in their quiet hours or time away, so {local_time(sends, theirs)} their time "
            f"({local_time(sends, mine)} yours)"
        )
    return shown + repeat_text(said_repeat)
