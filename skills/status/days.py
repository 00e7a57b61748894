"""Which days a project checks in, and when each participant is asked and may answer.

A check-in day `D` asks every participant at the configured time on `D` in their
own timezone (moved out of their quiet hours like every scheduled message); each
may answer for the response window from their own prompt, and the check-in
closes at the latest window end. The plan is derived from the configuration until
the check-in is created (at its first prompt or update); from then on its roster
(`CheckinPerson`) is the record, so a later change of settings never moves a
prompt or a report that is already under way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.concurrency import get_or_add
from bot.core.models import Project
from bot.core.people import People
from bot.core.projects import channels_of
from scheduler.models import Absence, Firing, PersonPrefs
from scheduler.plan import out_of_quiet_hours, parse_hhmm, prefs_for
from skills.status.config import holidays, participants, person_timezone
from skills.status.models import Checkin, CheckinConfig, CheckinPerson


@dataclass(frozen=True)
class Slot:
    """One participant on one check-in day."""

    user: str
    timezone: str
    prompt_at: datetime
    window_end: datetime
    away: bool = False

    def local_day(self) -> date:
        return self.prompt_at.astimezone(ZoneInfo(self.timezone)).date()


@dataclass
class DayPlan:
    project: Project
    config: CheckinConfig
    day: date
    slots: list[Slot]
    checkin: Checkin | None = None

    @property
    def asked(self) -> list[Slot]:
        return [s for s in self.slots if not s.away]

    @property
    def closes_at(self) -> datetime | None:
        if self.checkin is not None:
            return clock.as_utc(self.checkin.closes_at)
        return max((s.window_end for s in self.asked), default=None)

    @property
    def key(self) -> str:
        return f"{self.project.key}:{self.day.isoformat()}"


class AwayBook:
    """Absences of some people over some dates (one query), and their preferences."""

    def __init__(self, session: Session, users: Iterable[str], first: date, last: date) -> None:
        users = sorted(set(users))
        query = select(Absence).where(
            col(Absence.user_id).in_(users), Absence.end >= first, Absence.start <= last
        )
        self.session = session
        self.absences = list(session.exec(query)) if users else []
        self._prefs: dict[str, PersonPrefs] = {}

    def away(self, user: str, day: date) -> bool:
        return any(a.user_id == user and a.start <= day <= a.end for a in self.absences)

    def prefs(self, user: str) -> PersonPrefs:
        if user not in self._prefs:
            self._prefs[user] = prefs_for(self.session, user)
        return self._prefs[user]


def is_checkin_day(config: CheckinConfig, day: date, off_days: Iterable[date]) -> bool:
    return day.weekday() in config.days and day not in set(off_days)


def slot_for(
    session: Session,
    people: People,
    project: Project,
    config: CheckinConfig,
    user: str,
    day: date,
    away_book: AwayBook,
) -> Slot:
    """When `user` is asked on `day`; people away or whose weekend it is are not asked."""
    zone = person_timezone(people, config, user, project.timezone)
    at = parse_hhmm(out_of_quiet_hours(away_book.prefs(user), config.time))
    prompt_at = datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    away = is_off(away_book, user, day)
    return Slot(user, zone, prompt_at, prompt_at + timedelta(minutes=config.window_minutes), away)


def is_off(away_book: AwayBook, user: str, day: date) -> bool:
    """Away (OOO) that day, or it is their weekend."""
    return away_book.away(user, day) or (day.weekday() >= 5 and away_book.prefs(user).weekends_off)


def plan_day(
    session: Session,
    people: People,
    project: Project,
    config: CheckinConfig,
    day: date,
    away_book: AwayBook | None = None,
) -> DayPlan:
    """The day's plan: from its roster when the check-in exists, else from the settings."""
    checkin = session.exec(
        select(Checkin).where(Checkin.project_id == project.id, Checkin.day == day)
    ).first()
    roster = roster_of(session, checkin) if checkin else []
    users = [r.user_id for r in roster] or participants(session, project, config)
    book = away_book or AwayBook(session, users, day, day)
    if roster:
        slots = [
            Slot(
                r.user_id,
                r.timezone,
                clock.as_utc(r.prompt_at),
                clock.as_utc(r.window_end),
                is_off(book, r.user_id, day),
            )
            for r in roster
        ]
    else:
        slots = [slot_for(session, people, project, config, u, day, book) for u in users]
    return DayPlan(project, config, day, slots, checkin)


def roster_of(session: Session, checkin: Checkin) -> list[CheckinPerson]:
    query = select(CheckinPerson).where(CheckinPerson.checkin_id == checkin.id)
    return list(session.exec(query.order_by(CheckinPerson.user_id)))


def enabled_configs(session: Session) -> list[tuple[Project, CheckinConfig]]:
    query = (
        select(Project, CheckinConfig)
        .join(CheckinConfig, CheckinConfig.project_id == Project.id)
        .where(CheckinConfig.enabled == True)  # noqa: E712
        .order_by(Project.key)
    )
    return [(project, config) for project, config in session.exec(query)]


def plans_between(
    session: Session, people: People, start: datetime, end: datetime
) -> list[DayPlan]:
    """Every check-in day of every enabled project whose prompts or report may fall in
    [start, end) (days from two before `start` to one after `end`, for far timezones)."""
    found = []
    first, last = (start - timedelta(days=2)).date(), (end + timedelta(days=1)).date()
    for project, config in enabled_configs(session):
        off = holidays(session, project)
        book = AwayBook(session, participants(session, project, config), first, last)
        day = first
        while day <= last:
            if is_checkin_day(config, day, off):
                plan = plan_day(session, people, project, config, day, book)
                if plan.slots:
                    found.append(plan)
            day += timedelta(days=1)
    return found


def ensure_checkin(
    session: Session, people: People, project: Project, config: CheckinConfig, day: date
) -> Checkin:
    """The day's check-in, created with its roster if it does not exist yet (race-safe)."""
    plan = plan_day(session, people, project, config, day)
    if plan.checkin is not None:
        _top_up(session, people, project, config, plan.checkin)
        return plan.checkin
    asked = plan.asked or plan.slots
    now = clock.now()
    checkin = Checkin(
        project_id=project.id,
        day=day,
        opens_at=min((s.prompt_at for s in asked), default=now),
        closes_at=max((s.window_end for s in asked), default=now),
    )
    try:
        with session.begin_nested():
            session.add(checkin)
            session.flush()
            for slot in plan.slots:
                session.add(_person(checkin, slot))
            session.flush()
    except IntegrityError:  # created meanwhile by another request or the scheduler
        existing = session.exec(
            select(Checkin).where(Checkin.project_id == project.id, Checkin.day == day)
        ).one()
        return existing
    return checkin


def _person(checkin: Checkin, slot: Slot) -> CheckinPerson:
    return CheckinPerson(
        checkin_id=checkin.id,
        user_id=slot.user,
        timezone=slot.timezone,
        prompt_at=slot.prompt_at,
        window_end=slot.window_end,
    )


def _top_up(
    session: Session, people: People, project: Project, config: CheckinConfig, checkin: Checkin
) -> None:
    """Participants added after the check-in was created join it while it is open."""
    if is_closed(checkin):
        return
    listed = {r.user_id for r in roster_of(session, checkin)}
    missing = [u for u in participants(session, project, config) if u not in listed]
    if not missing:
        return
    book = AwayBook(session, missing, checkin.day, checkin.day)
    for user in missing:  # each in a savepoint: two prompts may add the same newcomer
        slot = slot_for(session, people, project, config, user, checkin.day, book)
        get_or_add(
            session, partial(on_roster, session, checkin, user), partial(_person, checkin, slot)
        )
    session.flush()


def on_roster(session: Session, checkin: Checkin, user: str) -> CheckinPerson | None:
    query = select(CheckinPerson).where(
        CheckinPerson.checkin_id == checkin.id, CheckinPerson.user_id == user
    )
    return session.exec(query).first()


def is_closed(checkin: Checkin, now: datetime | None = None) -> bool:
    """Closed once the last window ended (the report is due then)."""
    return (now or clock.now()) >= clock.as_utc(checkin.closes_at)


REPORT_KIND = "checkin-report"


def report_key(project: Project, day: date) -> str:
    """The report's job key in the scheduler (`Firing.job_key`)."""
    return f"{REPORT_KIND}:{project.key}:{day.isoformat()}"


def report_sent(session: Session, project: Project, day: date) -> bool:
    query = select(Firing.id).where(
        Firing.job_key == report_key(project, day), Firing.status == "posted"
    )
    return session.exec(query).first() is not None


def report_channel(session: Session, project: Project) -> str | None:
    """Where reports go: the project's first channel (None: to the PMs by DM)."""
    channels = channels_of(session, project)
    return channels[0] if channels else None


def local_today(people: People, config: CheckinConfig, project: Project, user: str) -> date:
    return (
        clock.now()
        .astimezone(ZoneInfo(person_timezone(people, config, user, project.timezone)))
        .date()
    )
