"""The Hub's one table: whose App Home was published, what it showed and on which pages, so a
change to their data can refresh it (and an unchanged Home is not published again)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column


class HomeSeen(SQLModel, table=True):
    """A person's App Home as last published: a digest of the view and the pages shown."""

    __tablename__ = "hub_homes"

    user_id: str = Field(primary_key=True, max_length=32)
    digest: str = Field(max_length=64)
    pages: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    published_at: datetime = utc_column()
