"""Check-in tables: each project's configuration and holidays, each day's check-in with its
roster, the status updates people give, and the RAID issues logged from their blockers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.concurrency import Versioned
from bot.core.models import utc_column

DEFAULT_QUESTIONS = [
    "What have you done since your last update?",
    "What will you do next?",
    "Anything blocking you?",
    "Overall, are you on track, at risk or off track?",
]


class CheckinConfig(Versioned, table=True):
    """How a project runs its check-ins; no row means check-ins were never set up (off)."""

    __tablename__ = "checkin_configs"

    project_id: int = Field(foreign_key="projects.id", primary_key=True)
    enabled: bool = True
    questions: list[str] = Field(
        default_factory=lambda: list(DEFAULT_QUESTIONS), sa_column=Column(JSON, nullable=False)
    )
    # None: the project's PMs and members; else exactly these user ids.
    participants: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    observers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Per-person timezone overrides (user id -> IANA name) for when Slack's is wrong.
    timezones: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    days: list[int] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4], sa_column=Column(JSON, nullable=False)
    )
    time: str = Field(default="09:30", max_length=5)
    window_minutes: int = 240
    reminder_count: int = 1
    reminder_before_minutes: int = 60
    destination: str = Field(default="channel", max_length=16)  # "channel" | "thread"
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime = utc_column()


class CheckinHoliday(SQLModel, table=True):
    """A date on which a project holds no check-in."""

    __tablename__ = "checkin_holidays"
    __table_args__ = (UniqueConstraint("project_id", "day", name="uq_checkin_holiday"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    day: date
    note: str | None = Field(default=None, max_length=200)


class Checkin(SQLModel, table=True):
    """One project's check-in on one day, created when someone first answers or skips it
    (until then its plan comes from the settings); it closes at `closes_at`."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("project_id", "day", name="uq_checkin_day"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    day: date = Field(index=True)
    opens_at: datetime = Field(sa_type=DateTime(timezone=True))
    closes_at: datetime = Field(sa_type=DateTime(timezone=True))
    created_at: datetime = utc_column()


class CheckinPerson(SQLModel, table=True):
    """A participant of one check-in: when they are asked and until when they may answer."""

    __tablename__ = "checkin_people"
    __table_args__ = (UniqueConstraint("checkin_id", "user_id", name="uq_checkin_person"),)

    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkins.id", index=True)
    user_id: str = Field(max_length=32, index=True)
    timezone: str = Field(max_length=64)
    prompt_at: datetime = Field(sa_type=DateTime(timezone=True))
    window_end: datetime = Field(sa_type=DateTime(timezone=True))


class StatusUpdate(Versioned, table=True):
    """What one person said: their answer to a check-in (one per check-in) or a free update."""

    __tablename__ = "status_updates"
    __table_args__ = (UniqueConstraint("checkin_id", "user_id", name="uq_status_update"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    checkin_id: int | None = Field(default=None, foreign_key="checkins.id", index=True)
    user_id: str = Field(max_length=32, index=True)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    done: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    next: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    blockers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rag: str | None = Field(default=None, max_length=8)
    percent: int | None = None
    skipped: bool = False
    late: bool = False
    source: str = Field(default="message", max_length=16)  # message | form | skip
    edits: int = 0
    created_at: datetime = utc_column(index=True)
    updated_at: datetime = utc_column()


class BlockerIssue(SQLModel, table=True):
    """A blocker of an update that was logged in the RAID log as an issue."""

    __tablename__ = "status_blocker_issues"
    __table_args__ = (UniqueConstraint("update_id", "blocker", name="uq_blocker_issue"),)

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="status_updates.id", index=True)
    blocker: int  # index into the update's `blockers`
    raid_item_id: int = Field(foreign_key="raid_items.id", index=True)
    logged_by: str = Field(max_length=32)
    logged_at: datetime = utc_column()
