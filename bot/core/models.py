"""Core tables: projects, their Slack channels, memberships, the audit log and
the record of Slack deliveries already handled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core import clock


def utc_column(**kwargs: Any) -> Any:
    """A timezone-aware timestamp column defaulting to the clock's now."""
    return Field(default_factory=clock.now, sa_type=DateTime(timezone=True), **kwargs)


class Role(StrEnum):
    """What a person may do in a project."""

    PM = "pm"
    MEMBER = "member"
    VIEWER = "viewer"


class Project(SQLModel, table=True):
    """A project the PMO looks after, keyed by a short slug like `apollo`."""

    __tablename__ = "projects"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_column()
    # The Slack team the project belongs to; people of other teams (a shared channel) are
    # non-members unless `other_teams` lets them in.
    team_id: str | None = Field(default=None, max_length=32)
    other_teams: bool = Field(default=False)


class ProjectChannel(SQLModel, table=True):
    """A Slack channel linked to a project (a channel belongs to one project)."""

    __tablename__ = "project_channels"

    channel_id: str = Field(primary_key=True, max_length=32)
    project_id: int = Field(foreign_key="projects.id", index=True)


class Membership(SQLModel, table=True):
    """A person's role in a project."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id", name="uq_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    user_id: str = Field(max_length=32, index=True)
    role: str = Field(default=Role.MEMBER.value, max_length=16)
    created_at: datetime = utc_column()


class AuditEntry(SQLModel, table=True):
    """Who did what, when: one row per change made through the bot."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    actor: str = Field(max_length=32)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    action: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=200)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ProcessedDelivery(SQLModel, table=True):
    """A Slack delivery already taken on, so a retry never runs a skill twice."""

    __tablename__ = "processed_deliveries"

    key: str = Field(primary_key=True, max_length=200)
    received_at: datetime = utc_column(index=True)  # pruned past the retention


class PostedThread(SQLModel, table=True):
    """A message that opened a thread, by the key the skill gave it.

    A skill names a thread with a `Reply.thread_key` (e.g. `checkin:apollo:2026-11-23`);
    the transport that posts the opener records its channel and ts here, so later posts
    with the same key are threaded under it, even from another process.
    """

    __tablename__ = "posted_threads"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True, index=True)
    channel: str = Field(max_length=32)
    ts: str = Field(max_length=32)
    created_at: datetime = utc_column()
