"""How cost looks: the budget, spend, plan to date and forecast, and where each figure came
from (who entered it, how, and when)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.text import escape, mention, shorten
from skills.cost.models import CostFigure
from skills.cost.money import money, month_name
from skills.cost.service import CostPicture

CHART = "cost_chart"
MAX_FIGURES = 12


def provenance(source: str, who: str, when: object, timezone: str) -> str:
    """`chat, @alice, 02 Nov 2026`: where a figure came from, who gave it and when."""
    moment = when.astimezone(ZoneInfo(timezone)) if getattr(when, "tzinfo", None) else when
    return f"{escape(shorten(source, 80))}, {mention(who)}, {moment:%d %b %Y}"  # type: ignore[str-format]


def figure_line(figure: CostFigure, currency: str, timezone: str) -> str:
    note = f" ({escape(shorten(figure.note, 80))})" if figure.note else ""
    amount = money(figure.amount_cents, currency, exact=True)
    where = provenance(figure.source, figure.entered_by, figure.entered_at, timezone)
    return f"• {month_name(figure.period)} {figure.kind} {amount}{note} — {where}"


def latest_entry(shown: CostPicture) -> str:
    """`chat, 23 Nov 2026`: where the newest of the figures behind a picture came from, when."""
    entries = [(f.entered_at, f.source) for f in [*shown.actuals, *shown.planned]]
    if shown.plan is not None:
        entries.append((shown.plan.set_at, shown.plan.source))
    when, source = max(entries, key=lambda entry: clock.as_utc(entry[0]))
    day = clock.as_utc(when).astimezone(ZoneInfo(shown.project.timezone))
    return f"{escape(shorten(source, 60))}, {day:%d %b %Y}"


def burn_line(shown: CostPicture) -> str:
    """`62% of €1.20M spent to Oct 2026 · forecast 110% at €90k a month · latest: chat,
    23 Nov 2026` (the portfolio's and the Home's one-liner: the forecast says its run rate,
    and the figures where they came from and when)."""
    if shown.plan is None:
        return "no budget set"
    cur = shown.currency
    text = f"{shown.burn or 0:.0%} of {money(shown.plan.budget_cents, cur)} spent"
    if shown.last_month:
        text += f" to {month_name(shown.last_month)}"
    if shown.forecast is not None:
        rate = money(shown.run_rate or 0, cur)
        text += f" · forecast {shown.forecast / shown.plan.budget_cents:.0%} at {rate} a month"
    return f"{text} · latest: {latest_entry(shown)}"


def cost_text(shown: CostPicture, timezone: str) -> str:
    project, plan, cur = shown.project, shown.plan, shown.currency
    lines = [f"*Cost — {escape(project.name)}*" + (f" ({cur})" if plan else "")]
    if plan is None:
        lines.append(shown.forecast_statement())
        return "\n".join(lines)
    span = ""
    if plan.starts_on and plan.ends_on:
        span = f" for {month_name(plan.starts_on)} – {month_name(plan.ends_on)}"
    elif plan.ends_on:
        span = f" to {month_name(plan.ends_on)}"
    lines.append(
        f"Budget *{money(plan.budget_cents, cur)}*{span} — "
        f"{provenance(plan.source, plan.set_by, plan.set_at, timezone)}"
    )
    if shown.actuals:
        spent = (
            f"Spent *{money(shown.spent, cur)}* to {month_name(shown.actuals[-1].period)}: "
            f"{shown.burn or 0:.0%} of the budget"
        )
        planned = shown.planned_to_date
        if planned:
            gap = shown.spent - planned
            side = "over" if gap > 0 else "under"
            spent += (
                f"; the plan to date is {money(planned, cur)} "
                f"({money(abs(gap), cur)}, {abs(gap) / planned:.0%} {side} plan)"
                if gap
                else f"; exactly the plan to date ({money(planned, cur)})"
            )
        lines.append(spent)
    lines.append(shown.forecast_statement())
    listed = (
        shown.actuals[-MAX_FIGURES:]
        + [f for f in shown.planned if not shown.last_month or f.period > shown.last_month][:6]
    )
    if listed:
        lines.append("*Where the figures come from*")
        lines += [figure_line(f, cur, timezone) for f in listed]
    return "\n".join(lines)
