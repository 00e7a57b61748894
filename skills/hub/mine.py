"""What the Hub shows one person: the check-ins waiting for them, their open items (most
urgent first), and their projects with health, next milestone and last summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.models import Project
from bot.core.people import People
from scheduler.models import Firing
from skills.hub.urgency import Ranked, rank
from skills.milestones.models import Milestone
from skills.milestones.service import next_milestone
from skills.raid.models import RaidItem
from skills.summary.health import HIGH_SCORE, is_open, is_overdue
from skills.summary.portfolio import PortfolioRow, portfolio_row


@dataclass(frozen=True)
class PendingCheckin:
    project: Project
    day: date
    answer_by: datetime | None
    timezone: str | None = None  # the person's for this check-in (its override, if any)


@dataclass(frozen=True)
class ProjectLine:
    row: PortfolioRow
    role: str
    milestone: Milestone | None
    last_summary: datetime | None


def pending_checkins(
    session: Session, people: People, user: str, projects: list[Project]
) -> list[PendingCheckin]:
    """Check-ins of the person's projects waiting for their answer: opened ones they have not
    answered, and today's whose prompt went out before anyone answered."""
    from skills.status import service
    from skills.status.config import get_config, person_timezone
    from skills.status.days import local_today

    found: dict[str, PendingCheckin] = {}
    for project in projects:
        for checkin in service.open_checkins_for(session, project, user):
            person = service.on_roster(session, checkin, user)
            answer_by = clock.as_utc(person.window_end) if person else None
            config = get_config(session, project)
            zone = person_timezone(people, config, user, project.timezone) if config else None
            found.setdefault(project.key, PendingCheckin(project, checkin.day, answer_by, zone))
    keys = {p.key for p in projects}
    for project in service.prompted_projects(session, user):
        config = get_config(session, project)
        if project.key in keys and project.key not in found and config is not None:
            day = local_today(people, config, project, user)
            found[project.key] = PendingCheckin(project, day, None)
    now = clock.now()
    return sorted(
        found.values(), key=lambda c: (c.answer_by is None, c.answer_by or now, c.project.key)
    )


def open_items_for(
    session: Session, user: str, projects: list[Project], runs: set[int]
) -> list[Ranked]:
    """The person's open items across their projects, most urgent first: what they own, what
    they raised with no owner, and (in projects they run) high or overdue items with no owner."""
    ids = [p.id for p in projects]
    if not ids:
        return []
    unowned = RaidItem.owner == None  # noqa: E711
    query = select(RaidItem).where(
        col(RaidItem.project_id).in_(ids),
        RaidItem.deleted == False,  # noqa: E712
        or_(
            RaidItem.owner == user,
            and_(unowned, RaidItem.raised_by == user),
            and_(unowned, col(RaidItem.project_id).in_(list(runs) or [-1])),
        ),
    )
    zones = {p.id: p.timezone for p in projects}
    keep = []
    for item in session.exec(query):
        if not is_open(item):
            continue
        mine = item.owner == user or item.raised_by == user
        today = clock.today(zones[item.project_id])
        if mine or is_overdue(item, today) or (item.score or 0) >= HIGH_SCORE:
            keep.append(item)
    return rank(session, keep, person=user)


def last_summary(session: Session, project: Project) -> datetime | None:
    """When the weekly summary was last posted (the scheduler's record)."""
    query = (
        select(Firing.posted_at)
        .where(Firing.job_key == f"summary:{project.key}", Firing.status == "posted")
        .order_by(col(Firing.due).desc())
    )
    posted = session.exec(query).first()
    return clock.as_utc(posted) if posted else None


def project_lines(
    session: Session, projects: list[Project], roles: dict[int, str], *, now: datetime
) -> list[ProjectLine]:
    """Each project's health, the person's role, next milestone and last summary, worst first."""
    lines = [
        ProjectLine(
            row=portfolio_row(session, project, now=now),
            role=roles.get(project.id, "admin"),
            milestone=next_milestone(session, project),
            last_summary=last_summary(session, project),
        )
        for project in projects
    ]
    return sorted(lines, key=lambda line: line.row.sort_key)
