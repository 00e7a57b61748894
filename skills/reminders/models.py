"""Personal reminders: once or repeating, for a person or a channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column


class Reminder(SQLModel, table=True):
    """`text`, due at `first_due` (UTC) and then by `repeat` (`daily`, `weekdays`,
    `weekly:mon,thu`), at that wall time in `timezone`; sent to `target` (a user id by DM,
    or a channel id). `timezone` is the target person's, where their quiet hours and time
    away are checked (a channel's reminder keeps its creator's); `repeat` names its days."""

    __tablename__ = "reminders"

    id: int | None = Field(default=None, primary_key=True)
    creator: str = Field(max_length=32, index=True)
    target: str = Field(max_length=32, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    first_due: datetime = Field(sa_type=DateTime(timezone=True))
    repeat: str | None = Field(default=None, max_length=64)
    timezone: str = Field(max_length=64)
    cancelled: bool = Field(default=False, index=True)
    created_at: datetime = utc_column()
