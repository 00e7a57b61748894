"""What needs a reminder: overdue and stale items, unguarded high risks, and snoozing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType
from skills.raid.service import CLOSED_STATUSES, RaidFilter, list_items, update_item


def needing_attention(
    session: Session, project: Project, *, today: date, stale_days: int, owner: str | None = None
) -> list[tuple[RaidItem, str]]:
    """Open items past their date ("overdue") or untouched for `stale_days` ("stale")."""
    stale_before = clock.now() - timedelta(days=stale_days)
    found = []
    chosen = RaidFilter(owner=owner)
    for item in list_items(session, project, chosen, today=today, limit=100_000):
        if item.due_on and item.due_on < today:
            found.append((item, f"overdue since {item.due_on:%d %b}"))
        elif clock.as_utc(item.updated_at) < stale_before:
            found.append((item, f"not updated for {stale_days}+ days"))
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
