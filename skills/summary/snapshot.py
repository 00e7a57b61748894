"""RAID items as they stood at an earlier instant, rebuilt by rewinding their history.

Each `RaidHistory` row records a field's old and new value; undoing the rows at
or after `when` (newest first) gives the item as it was just before `when`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.models import Project
from skills.raid.models import RaidHistory, RaidItem

INT_FIELDS = ("probability", "impact")
NULLABLE_TEXT = ("owner", "owner_name", "mitigation", "source")
REQUIRED_TEXT = ("title", "status")


@dataclass(frozen=True)
class ItemState:
    """The fields of a RAID item that summaries and the health rule read."""

    id: int
    key: str
    type: str
    title: str
    status: str
    owner: str | None
    mitigation: str | None
    due_on: date | None
    probability: int | None
    impact: int | None
    source: str | None
    deleted: bool
    owner_name: str | None = None  # an owner outside Slack, kept as text

    @property
    def score(self) -> int | None:
        return self.probability * self.impact if self.probability and self.impact else None

    @classmethod
    def of(cls, item: RaidItem) -> ItemState:
        return cls(
            id=item.id or 0,
            key=item.key,
            type=item.type,
            title=item.title,
            status=item.status,
            owner=item.owner,
            mitigation=item.mitigation,
            due_on=item.due_on,
            probability=item.probability,
            impact=item.impact,
            source=item.source,
            deleted=item.deleted,
            owner_name=item.owner_name,
        )


def project_items(session: Session, project: Project) -> list[RaidItem]:
    """Every item of the project, deleted ones included, oldest first."""
    query = select(RaidItem).where(RaidItem.project_id == project.id).order_by(RaidItem.id)
    return list(session.exec(query))


def _undo(state: ItemState, row: RaidHistory) -> ItemState:
    """The state before `row` was applied."""
    old = row.old
    if row.field in INT_FIELDS:
        return replace(state, **{row.field: int(old) if old else None})
    if row.field == "due_on":
        return replace(state, due_on=date.fromisoformat(old) if old else None)
    if row.field == "deleted":
        return replace(state, deleted=old == "True")
    if row.field in NULLABLE_TEXT:
        return replace(state, **{row.field: old})
    if row.field in REQUIRED_TEXT:
        return replace(state, **{row.field: old or ""})
    return state  # created, link, escalated ... change nothing we read


def states_as_of(
    session: Session, project: Project, when: datetime, items: list[RaidItem] | None = None
) -> dict[int, ItemState]:
    """Items that existed (and were not deleted) just before `when`, by item id."""
    when = clock.as_utc(when)
    items = project_items(session, project) if items is None else items
    states = {i.id: ItemState.of(i) for i in items if i.id and clock.as_utc(i.raised_at) < when}
    if not states:
        return {}
    rows = session.exec(
        select(RaidHistory)
        .where(col(RaidHistory.item_id).in_(list(states)), RaidHistory.at >= when)
        .order_by(col(RaidHistory.id).desc())
    )
    for row in rows:
        states[row.item_id] = _undo(states[row.item_id], row)
    return {item_id: s for item_id, s in states.items() if not s.deleted}
