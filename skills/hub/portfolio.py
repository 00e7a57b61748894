"""The PM view: one row per project the person runs (every project for an admin), worst
first, with health and its trend over four weeks, next milestone and slip, budget burn,
check-in participation, open risks by band and overdue items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.core import ui
from bot.core.models import Project
from bot.core.text import escape
from skills.cost.service import CostPicture, picture
from skills.cost.views import burn_line
from skills.hub.drill import DRILL
from skills.milestones.models import Milestone
from skills.milestones.service import next_milestone, slip_days
from skills.milestones.views import signed_days
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType, Severity
from skills.summary.health import HEALTH_ICON, Colour, is_open, rank
from skills.summary.portfolio import health_as_of, portfolio_row
from skills.summary.snapshot import project_items

TREND_WEEKS = 4
PARTICIPATION_WINDOW = timedelta(days=28)


@dataclass(frozen=True)
class PortfolioLine:
    """One project of the PM view."""

    project: Project
    health: Colour
    reasons: list[str]
    trend: list[Colour | None]  # four weeks ago … one week ago
    milestone: Milestone | None
    cost: CostPicture
    participation: float | None
    risks: dict[str, int]
    overdue: int

    @property
    def slip(self) -> int:
        return max(slip_days(self.milestone), 0) if self.milestone else 0

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (rank(self.health), -self.overdue, -self.slip, self.project.key)


def participation_rate(session: Session, project: Project, *, now: datetime) -> float | None:
    """Share of check-ins answered (on time or late) over the last four weeks."""
    from skills.status.service import participation

    rows = participation(session, project, since=now - PARTICIPATION_WINDOW, until=now)
    asked = sum(r.asked for r in rows)
    return sum(r.answered + r.late for r in rows) / asked if asked else None


UNSCORED = "unscored"


def risks_by_band(items: list[RaidItem]) -> dict[str, int]:
    """Open risks per severity band, then those not scored yet."""
    bands = {band.value: 0 for band in reversed(Severity)} | {UNSCORED: 0}
    for item in items:
        if item.type == RaidType.RISK.value and is_open(item):
            bands[item.severity if item.severity in bands else UNSCORED] += 1
    return bands


def portfolio_line(session: Session, project: Project, *, now: datetime) -> PortfolioLine:
    row = portfolio_row(session, project, now=now)
    items = project_items(session, project)
    live = [i for i in items if not i.deleted]
    weeks = [now - timedelta(weeks=n) for n in range(TREND_WEEKS, 0, -1)]
    return PortfolioLine(
        project=project,
        health=row.health.colour,
        reasons=row.health.reasons,
        trend=[health_as_of(session, project, when, items) for when in weeks],
        milestone=next_milestone(session, project),
        cost=picture(session, project),
        participation=participation_rate(session, project, now=now),
        risks=risks_by_band(live),
        overdue=row.overdue,
    )


def portfolio_lines(
    session: Session, projects: list[Project], *, now: datetime
) -> list[PortfolioLine]:
    lines = [portfolio_line(session, p, now=now) for p in projects]
    return sorted(lines, key=lambda line: line.sort_key)


def trend_text(line: PortfolioLine) -> str:
    icons = [HEALTH_ICON[c] if c else ":white_circle:" for c in line.trend]
    return f"{' '.join(icons)} → {HEALTH_ICON[line.health]}"


def line_text(line: PortfolioLine) -> str:
    """The row as mrkdwn (one section of the PM view and of the posted summary)."""
    project = line.project
    milestone = "no open milestone"
    if line.milestone:
        m = line.milestone
        slip = signed_days(slip_days(m)) if slip_days(m) else "on baseline"
        milestone = f"*{m.key}* {escape(m.name[:60])} {m.forecast_on:%d %b} ({slip})"
    risks = " · ".join(f"{n} {band}" for band, n in line.risks.items() if n) or "none"
    rate = f"{line.participation:.0%}" if line.participation is not None else "no check-ins"
    reasons = f" — {escape('; '.join(line.reasons))}" if line.reasons else ""
    return (
        f"{HEALTH_ICON[line.health]} *{escape(project.name)}* (`{project.key}`){reasons}\n"
        f"Trend (4 weeks): {trend_text(line)}\n"
        f"Next milestone: {milestone} · Budget: {burn_line(line.cost)}\n"
        f"Check-ins answered ({PARTICIPATION_WINDOW.days // 7} weeks): {rate} · "
        f"Open risks: {risks} · Overdue: {line.overdue}"
    )


def line_block(line: PortfolioLine) -> ui.Block:
    drill = ui.button("Drill down", DRILL, {"project": line.project.key})
    return ui.section(line_text(line), accessory=drill)
