"""What the scheduler will fire, derived from the database each time it is asked.

A job kind is a small object with `plan` (which firings fall in a time window)
and `run` (the replies one firing posts). Because plans are derived from the
configuration on every tick, a change made through Slack is reconciled at the
next minute with nothing else to update. Adding a kind = one class + one line
in `scheduler.kinds.KINDS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.core.messages import Reply
from bot.core.people import People
from scheduler.models import Absence, PersonPrefs


@dataclass(frozen=True)
class Planned:
    """One firing: a job key and the instant it is due (UTC), with its recipient."""

    kind: str
    key: str
    due: datetime
    recipient: str
    timezone: str
    project_id: int | None = None

    def local_due(self) -> datetime:
        return self.due.astimezone(ZoneInfo(self.timezone))


@dataclass
class PlanContext:
    session: Session
    people: People


class JobKind(Protocol):
    name: str

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]: ...

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]: ...


def parse_hhmm(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def local_instants(
    timezone: str, at: str, start: datetime, end: datetime, *, weekdays: set[int] | None = None
) -> Iterator[datetime]:
    """Each UTC instant in [start, end) at local time `at` on the allowed weekdays."""
    zone = ZoneInfo(timezone)
    wall = parse_hhmm(at)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        if weekdays is None or day.weekday() in weekdays:
            instant = datetime.combine(day, wall, tzinfo=zone).astimezone(start.tzinfo)
            if start <= instant < end:
                yield instant
        day += timedelta(days=1)


def prefs_for(session: Session, user_id: str) -> PersonPrefs:
    return session.get(PersonPrefs, user_id) or PersonPrefs(user_id=user_id)


def working_days(prefs: PersonPrefs) -> set[int] | None:
    return {0, 1, 2, 3, 4} if prefs.weekends_off else None


def out_of_quiet_hours(prefs: PersonPrefs, at: str) -> str:
    """`at`, or the end of the quiet hours when `at` falls inside them."""
    wall, quiet_start, quiet_end = (
        parse_hhmm(at),
        parse_hhmm(prefs.quiet_start),
        parse_hhmm(prefs.quiet_end),
    )
    if quiet_start > quiet_end:  # overnight, e.g. 19:00-08:00
        quiet = wall >= quiet_start or wall < quiet_end
    else:
        quiet = quiet_start <= wall < quiet_end
    return prefs.quiet_end if quiet else at


def is_away(session: Session, user_id: str, day: date) -> bool:
    query = select(Absence).where(
        Absence.user_id == user_id, Absence.start <= day, Absence.end >= day
    )
    return session.exec(query).first() is not None
