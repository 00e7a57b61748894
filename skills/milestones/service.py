"""Milestone services: create, find, move, change, link, follow — every change kept with who
and why."""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.projects import audit
from bot.core.text import escape
from skills.milestones.models import (
    DEFAULT_SLIP_THRESHOLD_DAYS,
    Milestone,
    MilestoneChange,
    MilestoneFollower,
    MilestoneLink,
    MilestoneSettings,
)
from skills.raid.corrections import successor
from skills.raid.models import RaidItem

STATUSES = ("planned", "at_risk", "done", "missed")
FINISHED = ("done", "missed")
STATUS_WORDS = {
    "planned": "planned",
    "on track": "planned",
    "on_track": "planned",
    "at risk": "at_risk",
    "at-risk": "at_risk",
    "at_risk": "at_risk",
    "risk": "at_risk",
    "done": "done",
    "met": "done",
    "achieved": "done",
    "complete": "done",
    "completed": "done",
    "missed": "missed",
}
KEY = re.compile(r"^(?:([A-Za-z][A-Za-z0-9-]*)-)?M(\d{1,6})$", re.I)
MAX_NAME = 200
MAX_REASON = 2000


def milestone_key(project: Project, seq: int) -> str:
    return f"{project.key.upper()}-M{seq}"


def slip_days(milestone: Milestone) -> int:
    """Days the forecast lies after the baseline (negative: ahead of it)."""
    return (milestone.forecast_on - milestone.baseline_on).days


def is_open(milestone: Milestone) -> bool:
    return not milestone.deleted and milestone.status not in FINISHED


def read_status(value: Any) -> str:
    status = STATUS_WORDS.get(str(value or "").strip().lower().replace("-", " "))
    if status is None:
        raise UserError(
            f"`{escape(str(value))}` is not a milestone status: use planned, at risk, done or "
            "missed."
        )
    return status


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UserError("A milestone needs a name, e.g. `milestone add Beta launch --date 15 Jan`.")
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1].rstrip() + "…"


def record(
    session: Session,
    milestone: Milestone,
    *,
    actor: str,
    field: str,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> MilestoneChange:
    change = MilestoneChange(
        milestone_id=milestone.id,
        actor=actor,
        field=field,
        old=None if old is None else str(old)[:200],
        new=None if new is None else str(new)[:200],
        reason=(reason or "").strip()[:MAX_REASON] or None,
    )
    session.add(change)
    return change


def create_milestone(
    session: Session,
    *,
    project: Project,
    name: str,
    due_on: date,
    actor: str,
    owner: str | None = None,
    baseline_on: date | None = None,
    status: str = "planned",
    seq: int | None = None,
    reason: str | None = None,
) -> Milestone:
    """A new milestone: its baseline is `baseline_on` (default: the date given)."""
    name = clean_name(name)
    status = read_status(status)
    session.exec(select(Project.id).where(Project.id == project.id).with_for_update()).first()
    if seq is None:
        last = select(func.max(Milestone.seq)).where(Milestone.project_id == project.id)
        seq = (session.exec(last).first() or 0) + 1
    elif session.exec(
        select(Milestone.id).where(Milestone.project_id == project.id, Milestone.seq == seq)
    ).first():
        raise UserError(f"`{milestone_key(project, seq)}` already exists.")
    milestone = Milestone(
        project_id=project.id,
        seq=seq,
        key=milestone_key(project, seq),
        name=name,
        baseline_on=baseline_on or due_on,
        forecast_on=due_on,
        owner=owner,
        status=status,
        created_by=actor,
    )
    session.add(milestone)
    session.flush()
    record(session, milestone, actor=actor, field="created", new=milestone.key, reason=reason)
    if milestone.forecast_on != milestone.baseline_on:
        record(
            session,
            milestone,
            actor=actor,
            field="forecast",
            old=milestone.baseline_on.isoformat(),
            new=milestone.forecast_on.isoformat(),
            reason=reason,
        )
    audit(session, actor=actor, action="milestone.create", project=project, target=milestone.key)
    return milestone


def find_milestone(session: Session, text: str, project: Project | None) -> Milestone:
    """A live milestone by full key (`APOLLO-M2`), or short key (`M2`) within `project`."""
    raw = text.strip().strip("`*#").rstrip(".,:;?!")
    match = KEY.match(raw)
    if not match:
        raise UserError(f"`{escape(raw)}` is not a milestone key: they look like `APOLLO-M2`.")
    prefix, number = match.group(1), int(match.group(2))
    if prefix is None and project is None:
        raise UserError(
            f"`{escape(raw)}` is a short key: use the full key (like `APOLLO-M2`), say it in the "
            "project's channel, or add `--project KEY`."
        )
    key = f"{prefix.upper()}-M{number}" if prefix else milestone_key(project, number)  # type: ignore[arg-type]
    milestone = session.exec(select(Milestone).where(Milestone.key == key)).first()
    if milestone is None or milestone.deleted:
        raise UserError(
            f"There is no milestone `{key}` (deleted, or never made): `milestone list`."
        )
    return milestone


def move(
    session: Session, *, milestone: Milestone, to: date, actor: str, reason: str
) -> MilestoneChange | None:
    """Move the forecast to `to`, keeping who and why; None when it already was `to`."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(
            f"Why is {milestone.key} moving? Say it after the date, e.g. "
            f"`milestone move {milestone.key} {to:%d %b} vendor delivery slipped`."
        )
    if milestone.forecast_on == to:
        return None
    change = record(
        session,
        milestone,
        actor=actor,
        field="forecast",
        old=milestone.forecast_on.isoformat(),
        new=to.isoformat(),
        reason=reason,
    )
    milestone.forecast_on = to
    _touched(session, milestone, actor, ["forecast"])
    return change


def update(
    session: Session,
    *,
    milestone: Milestone,
    actor: str,
    changes: dict[str, Any],
    reason: str | None = None,
) -> list[str]:
    """Change the name, owner or status (a date goes through `move`); the fields changed."""
    cleaned = {}
    for field, value in changes.items():
        if field == "name":
            cleaned[field] = clean_name(str(value))
        elif field == "status":
            cleaned[field] = read_status(value)
        elif field == "owner":
            cleaned[field] = value or None
        else:
            raise UserError(f"I can't change a milestone's {escape(field)}.")
    changed = []
    for field, value in cleaned.items():
        old = getattr(milestone, field)
        if old != value:
            record(session, milestone, actor=actor, field=field, old=old, new=value, reason=reason)
            setattr(milestone, field, value)
            changed.append(field)
    if changed:
        _touched(session, milestone, actor, changed)
    return changed


def delete(session: Session, *, milestone: Milestone, actor: str) -> None:
    milestone.deleted = True
    record(session, milestone, actor=actor, field="deleted", old=False, new=True)
    _touched(session, milestone, actor, ["deleted"])


def _touched(session: Session, milestone: Milestone, actor: str, fields: list[str]) -> None:
    milestone.updated_at = clock.now()
    session.add(milestone)
    audit(
        session,
        actor=actor,
        action="milestone.update",
        project=session.get(Project, milestone.project_id),
        target=milestone.key,
        fields=fields,
    )


def link_item(session: Session, *, milestone: Milestone, item: RaidItem, actor: str) -> bool:
    """Record that `item` threatens `milestone`; False when it already was linked."""
    if item.project_id != milestone.project_id:
        raise UserError(f"{item.key} is in another project: link items of the same project.")
    exists = session.exec(
        select(MilestoneLink.id).where(
            MilestoneLink.milestone_id == milestone.id, MilestoneLink.raid_item_id == item.id
        )
    ).first()
    if exists:
        return False
    session.add(MilestoneLink(milestone_id=milestone.id, raid_item_id=item.id, created_by=actor))
    record(session, milestone, actor=actor, field="link", new=item.key)
    return True


def threats(session: Session, milestone: Milestone) -> list[RaidItem]:
    """The live RAID items linked to the milestone, oldest link first; a risk that became
    an issue threatens it as that issue."""
    query = (
        select(RaidItem)
        .join(MilestoneLink, col(MilestoneLink.raid_item_id) == RaidItem.id)
        .where(MilestoneLink.milestone_id == milestone.id, RaidItem.deleted == False)  # noqa: E712
        .order_by(col(MilestoneLink.id))
    )
    return list(
        {item.id: item for item in map(partial(successor, session), session.exec(query))}.values()
    )


def follow(session: Session, *, milestone: Milestone, user: str, stop: bool = False) -> bool:
    """Follow (or stop following) a milestone; False when nothing changed."""
    row = session.exec(
        select(MilestoneFollower).where(
            MilestoneFollower.milestone_id == milestone.id, MilestoneFollower.user_id == user
        )
    ).first()
    if stop and row:
        session.delete(row)
        return True
    if not stop and row is None:
        session.add(MilestoneFollower(milestone_id=milestone.id, user_id=user))
        return True
    return False


def followers(session: Session, milestone: Milestone) -> list[str]:
    query = select(MilestoneFollower.user_id).where(MilestoneFollower.milestone_id == milestone.id)
    return sorted(session.exec(query))


def history(session: Session, milestone: Milestone) -> list[MilestoneChange]:
    query = (
        select(MilestoneChange)
        .where(MilestoneChange.milestone_id == milestone.id)
        .order_by(col(MilestoneChange.id))
    )
    return list(session.exec(query))


def list_milestones(
    session: Session, project: Project, *, include_finished: bool = True
) -> list[Milestone]:
    """The project's live milestones by forecast date."""
    query = select(Milestone).where(
        Milestone.project_id == project.id,
        Milestone.deleted == False,  # noqa: E712
    )
    found = sorted(session.exec(query), key=lambda m: (m.forecast_on, m.seq))
    return found if include_finished else [m for m in found if is_open(m)]


def named_key(session: Session, project: Project, text: str) -> str | None:
    """The key of the one live milestone whose whole name the words say ("let me know if
    go-live slips" names "Go-live"); the longest name wins when one holds another."""
    said = f" {' '.join(re.findall(r'[a-z0-9]+', text.lower()))} "
    named = [
        (len(words), m)
        for m in list_milestones(session, project)
        if (words := " ".join(re.findall(r"[a-z0-9]+", m.name.lower()))) and f" {words} " in said
    ]
    longest = max((size for size, _ in named), default=0)
    found = [m for size, m in named if size == longest]
    return found[0].key if len(found) == 1 else None


def next_milestone(session: Session, project: Project) -> Milestone | None:
    """The open milestone with the earliest forecast (an overdue one first)."""
    return next(iter(list_milestones(session, project, include_finished=False)), None)


def slip_threshold(session: Session, project: Project) -> int:
    settings = session.get(MilestoneSettings, project.id)
    return settings.slip_threshold_days if settings else DEFAULT_SLIP_THRESHOLD_DAYS


def set_slip_threshold(session: Session, *, project: Project, days: int, actor: str) -> None:
    if not 0 <= days <= 365:
        raise UserError("The slip threshold is a number of days from 0 to 365.")
    settings = session.get(MilestoneSettings, project.id) or MilestoneSettings(
        project_id=project.id
    )
    settings.slip_threshold_days, settings.updated_by = days, actor
    session.add(settings)
    audit(session, actor=actor, action="milestone.threshold", project=project, days=days)
