"""The burn chart: cumulative spend against the plan and the budget, with the run-rate
forecast to the project's end, as a PNG (matplotlib's object API on the Agg canvas: safe in
worker threads, like the RAID heat map)."""

from __future__ import annotations

import io
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from skills.cost.money import add_months, money, month_start, months_between
from skills.cost.service import CostPicture

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 5.5, 100


def cumulative(by_month: dict[date, int]) -> tuple[list[date], list[float]]:
    months, totals, running = [], [], 0
    for month in sorted(by_month):
        running += by_month[month]
        months.append(month)
        totals.append(running / 100)
    return months, totals


def render_burn(shown: CostPicture, *, title: str) -> bytes:
    """Cumulative actual (solid), plan (dashed), budget (line) and forecast (dotted)."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    cur = shown.currency
    planned = shown.planned_by_month()
    if planned:
        months, totals = cumulative(planned)
        axes.plot(months, totals, linestyle="--", color="#607d8b", label="plan")
    months, totals = cumulative({f.period: f.amount_cents for f in shown.actuals})
    if months:
        axes.plot(months, totals, marker="o", color="#1e88e5", label="actual")
    if shown.forecast is not None and shown.last_month and shown.plan and shown.plan.ends_on:
        end = month_start(shown.plan.ends_on)
        steps = months_between(shown.last_month, end)
        path = [add_months(shown.last_month, n) for n in range(steps)]
        rate = (shown.run_rate or 0) / 100
        axes.plot(
            path,
            [totals[-1] + rate * n for n in range(steps)],
            linestyle=":",
            color="#e53935",
            label=f"forecast {money(shown.forecast, cur)}",
        )
    if shown.plan:
        axes.axhline(
            shown.plan.budget_cents / 100,
            color="#43a047",
            label=f"budget {money(shown.plan.budget_cents, cur)}",
        )
    axes.set_title(title)
    axes.set_ylabel(f"cumulative spend ({cur})")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left")
    figure.autofmt_xdate()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
