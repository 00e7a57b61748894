"""RAID tables: items, their field-by-field history, and links between items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.concurrency import Versioned
from bot.core.models import utc_column

UNDO_NOTE = "undo:"  # an undo row's note names the change it reverted: `undo:<change id>`


class RaidItem(Versioned, table=True):
    """A risk, assumption, issue, dependency, action or decision, keyed like `APOLLO-R7`.

    The owner is a Slack user id (`owner`) or, for someone outside Slack ("Legal team", a
    vendor), a name kept as text (`owner_name`). `due_on` is the due date (issues,
    dependencies, actions), the review date (risks, assumptions) or the date a decision was
    taken. `external_ref` is the item's id elsewhere: `R-001` in an imported register, a
    ticket key or a link. Its `version` is checked on every write: see
    `bot.core.concurrency`.
    """

    __tablename__ = "raid_items"
    __table_args__ = (UniqueConstraint("project_id", "type", "seq", name="uq_raid_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    type: str = Field(max_length=16)
    seq: int
    key: str = Field(max_length=48, unique=True, index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    owner: str | None = Field(default=None, max_length=32, index=True)
    owner_name: str | None = Field(default=None, max_length=120)
    raised_by: str = Field(max_length=32)
    raised_at: datetime = utc_column()
    due_on: date | None = Field(default=None, index=True)
    probability: int | None = None
    impact: int | None = None
    score: int | None = None
    severity: str | None = Field(default=None, max_length=16)
    strategy: str | None = Field(default=None, max_length=16)
    mitigation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="open", max_length=16, index=True)
    source: str | None = Field(default=None, max_length=500)
    external_ref: str | None = Field(default=None, max_length=300, index=True)
    decided_by: str | None = Field(default=None, max_length=120)  # a user id or a name
    rationale: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = utc_column()
    deleted: bool = Field(default=False, index=True)


class RaidHistory(SQLModel, table=True):
    """One change to one field of an item: who, when, from what, to what."""

    __tablename__ = "raid_history"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="raid_items.id", index=True)
    at: datetime = utc_column()
    actor: str = Field(max_length=32)
    field: str = Field(max_length=32)
    old: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    change: str | None = Field(default=None, max_length=32, index=True)  # rows of one request


class RaidLink(SQLModel, table=True):
    """A relation between two items, e.g. a risk `converted_to` an issue."""

    __tablename__ = "raid_links"
    __table_args__ = (UniqueConstraint("from_id", "to_id", "relation", name="uq_raid_link"),)

    id: int | None = Field(default=None, primary_key=True)
    from_id: int = Field(foreign_key="raid_items.id", index=True)
    to_id: int = Field(foreign_key="raid_items.id", index=True)
    relation: str = Field(default="relates_to", max_length=32)
