"""Which days a project checks in, and when each participant is asked and may answer.

A check-in day `D` asks every participant at the configured time on `D` in their
own timezone (moved to when their quiet hours end, never earlier: `quiet`); each
may answer for the response window from their own prompt, and the check-in
closes at the latest window end. The plan is derived from the configuration until
the check-in is created (at its first prompt or update); from then on its roster
(`CheckinPerson`) is the record, so a later change of settings never moves a
prompt or a report that is already under way (`under_way_note` tells the PM).
Someone whose window had already ended when it was created is not on it (check-ins
switched on late in the day); someone who leaves the project before answering is
taken off it until its report has gone out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from bot.core import clock
from bot.core.concurrency import get_or_add
from bot.core.models import Project
from bot.core.people import People
from bot.core.projects import channels_of, members_of
from scheduler.models import Absence, Firing, PersonPrefs
from scheduler.plan import prefs_for
from skills.status.config import (
    Settings,
    describe,
    get_config,
    holidays,
    participants,
    person_timezone,
)
from skills.status.models import Checkin, CheckinConfig, CheckinPerson, StatusUpdate
from skills.status.quiet import asked_at


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
        last += timedelta(days=1)  # a prompt moved past quiet hours may fall the next morning
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
    prompt_at = asked_at(away_book.prefs(user), day, config.time, zone).astimezone(UTC)
    window_end = prompt_at + timedelta(minutes=config.window_minutes)
    return _slot(away_book, day, user, zone, prompt_at, window_end)


def _slot(
    book: AwayBook, day: date, user: str, zone: str, prompt_at: datetime, window_end: datetime
) -> Slot:
    """A slot, away when `day` or the day they are asked is a day off for them."""
    asked_on = prompt_at.astimezone(ZoneInfo(zone)).date()
    away = is_off(book, user, day) or is_off(book, user, asked_on)
    return Slot(user, zone, prompt_at, window_end, away)


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
    """The day's plan: from its roster once the check-in exists, else from the settings."""
    checkin = session.exec(
        select(Checkin).where(Checkin.project_id == project.id, Checkin.day == day)
    ).first()
    if checkin is None:
        users = participants(session, project, config)
        book = away_book or AwayBook(session, users, day, day)
        slots = [slot_for(session, people, project, config, u, day, book) for u in users]
        return DayPlan(project, config, day, slots)
    roster = roster_of(session, checkin)
    kept = _without_leavers(session, project, checkin, roster)
    book = away_book or AwayBook(session, [r.user_id for r in kept], day, day)
    slots = [_listed(book, day, person) for person in kept]
    if len(kept) < len(roster):  # the report no longer waits for those who left
        checkin.closes_at = _closing(slots, clock.as_utc(checkin.closes_at))
        session.add(checkin)
    return DayPlan(project, config, day, slots, checkin)


def _listed(book: AwayBook, day: date, person: CheckinPerson) -> Slot:
    prompt_at, window_end = clock.as_utc(person.prompt_at), clock.as_utc(person.window_end)
    return _slot(book, day, person.user_id, person.timezone, prompt_at, window_end)


def _without_leavers(
    session: Session, project: Project, checkin: Checkin, roster: list[CheckinPerson]
) -> list[CheckinPerson]:
    """The roster less those who left the project without answering, who are taken off it
    while its report has not gone out (closed days keep their history)."""
    inside = {m.user_id for m in members_of(session, project)}
    leavers = [r for r in roster if r.user_id not in inside]
    if not leavers or report_sent(session, project, checkin.day):
        return roster
    answered = set(
        session.exec(select(StatusUpdate.user_id).where(StatusUpdate.checkin_id == checkin.id))
    )
    gone = [r.id for r in leavers if r.user_id not in answered]
    if gone:
        session.exec(delete(CheckinPerson).where(col(CheckinPerson.id).in_(gone)))
    return [r for r in roster if r.id not in gone]


def _closing(slots: list[Slot], default: datetime) -> datetime:
    """When a check-in of these slots closes: the last window of those asked (of all when
    everyone is away)."""
    asked = [s for s in slots if not s.away] or slots
    return max((s.window_end for s in asked), default=default)


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
    session: Session,
    people: People,
    project: Project,
    config: CheckinConfig,
    day: date,
    answering: str | None = None,
) -> Checkin:
    """The day's check-in, created with its roster if it does not exist yet (race-safe);
    `answering`, the participant answering now, is on it even after their window."""
    plan = plan_day(session, people, project, config, day)
    if plan.checkin is not None:
        _top_up(session, people, project, config, plan.checkin, answering)
        return plan.checkin
    now = clock.now()
    slots = [s for s in plan.slots if _joins(s, now, answering)]
    checkin = Checkin(
        project_id=project.id,
        day=day,
        opens_at=min((s.prompt_at for s in slots if not s.away), default=now),
        closes_at=_closing(slots, now),
    )
    try:
        with session.begin_nested():
            session.add(checkin)
            session.flush()
            for slot in slots:
                session.add(_person(checkin, slot))
            session.flush()
    except IntegrityError:  # created meanwhile by another request or the scheduler
        existing = session.exec(
            select(Checkin).where(Checkin.project_id == project.id, Checkin.day == day)
        ).one()
        return existing
    return checkin


def _joins(slot: Slot, now: datetime, answering: str | None) -> bool:
    """Whether the slot joins a roster at `now`: away, still to be asked, or answering (who
    can no longer be asked is not asked that day, nor counted as silent)."""
    return slot.away or now < slot.window_end or slot.user == answering


def _person(checkin: Checkin, slot: Slot) -> CheckinPerson:
    return CheckinPerson(
        checkin_id=checkin.id,
        user_id=slot.user,
        timezone=slot.timezone,
        prompt_at=slot.prompt_at,
        window_end=slot.window_end,
    )


def _top_up(
    session: Session,
    people: People,
    project: Project,
    config: CheckinConfig,
    checkin: Checkin,
    answering: str | None,
) -> None:
    """Participants not on the open check-in (added since) join it while their window has
    not ended, or as they answer; it then closes no earlier than their window."""
    if is_closed(checkin):
        return
    listed = {r.user_id for r in roster_of(session, checkin)}
    missing = [u for u in participants(session, project, config) if u not in listed]
    if not missing:
        return
    book, now = AwayBook(session, missing, checkin.day, checkin.day), clock.now()
    slots = [slot_for(session, people, project, config, u, checkin.day, book) for u in missing]
    for slot in [s for s in slots if _joins(s, now, answering)]:
        get_or_add(  # each in a savepoint: two prompts may add the same newcomer
            session,
            partial(on_roster, session, checkin, slot.user),
            partial(_person, checkin, slot),
        )
        if not slot.away:
            checkin.closes_at = max(clock.as_utc(checkin.closes_at), slot.window_end)
    session.add(checkin)
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


def under_way_note(session: Session, project: Project, change: Settings) -> str:
    """Asked before saving: when `change` moves times and a check-in is under way, the
    sentence saying that check-in keeps its times (its roster has them) ('' otherwise)."""
    before = get_config(session, project)
    changed = _times_changed(change, before) if before and change.enabled is not False else []
    query = select(Checkin).where(Checkin.project_id == project.id, Checkin.closes_at > clock.now())
    started = session.exec(query.order_by(Checkin.day)).first() if changed else None
    if started is None:
        return ""
    return (
        f"The check-in of {started.day:%a %d %b} has already started and keeps its times: "
        f"the new {' and '.join(changed)} applies from the next check-in day."
    )


def _times_changed(change: Settings, before: CheckinConfig) -> list[str]:
    """Which of the settings a roster keeps (time, window, timezones) `change` alters."""
    changed = []
    if change.time not in (None, before.time):
        changed.append("time")
    if change.window_minutes not in (None, before.window_minutes):
        changed.append("response window")
    if any(before.timezones.get(user) != zone for user, zone in change.timezones.items()):
        changed.append("timezone")
    return changed


def saved_text(session: Session, project: Project, config: CheckinConfig, note: str) -> str:
    """The reply to saved settings: the note on a check-in under way, then the settings."""
    lines = ("Saved.", note, describe(session, project, config))
    return "\n".join(line for line in lines if line)
