"""Cost tables: each project's budget and currency, and its figures by month (actual spend and
planned spend), each with where it came from, who entered it and when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column


class CostPlan(SQLModel, table=True):
    """A project's budget (in minor units, e.g. cents) and the months it covers."""

    __tablename__ = "cost_plans"

    project_id: int = Field(foreign_key="projects.id", primary_key=True)
    budget_cents: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    starts_on: date | None = None
    ends_on: date | None = None
    source: str = Field(max_length=200)
    set_by: str = Field(max_length=32)
    set_at: datetime = utc_column()


class CostFigure(SQLModel, table=True):
    """One month's actual or planned spend; a new figure for the month replaces the old."""

    __tablename__ = "cost_figures"
    __table_args__ = (UniqueConstraint("project_id", "period", "kind", name="uq_cost_figure"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    period: date  # the first day of the month
    kind: str = Field(max_length=8)  # "actual" | "plan"
    amount_cents: int = Field(sa_type=BigInteger)
    source: str = Field(max_length=200)  # "chat", "form", "import costs.xlsx row 4"
    entered_by: str = Field(max_length=32)
    entered_at: datetime = utc_column()
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
