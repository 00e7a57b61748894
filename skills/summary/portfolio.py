"""The portfolio view: one line per project, worst first, with its trend over a week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import clock, ui
from bot.core.messages import Reply
from bot.core.models import Project
from bot.core.text import escape
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType
from skills.summary import views
from skills.summary.builder import live_facts
from skills.summary.health import (
    HEALTH_ICON,
    Colour,
    Health,
    assess,
    facts_from_items,
    is_open,
    rank,
)
from skills.summary.snapshot import project_items, states_as_of

TREND_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class PortfolioRow:
    """One project's line: health now, health a week ago (None if it is newer), top risk."""

    project: Project
    health: Health
    was: Colour | None
    top_risk: RaidItem | None
    overdue: int

    @property
    def trend(self) -> str:
        if self.was is None:
            return "new"
        if rank(self.health.colour) < rank(self.was):
            return f"↘ worse (was {self.was})"
        if rank(self.health.colour) > rank(self.was):
            return f"↗ better (was {self.was})"
        return "→ steady"

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (rank(self.health.colour), -self.overdue, self.project.key)


def health_as_of(
    session: Session, project: Project, when: datetime, items: list[RaidItem]
) -> Colour | None:
    """The colour the project had at `when`, rebuilt from RAID history; None if it is newer."""
    if clock.as_utc(project.created_at) >= clock.as_utc(when):
        return None
    states = states_as_of(session, project, when, items)
    today = when.astimezone(ZoneInfo(project.timezone)).date()
    return assess(facts_from_items(states.values(), today=today)).colour


def portfolio_row(session: Session, project: Project, *, now: datetime) -> PortfolioRow:
    items = project_items(session, project)
    open_items = [i for i in items if not i.deleted and is_open(i)]
    today = now.astimezone(ZoneInfo(project.timezone)).date()
    facts = live_facts(session, project, open_items, today=today)
    risks = [i for i in open_items if i.type == RaidType.RISK.value]
    top = min(risks, key=lambda i: (-(i.score or 0), i.id or 0), default=None)
    return PortfolioRow(
        project=project,
        health=assess(facts),
        was=health_as_of(session, project, now - TREND_WINDOW, items),
        top_risk=top,
        overdue=facts.overdue,
    )


def row_line(row: PortfolioRow) -> str:
    project = row.project
    risk = "no open risks"
    if row.top_risk:
        score = f" ({row.top_risk.score})" if row.top_risk.score else ""
        risk = f"top risk {views.key_and_title(row.top_risk, 60)}{score}"
    return (
        f"{HEALTH_ICON[row.health.colour]} *{escape(project.name)}* (`{project.key}`) · "
        f"{row.trend} · {risk} · {row.overdue} overdue"
    )


def portfolio_reply(session: Session, projects: Sequence[Project], *, now: datetime) -> Reply:
    """Every project's health on one line each, sorted red, amber, green, then most overdue."""
    rows = sorted((portfolio_row(session, p, now=now) for p in projects), key=lambda r: r.sort_key)
    counts = {c: sum(1 for r in rows if r.health.colour == c) for c in ("red", "amber", "green")}
    tally = " · ".join(f"{HEALTH_ICON[c]} {n} {c}" for c, n in counts.items() if n)
    title = f"Portfolio — {len(rows)} project{'s' if len(rows) != 1 else ''}"
    lines = [row_line(r) for r in rows]
    footer = "Trend compares with 7 days ago · details: `summary KEY` · rule: `summary rule`"
    blocks = [
        ui.header(title),
        ui.context(tally or "no projects"),
        *[ui.section(t) for t in views.chunks(lines)],
        ui.context(footer),
    ]
    text = views.clip_lines("\n".join([f"*{title}* ({tally})", *lines]))
    text, clamped = ui.within_limits(text, blocks)
    return Reply(text=text, blocks=clamped)
