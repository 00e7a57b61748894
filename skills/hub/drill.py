"""The drill-down: one project's log in a modal, filtered and a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import Session

from bot.core import ui
from bot.core.models import Project
from bot.core.text import escape
from skills.milestones.service import list_milestones
from skills.milestones.views import milestone_line
from skills.raid import service as raid
from skills.raid.models import RaidItem
from skills.raid.views import item_line
from skills.summary.health import HEALTH_ICON, Health, is_open, is_overdue

DRILL, DRILL_VIEW = "hub_drill", "hub_drill_view"
PAGE_SIZE = 20
FILTERS = {
    "open": "Open",
    "overdue": "Overdue",
    "risk": "Risks",
    "issue": "Issues",
    "assumption": "Assumptions",
    "dependency": "Dependencies",
    "milestones": "Milestones",
    "closed": "Closed",
    "all": "All",
}


def keeps(name: str, today: date) -> Callable[[RaidItem], bool]:
    """Which items a filter keeps: open, overdue, closed, all, or the open ones of a type."""
    if name == "overdue":
        return lambda item: is_overdue(item, today)
    if name == "closed":
        return lambda item: not is_open(item)
    if name == "all":
        return lambda item: True
    return lambda item: is_open(item) and name in ("open", item.type)


def log_lines(session: Session, project: Project, name: str, today: date) -> list[str]:
    """The project's log under one filter, worst first, as lines."""
    if name == "milestones":
        return [milestone_line(m, today) for m in list_milestones(session, project)]
    every = raid.RaidFilter(status="all")
    items = raid.list_items(session, project, every, today=today, limit=100_000)
    kept = keeps(name, today)
    return [item_line(i, today) for i in items if kept(i)]


def drill_view(
    project: Project, health: Health, lines: list[str], *, name: str, page: int
) -> ui.Block:
    """The modal: health, filter buttons, a page of the log and ‹ Previous · Next ›."""
    shown, page, pages = ui.page_of(lines, page, PAGE_SIZE)
    reasons = "; ".join(health.reasons) or "nothing flagged"

    def to(filter_name: str, to_page: int = 1) -> dict[str, object]:
        return {"project": project.key, "filter": filter_name, "page": to_page}

    filters = [
        ui.button(label, DRILL, to(key), style="primary" if key == name else None)
        for key, label in FILTERS.items()
    ]
    blocks = [
        ui.section(f"{HEALTH_ICON[health.colour]} *{escape(project.name)}* — {escape(reasons)}"),
        ui.actions(*filters, block_id="filters"),
        ui.context(f"{FILTERS[name]}: {len(lines)} · page {page} of {pages}"),
        *([ui.section(line) for line in shown] or [ui.section("_Nothing here._")]),
    ]
    turn = [ui.button("‹ Previous", DRILL, to(name, page - 1))] if page > 1 else []
    if page < pages:
        turn.append(ui.button("Next ›", DRILL, to(name, page + 1)))
    if turn:
        blocks.append(ui.actions(*turn, block_id="pager"))
    return ui.modal(f"{project.key} log", DRILL_VIEW, blocks, submit=None, close="Close")
