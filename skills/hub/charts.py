"""The portfolio's charts as PNGs (matplotlib's object API on the Agg canvas, like the RAID
heat map and the burn chart): health over four weeks, budget burn, and milestone slips."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from skills.hub.portfolio import TREND_WEEKS, PortfolioLine
from skills.milestones.service import slip_days
from skills.summary.health import COLOURS, rank

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN, DPI = 10.0, 100
COLOUR_HEX = {"red": "#e53935", "amber": "#ffb300", "green": "#43a047"}


def _figure(rows: int) -> tuple[Figure, object]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # only when drawing: slow import
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, max(3.0, 1.0 + 0.45 * rows)), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot(1, 1, 1)


def _png(figure: Figure) -> bytes:
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def health_trend(lines: list[PortfolioLine]) -> bytes:
    """Each project's health week by week (a cell per week, coloured red, amber or green)."""
    figure, axes = _figure(len(lines))
    weeks = [f"−{n}w" for n in range(TREND_WEEKS, 0, -1)] + ["now"]
    for row, line in enumerate(reversed(lines)):
        for col, colour in enumerate([*line.trend, line.health]):
            fill = COLOUR_HEX.get(colour or "", "#eeeeee")
            axes.add_patch(_cell(col, row, fill))
    axes.set_xlim(0, len(weeks))
    axes.set_ylim(0, len(lines))
    axes.set_xticks([n + 0.5 for n in range(len(weeks))], weeks)
    keys = [line.project.key for line in reversed(lines)]
    axes.set_yticks([n + 0.5 for n in range(len(lines))], keys)
    axes.set_title("Health over four weeks (grey: the project did not exist yet)")
    return _png(figure)


def _cell(x: int, y: int, colour: str) -> object:
    from matplotlib.patches import Rectangle

    return Rectangle((x + 0.05, y + 0.05), 0.9, 0.9, color=colour)


def burn(lines: list[PortfolioLine]) -> bytes | None:
    """Spent and forecast at completion as shares of each budget (100% is the budget)."""
    budgeted = [line for line in lines if line.cost.plan and line.cost.plan.budget_cents]
    if not budgeted:
        return None
    figure, axes = _figure(len(budgeted))
    keys = [line.project.key for line in budgeted]
    spent = [100 * (line.cost.burn or 0) for line in budgeted]
    forecast = [
        100 * line.cost.forecast / line.cost.plan.budget_cents
        if line.cost.forecast is not None
        else 0
        for line in budgeted
    ]
    rows = range(len(budgeted))
    axes.barh([r + 0.2 for r in rows], forecast, height=0.4, color="#ef9a9a", label="forecast")
    axes.barh([r - 0.2 for r in rows], spent, height=0.4, color="#1e88e5", label="spent")
    axes.axvline(100, color="#43a047", label="budget")
    axes.set_yticks(list(rows), keys)
    axes.set_xlabel("% of budget")
    axes.set_title("Budget burn and forecast at completion")
    axes.legend(loc="lower right")
    return _png(figure)


def short_key(line: PortfolioLine) -> str:
    return line.milestone.key.rsplit("-", 1)[-1] if line.milestone else ""


def slips(lines: list[PortfolioLine]) -> bytes | None:
    """Days each project's next milestone lies after its baseline."""
    dated = [line for line in lines if line.milestone]
    if not dated:
        return None
    figure, axes = _figure(len(dated))
    labels = [f"{line.project.key} {short_key(line)}" for line in dated]
    days = [slip_days(line.milestone) for line in dated if line.milestone]
    colours = [COLOUR_HEX[COLOURS[min(rank(line.health), 2)]] for line in dated]
    axes.barh(range(len(dated)), days, color=colours)
    axes.axvline(0, color="#616161")
    axes.set_yticks(list(range(len(dated))), labels)
    axes.set_xlabel("days after baseline")
    axes.set_title("Next milestone: slip against baseline")
    return _png(figure)
