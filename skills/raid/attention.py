"""What needs a reminder: overdue and stale items, unguarded high risks, and snoozing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidStatus, RaidType, is_closed
from skills.raid.service import CLOSED_STATUSES, RaidFilter, list_items, update_item


def attention_reason(
    due_on: date | None, updated_at: datetime, *, today: date, stale_days: int
) -> str | None:
    """Why an open item needs attention on `today` ("overdue …", "not updated …"), or None."""
    if overdue(due_on, today):
        return f"overdue since {due_on:%d %b}"
    if stale(updated_at, stale_before(stale_days)):
        return f"not updated for {stale_days}+ days"
    return None


def overdue(due_on: date | None, today: date) -> bool:
    return bool(due_on and due_on < today)


def stale(updated_at: datetime, before: datetime) -> bool:
    return clock.as_utc(updated_at) < before


def stale_before(stale_days: int) -> datetime:
    """The instant before which an item not updated since is stale."""
    return clock.now() - timedelta(days=stale_days)


def needing_attention(
    session: Session, project: Project, *, today: date, stale_days: int, owner: str | None = None
) -> list[tuple[RaidItem, str]]:
    """Open items past their date ("overdue") or untouched for `stale_days` ("stale")."""
    found = []
    chosen = RaidFilter(owner=owner)
    for item in list_items(session, project, chosen, today=today, limit=100_000):
        reason = attention_reason(item.due_on, item.updated_at, today=today, stale_days=stale_days)
        if reason:
            found.append((item, reason))
    return found


OWNERS_BATCH = 400  # owners per query, well under any bind-parameter limit


def owners_needing_attention(
    session: Session, projects: dict[int, tuple[date, int]], owners: Collection[str] | None = None
) -> set[tuple[int, str]]:
    """Each (project id, owner) with an open item needing attention, in one query for all
    `projects` (project id: its today and stale days), of `owners` only when given (a
    query per `OWNERS_BATCH` of them); the rule of `needing_attention`."""
    if not projects:
        return set()
    if owners is None:
        return _owners_needing_attention(session, projects, None)
    chosen = sorted(owners)
    found: set[tuple[int, str]] = set()
    for start in range(0, len(chosen), OWNERS_BATCH):
        found |= _owners_needing_attention(session, projects, chosen[start : start + OWNERS_BATCH])
    return found


def _owners_needing_attention(
    session: Session, projects: dict[int, tuple[date, int]], owners: list[str] | None
) -> set[tuple[int, str]]:
    live = select(
        RaidItem.project_id,
        RaidItem.owner,
        RaidItem.type,
        RaidItem.status,
        RaidItem.due_on,
        RaidItem.updated_at,
    ).where(
        col(RaidItem.project_id).in_(projects),
        RaidItem.deleted == False,  # noqa: E712
        col(RaidItem.owner).is_not(None),
    )
    if owners is not None:
        live = live.where(col(RaidItem.owner).in_(owners))
    found: set[tuple[int, str]] = set()
    rule = {pid: (today, stale_before(days)) for pid, (today, days) in projects.items()}
    closed: dict[tuple[str, str], bool] = {}
    for project_id, owner, raid_type, status, due_on, updated_at in session.connection().execute(
        live
    ):
        if not owner or (project_id, owner) in found:
            continue
        if (raid_type, status) not in closed:
            closed[raid_type, status] = is_closed(RaidType(raid_type), RaidStatus(status))
        today, before = rule[project_id]
        if not closed[raid_type, status] and (overdue(due_on, today) or stale(updated_at, before)):
            found.add((project_id, owner))
    return found


def unguarded_risks(session: Session, project: Project, *, min_score: int = 10) -> list[RaidItem]:
    """Open risks in the high band or above (score >= 10) with no owner or no mitigation."""
    risks = list_items(
        session, project, RaidFilter(type=RaidType.RISK, min_score=min_score), limit=100_000
    )
    return [r for r in risks if not r.owner or not (r.mitigation or "").strip()]


def snooze(session: Session, *, item: RaidItem, days: int, actor: str, today: date) -> date:
    """Push the item's date `days` past today (or past its date), noting why in history.
    A closed item is not snoozed (its button was stale): `UserError` says so."""
    if item.status in CLOSED_STATUSES:
        raise UserError(
            f"{item.key} is already {item.status}, so there is nothing to snooze "
            f"(`/pmo raid reopen {item.key}` reopens it)."
        )
    new_date = max(today, item.due_on or today) + timedelta(days=days)
    update_item(
        session,
        item=item,
        changes={"due_on": new_date},
        actor=actor,
        note=f"snoozed {days} days from a reminder",
    )
    return new_date
