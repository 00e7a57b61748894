"""Cost services: the budget, figures by month, and the burn and forecast worked out from them.

The forecast at completion is by run rate: what has been spent, plus the average of the last
three months with actuals for each month left until the project's end. The plan is the
monthly planned figures where given, else the budget spread evenly over the project's months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.projects import audit
from bot.core.text import escape
from skills.cost.models import CostFigure, CostPlan
from skills.cost.money import add_months, money, month_name, month_start, months_between

RUN_RATE_MONTHS = 3
KINDS = ("actual", "plan")


def set_budget(
    session: Session,
    *,
    project: Project,
    cents: int,
    currency: str,
    actor: str,
    source: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> CostPlan:
    """Set the budget (and the months it covers, when given); figures keep their currency."""
    plan = session.get(CostPlan, project.id)
    if plan and plan.currency != currency and _has_figures(session, project):
        raise UserError(
            f"`{project.key}` keeps its figures in {plan.currency}: give the budget in "
            f"{plan.currency} too."
        )
    if cents <= 0:
        raise UserError("A budget must be more than zero.")
    starts_on = starts_on or (plan.starts_on if plan else None)
    ends_on = ends_on or (plan.ends_on if plan else None)
    if starts_on and ends_on and ends_on < starts_on:
        raise UserError("The project must end after it starts: check the two dates.")
    plan = plan or CostPlan(
        project_id=project.id, budget_cents=cents, currency=currency, source=source, set_by=actor
    )
    plan.budget_cents, plan.currency, plan.source, plan.set_by = cents, currency, source, actor
    plan.starts_on, plan.ends_on, plan.set_at = starts_on, ends_on, clock.now()
    session.add(plan)
    audit(
        session, actor=actor, action="cost.budget", project=project, cents=cents, currency=currency
    )
    return plan


def _has_figures(session: Session, project: Project) -> bool:
    query = select(CostFigure.id).where(CostFigure.project_id == project.id)
    return session.exec(query).first() is not None


def require_plan(session: Session, project: Project) -> CostPlan:
    plan = session.get(CostPlan, project.id)
    if plan is None:
        raise UserError(
            f"`{project.key}` has no budget yet, so I don't know its currency: a PM sets it with "
            "`cost budget 1.2m EUR --start 2026-09 --end 2027-06`."
        )
    return plan


def month_figure(session: Session, project: Project, period: date, kind: str) -> CostFigure | None:
    """The month's actual or planned figure, if one was given."""
    query = select(CostFigure).where(
        CostFigure.project_id == project.id,
        CostFigure.period == month_start(period),
        CostFigure.kind == kind,
    )
    return session.exec(query).first()


def record_figure(
    session: Session,
    *,
    project: Project,
    period: date,
    kind: str,
    cents: int,
    currency: str | None,
    actor: str,
    source: str,
    note: str | None = None,
) -> tuple[CostFigure, int | None]:
    """Save one month's actual or planned spend (replacing the month's earlier figure, whose
    amount is returned), in the project's currency."""
    plan = require_plan(session, project)
    if currency and currency != plan.currency:
        raise UserError(
            f"`{project.key}` keeps its figures in {plan.currency}, not {escape(currency)}: "
            "convert it first."
        )
    if kind == "actual" and period > month_start(clock.today(project.timezone)):
        raise UserError(
            f"{month_name(period)} hasn't started yet, so it has no actual spend: "
            "give a plan for it with `cost plan`."
        )
    period = month_start(period)
    first = month_start(plan.starts_on) if plan.starts_on else None
    last = month_start(plan.ends_on) if plan.ends_on else None
    if (first and period < first) or (last and period > last):
        span = f"{month_name(first) if first else '…'} – {month_name(last) if last else '…'}"
        raise UserError(
            f"{month_name(period)} is outside `{project.key}`'s budget period ({span}): "
            "check the month, or change the period with `cost budget … --start … --end …`."
        )
    figure = month_figure(session, project, period, kind)
    before = figure.amount_cents if figure else None
    figure = figure or CostFigure(
        project_id=project.id,
        period=period,
        kind=kind,
        amount_cents=cents,
        source=source,
        entered_by=actor,
    )
    figure.amount_cents, figure.source, figure.entered_by = cents, source[:200], actor
    figure.entered_at, figure.note = clock.now(), (note or "").strip() or None
    session.add(figure)
    audit(
        session,
        actor=actor,
        action=f"cost.{kind}",
        project=project,
        period=period.isoformat(),
        cents=cents,
        before=before,
    )
    return figure, before


def figures(session: Session, project: Project, kind: str) -> list[CostFigure]:
    query = (
        select(CostFigure)
        .where(CostFigure.project_id == project.id, CostFigure.kind == kind)
        .order_by(col(CostFigure.period))
    )
    return list(session.exec(query))


@dataclass
class CostPicture:
    """A project's money at a glance: budget, spend, plan to date and the forecast."""

    project: Project
    plan: CostPlan | None
    actuals: list[CostFigure] = field(default_factory=list)
    planned: list[CostFigure] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.plan.currency if self.plan else "EUR"

    @property
    def spent(self) -> int:
        return sum(f.amount_cents for f in self.actuals)

    @property
    def last_month(self) -> date | None:
        return self.actuals[-1].period if self.actuals else None

    @property
    def rate_months(self) -> list[CostFigure]:
        return self.actuals[-RUN_RATE_MONTHS:]

    @property
    def run_rate(self) -> int | None:
        months = self.rate_months
        return round(sum(f.amount_cents for f in months) / len(months)) if months else None

    @property
    def months_left(self) -> int | None:
        if not (self.plan and self.plan.ends_on and self.last_month):
            return None
        return months_between(add_months(self.last_month, 1), month_start(self.plan.ends_on))

    @property
    def forecast(self) -> int | None:
        """Estimate at completion: spent + run rate × months left (None without an end)."""
        if self.run_rate is None or self.months_left is None:
            return None
        return self.spent + self.run_rate * self.months_left

    def planned_by_month(self) -> dict[date, int]:
        """Planned spend per month: a month's planned figure where one was given, else its
        share of the budget spread evenly (one planned month never empties the others)."""
        given = {f.period: f.amount_cents for f in self.planned}
        plan = self.plan
        if not (plan and plan.starts_on and plan.ends_on):
            return given
        first, last = month_start(plan.starts_on), month_start(plan.ends_on)
        count = months_between(first, last)
        share = plan.budget_cents / count
        even = {
            add_months(first, n): round(share * (n + 1)) - round(share * n) for n in range(count)
        }
        return even | given

    @property
    def planned_to_date(self) -> int | None:
        if self.last_month is None:
            return None
        by_month = self.planned_by_month()
        if not by_month:
            return None
        return sum(v for month, v in by_month.items() if month <= self.last_month)

    @property
    def burn(self) -> float | None:
        """Share of the budget spent."""
        return self.spent / self.plan.budget_cents if self.plan and self.plan.budget_cents else None

    def forecast_statement(self) -> str:
        """The forecast at completion, with how it was worked out (or why there is none)."""
        if self.plan is None:
            return "No budget yet: `cost budget 1.2m EUR --start 2026-09 --end 2027-06`."
        cur = self.currency
        if not self.actuals:
            return "No forecast yet: it needs at least one month of actual spend."
        if self.months_left is None:
            return (
                "No forecast: the project has no end date. Set it with "
                "`cost budget … --end 2027-06`."
            )
        rate_months = self.rate_months
        start, end = rate_months[0].period, rate_months[-1].period
        window = month_name(start)
        if len(rate_months) > 1:
            opening = f"{start:%b}" if start.year == end.year else month_name(start)
            window = f"{opening}–{month_name(end)}"
        forecast = self.forecast or 0
        over = forecast - self.plan.budget_cents
        share = forecast / self.plan.budget_cents
        verdict = (
            f"{money(abs(over), cur)} ({abs(share - 1):.0%}) {'over' if over > 0 else 'under'} "
            f"the {money(self.plan.budget_cents, cur)} budget"
            if over
            else f"exactly the {money(self.plan.budget_cents, cur)} budget"
        )
        return (
            f"Forecast at completion *{money(forecast, cur)}*, {verdict}. By run rate: "
            f"{money(self.spent, cur)} spent to {month_name(self.actuals[-1].period)} + "
            f"{money(self.run_rate or 0, cur)} a month (the average of {window}) × "
            f"{self.months_left} month{'s' if self.months_left != 1 else ''} left to "
            f"{month_name(month_start(self.plan.ends_on))}."  # type: ignore[arg-type]
        )


def picture(session: Session, project: Project) -> CostPicture:
    return CostPicture(
        project=project,
        plan=session.get(CostPlan, project.id),
        actuals=figures(session, project, "actual"),
        planned=figures(session, project, "plan"),
    )
