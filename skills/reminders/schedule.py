"""When a reminder is due: its occurrences in a window, moved out of its person's quiet hours
and past their time away.

A time moved later can land far past the window its original time fell in (23:00 in quiet
hours that end at 08:00), so `deliveries` starts from the original times that can still be
moved into a window: any one-off's, and a repeating one's up to a day back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import clock
from bot.core.text import USER_ID
from scheduler.plan import is_away, out_of_quiet_hours, parse_hhmm, prefs_for
from skills.reminders.models import Reminder
from skills.reminders.repeats import allows

MAX_DEFER_DAYS = 60
REPEAT_LOOKBACK = timedelta(days=1)  # quiet hours move a repeating one by less than a day
ONCE_LOOKBACK = timedelta(days=MAX_DEFER_DAYS + 1)  # the most a one-off can be moved by


def occurrences(reminder: Reminder, start: datetime, end: datetime) -> Iterator[datetime]:
    """Its wall-clock times (UTC) in [start, end): once, or by its repeat rule."""
    zone = ZoneInfo(reminder.timezone)
    first = clock.as_utc(reminder.first_due).astimezone(zone)
    if not reminder.repeat:
        if start <= first < end:
            yield first.astimezone(start.tzinfo)
        return
    day = max(first.date(), start.astimezone(zone).date() - timedelta(days=1))
    while day <= end.astimezone(zone).date():
        if allows(reminder.repeat, day):
            instant = datetime.combine(day, first.timetz().replace(tzinfo=None), zone)
            if instant >= first and start <= instant < end:
                yield instant.astimezone(start.tzinfo)
        day += timedelta(days=1)


def for_person(session: Session, reminder: Reminder, due: datetime) -> datetime | None:
    """A person's reminder out of their quiet hours, in their timezone (the reminder's); a
    one-off that falls while they are away waits for their first day back, a repeating one
    is skipped that day."""
    if not USER_ID.match(reminder.target):
        return due
    zone = ZoneInfo(reminder.timezone)
    local = due.astimezone(zone)
    prefs = prefs_for(session, reminder.target)
    wall = parse_hhmm(out_of_quiet_hours(prefs, f"{local:%H:%M}"))
    if wall != local.time().replace(second=0, microsecond=0):
        day = local.date() + timedelta(days=1) if wall < local.time() else local.date()
        local = datetime.combine(day, wall, zone)
    for _ in range(MAX_DEFER_DAYS):
        if not is_away(session, reminder.target, local.date()):
            return local.astimezone(due.tzinfo)
        if reminder.repeat:
            return None
        local += timedelta(days=1)
    return None


def deliveries(
    session: Session, reminder: Reminder, start: datetime, end: datetime
) -> Iterator[datetime]:
    """When it is sent in [start, end): its occurrences moved by `for_person`, including
    those whose original time fell before `start`."""
    if reminder.repeat:
        due_times = occurrences(reminder, start - REPEAT_LOOKBACK, end)
    else:
        due_times = iter([clock.as_utc(reminder.first_due)])
    for due in due_times:
        moved = for_person(session, reminder, due)
        if moved is not None and start <= moved < end:
            yield moved


def next_delivery(session: Session, reminder: Reminder, now: datetime) -> datetime | None:
    """When it is next sent from `now` on (None: a one-off whose send time has passed)."""
    return next(deliveries(session, reminder, now, now + timedelta(days=800)), None)
