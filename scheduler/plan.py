"""What the scheduler will fire, derived from the database each time it is asked.

A job kind is a small object with `plan` (which firings fall in a time window)
and `run` (the replies one firing posts). Because plans are derived from the
configuration on every tick, a change made through Slack is reconciled at the
next minute with nothing else to update. Kinds are declared by skills (`Skill.jobs`)
and handed to the engine by the runtime (`bot.scheduling`); this package imports no skill.

A tick's `TickCache` loads the projects, their schedules and people's preferences once
and shares them between planning and every firing of that tick.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.core.messages import Reply
from bot.core.models import Membership, Project, Role
from bot.core.people import People
from scheduler.models import Absence, PersonPrefs, ProjectSchedule


@dataclass(frozen=True)
class Planned:
    """One firing: a job key and the instant it is due (UTC), with its recipient.

    `projects`: the projects a person-level firing (no `project_id`) draws on, for listings.
    `late`: set by the engine on a firing it catches up after an outage (`scheduler.policy`).
    """

    kind: str
    key: str
    due: datetime
    recipient: str
    timezone: str
    project_id: int | None = None
    projects: tuple[int, ...] = ()
    late: bool = False

    def local_due(self) -> datetime:
        return self.due.astimezone(ZoneInfo(self.timezone))


ROLES = {role.value: role for role in Role}


@dataclass
class TickCache:
    """What every firing of one tick reads: loaded once, then shared read-only (detached).

    `memo` keeps any other per-tick result a kind computes once for all its firings.
    """

    projects: list[tuple[Project, ProjectSchedule]] | None = None
    prefs: dict[str, PersonPrefs] = field(default_factory=dict)
    roles: dict[tuple[int, str], Role] = field(default_factory=dict)
    absences: dict[str, list[tuple[date, date]]] = field(default_factory=dict)
    memos: dict[Any, Any] = field(default_factory=dict)
    computing: dict[Any, threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self, session: Session) -> None:
        if self.projects is not None:  # loaded: every later read is lock-free
            return
        with self.lock:
            if self.projects is not None:
                return
            configs = {c.project_id: c for c in session.exec(select(ProjectSchedule))}
            self.prefs = {p.user_id: p for p in session.exec(select(PersonPrefs))}
            rows = session.connection().execute  # plain rows: no ORM work per row
            members = select(Membership.project_id, Membership.user_id, Membership.role)
            self.roles = {(p, u): ROLES[r] for p, u, r in rows(members)}
            for user, start, end in rows(select(Absence.user_id, Absence.start, Absence.end)):
                self.absences.setdefault(user, []).append((start, end))
            self.projects = [
                (p, configs.get(p.id) or ProjectSchedule(project_id=p.id))
                for p in session.exec(select(Project).order_by(Project.key))
            ]

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per tick for `key`; a thread asking meanwhile waits for it."""
        with self.lock:
            if key in self.memos:
                return self.memos[key]
            computing = self.computing.setdefault(key, threading.Lock())
        with computing:
            with self.lock:
                if key in self.memos:
                    return self.memos[key]
            value = compute()
            with self.lock:
                self.memos[key] = value
        return value


DEFAULT_PREFS = PersonPrefs(user_id="")  # read only: the quiet hours of anyone who set none


@dataclass
class PlanContext:
    session: Session
    people: People
    cache: TickCache = field(default_factory=TickCache)

    def schedules(self) -> list[tuple[Project, ProjectSchedule]]:
        """Every project with its schedule (defaults when none was set), by key."""
        self.cache.load(self.session)
        return self.cache.projects or []

    def schedule_of(self, project_id: int) -> ProjectSchedule:
        found = next((c for p, c in self.schedules() if p.id == project_id), None)
        return found or ProjectSchedule(project_id=project_id)

    def prefs(self, user_id: str) -> PersonPrefs:
        """A person's quiet hours and weekends (defaults when none were set; read only)."""
        self.cache.load(self.session)
        return self.cache.prefs.get(user_id) or DEFAULT_PREFS

    def role(self, project_id: int, user_id: str) -> Role | None:
        """The person's role in the project as this tick found it (None: not a member)."""
        self.cache.load(self.session)
        return self.cache.roles.get((project_id, user_id))

    def members(self) -> dict[tuple[int, str], Role]:
        """Each (project id, user id) with a role, and the role, as this tick found it."""
        self.cache.load(self.session)
        return self.cache.roles

    def away(self, user_id: str, day: date) -> bool:
        """Whether the person is away (OOO) on `day`, as this tick found it."""
        self.cache.load(self.session)
        return any(start <= day <= end for start, end in self.cache.absences.get(user_id, []))

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        return self.cache.memo(key, compute)


class JobKind(Protocol):
    """A kind of scheduled post. It may also declare `policy` (`scheduler.policy.Policy`):
    how late its firings may post, whether missed ones are caught up, and whether a job key
    posts at most once a local day or week."""

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
