"""Scheduler tables: per-project schedule settings, people's working hours and absences,
the record of every firing (claimed before it posts, so it posts once) and of each post a
firing made (so a retry resumes after the last one)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column


class ProjectSchedule(SQLModel, table=True):
    """What a project wants posted and when (local times in the project's timezone)."""

    __tablename__ = "project_schedules"

    project_id: int = Field(foreign_key="projects.id", primary_key=True)
    summary_enabled: bool = True
    summary_weekday: int = 0  # Monday
    summary_time: str = Field(default="09:00", max_length=5)
    nudges_enabled: bool = True
    nudge_time: str = Field(default="09:30", max_length=5)
    stale_days: int = 14


class PersonPrefs(SQLModel, table=True):
    """A person's quiet hours and weekends (in their own Slack timezone)."""

    __tablename__ = "person_prefs"

    user_id: str = Field(primary_key=True, max_length=32)
    quiet_start: str = Field(default="19:00", max_length=5)
    quiet_end: str = Field(default="08:00", max_length=5)
    weekends_off: bool = True


class Absence(SQLModel, table=True):
    """Someone away (OOO) from `start` to `end`, inclusive, in their local dates."""

    __tablename__ = "absences"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=32, index=True)
    start: date
    end: date
    reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_column()


class Firing(SQLModel, table=True):
    """One scheduled post: claimed (inserted) before posting; the unique key makes it once."""

    __tablename__ = "schedule_firings"
    __table_args__ = (UniqueConstraint("job_key", "due", name="uq_firing"),)

    id: int | None = Field(default=None, primary_key=True)
    job_key: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=40)
    due: datetime = Field(sa_type=DateTime(timezone=True))
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    status: str = Field(default="claimed", max_length=16, index=True)  # claimed/posted/...
    attempts: int = 1
    claimed_at: datetime = utc_column()
    next_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    posted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    claim_token: str | None = Field(default=None, max_length=32, index=True)  # who holds it


class FiringPost(SQLModel, table=True):
    """One Slack call a firing made (`step`: `0` a message, `0.message` and `0.file` a
    message and its upload), recorded after it succeeded; a retry skips recorded steps."""

    __tablename__ = "schedule_posts"
    __table_args__ = (UniqueConstraint("firing_id", "step", name="uq_firing_post"),)

    id: int | None = Field(default=None, primary_key=True)
    firing_id: int = Field(foreign_key="schedule_firings.id", index=True)
    step: str = Field(max_length=32)
    channel: str | None = Field(default=None, max_length=64)
    ts: str | None = Field(default=None, max_length=32)
    posted_at: datetime = utc_column()
