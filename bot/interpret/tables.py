"""What the interpreter learns from people: labelled examples per workspace, and the
questions it asked when unsure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column


class LearnedExample(SQLModel, table=True):
    """A message and what it turned out to mean, learned in one workspace.

    `kind` names what was learned: `intent` (the operation), `raid_type` (the type of an
    item), `raid_owner` (its owner). Stored when someone answers a clarifying question or
    corrects the bot (changes an item's type or owner).
    """

    __tablename__ = "learned_examples"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=32, index=True)
    kind: str = Field(max_length=16, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    label: str = Field(max_length=64)
    source: str = Field(max_length=32)  # "clarification" | "correction"
    user_id: str = Field(max_length=32)
    created_at: datetime = utc_column()


class Clarification(SQLModel, table=True):
    """A question asked about a message the interpreter was unsure of, with its choices."""

    __tablename__ = "clarifications"

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    channel: str | None = Field(default=None, max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    choices: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    answered: bool = False
    created_at: datetime = utc_column()
