"""Milestone tables: milestones, every change to them (who, when, why), the RAID items that
threaten them, who follows them, and each project's slip threshold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column

DEFAULT_SLIP_THRESHOLD_DAYS = 3


class Milestone(SQLModel, table=True):
    """A dated goal of a project, keyed like `APOLLO-M2`: its baseline (the date first
    agreed) and its current forecast."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_milestone_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    seq: int
    key: str = Field(max_length=48, unique=True, index=True)
    name: str = Field(max_length=200)
    baseline_on: date
    forecast_on: date = Field(index=True)
    owner: str | None = Field(default=None, max_length=32, index=True)
    status: str = Field(default="planned", max_length=16)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    deleted: bool = Field(default=False, index=True)


class MilestoneChange(SQLModel, table=True):
    """One change to one field of a milestone, with why; `forecast` rows are the date moves."""

    __tablename__ = "milestone_changes"

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestones.id", index=True)
    at: datetime = utc_column(index=True)
    actor: str = Field(max_length=32)
    field: str = Field(max_length=32)
    old: str | None = Field(default=None, max_length=200)
    new: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class MilestoneLink(SQLModel, table=True):
    """A RAID item that threatens a milestone."""

    __tablename__ = "milestone_links"
    __table_args__ = (UniqueConstraint("milestone_id", "raid_item_id", name="uq_milestone_link"),)

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestones.id", index=True)
    raid_item_id: int = Field(foreign_key="raid_items.id", index=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()


class MilestoneFollower(SQLModel, table=True):
    """Someone told when the milestone slips (its PMs are told anyway)."""

    __tablename__ = "milestone_followers"
    __table_args__ = (UniqueConstraint("milestone_id", "user_id", name="uq_milestone_follower"),)

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestones.id", index=True)
    user_id: str = Field(max_length=32, index=True)


class MilestoneSettings(SQLModel, table=True):
    """A project's slip threshold: a move that leaves the forecast more than this many days
    after the baseline alerts its PMs and the milestone's followers."""

    __tablename__ = "milestone_settings"

    project_id: int = Field(foreign_key="projects.id", primary_key=True)
    slip_threshold_days: int = DEFAULT_SLIP_THRESHOLD_DAYS
    updated_by: str | None = Field(default=None, max_length=32)
