"""How milestones look: lines, cards with their date history, buttons and forms."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import ui
from bot.core.text import escape, mention, shorten
from skills.milestones.models import Milestone, MilestoneChange
from skills.milestones.service import FINISHED, STATUSES, slip_days
from skills.raid.models import RaidItem

# Action and view ids, named once.
OPEN_FORM, EDIT, DONE, FOLLOW = (
    "milestone_open_form",
    "milestone_edit",
    "milestone_done",
    "milestone_follow",
)
FORM, FORM_EDIT = "milestone_form", "milestone_form_edit"
STATUS_ICON = {
    "planned": ":large_green_circle:",
    "at_risk": ":large_yellow_circle:",
    "done": ":white_check_mark:",
    "missed": ":red_circle:",
}


def day(value: date) -> str:
    return f"{value:%a %d %b %Y}"


def signed_days(days: int) -> str:
    return f"{'+' if days >= 0 else '−'}{abs(days)} day{'s' if abs(days) != 1 else ''}"


def slip_text(milestone: Milestone) -> str:
    """*baseline → forecast (+N days)*, or the one date while it holds."""
    days = slip_days(milestone)
    if days == 0:
        return f"{day(milestone.forecast_on)} (on baseline)"
    return f"{day(milestone.baseline_on)} → {day(milestone.forecast_on)} ({signed_days(days)})"


def move_text(old: str | None, new: str | None) -> str:
    """A date change as *old → new (+N days)*."""
    if not (old and new):
        return f"{old or '—'} → {new or '—'}"
    before, after = date.fromisoformat(old), date.fromisoformat(new)
    return f"{before:%d %b} → {after:%d %b %Y} ({signed_days((after - before).days)})"


def state_text(milestone: Milestone, today: date | None) -> str:
    if today and milestone.status not in FINISHED and milestone.forecast_on < today:
        return f"*{(today - milestone.forecast_on).days}d past its date*"
    return milestone.status.replace("_", " ")


def milestone_line(milestone: Milestone, today: date | None = None) -> str:
    owner = mention(milestone.owner) if milestone.owner else "_no owner_"
    return (
        f"{STATUS_ICON.get(milestone.status, '')} *{milestone.key}* "
        f"{escape(shorten(milestone.name, 80))} · {slip_text(milestone)} · {owner} · "
        f"{state_text(milestone, today)}"
    )


def stamp(milestone: Milestone) -> dict[str, str]:
    """A button's value: the milestone and the forecast it showed (a moved one is stale)."""
    return {"key": milestone.key, "shown": milestone.forecast_on.isoformat()}


def buttons(milestone: Milestone) -> dict[str, Any]:
    shown = stamp(milestone)
    elements = [ui.button("Move / edit", EDIT, shown)]
    if milestone.status not in FINISHED:
        elements.append(ui.button("Done", DONE, shown, style="primary"))
    elements.append(ui.button("Follow", FOLLOW, {"key": milestone.key}))
    return ui.actions(*elements)


def card_text(
    milestone: Milestone,
    changes: list[MilestoneChange],
    threats: list[RaidItem],
    *,
    today: date,
    timezone: str,
    threshold: int,
) -> str:
    owner = mention(milestone.owner) if milestone.owner else "_none_ — assign one"
    lines = [
        f"*{milestone.key}* · milestone · {state_text(milestone, today)}",
        f"*{escape(milestone.name)}*",
        f"{slip_text(milestone)} · owner {owner} · alerts when it slips more than "
        f"{threshold} day{'s' if threshold != 1 else ''}",
    ]
    if threats:
        keys = ", ".join(f"*{i.key}* {escape(shorten(i.title, 50))}" for i in threats[:5])
        lines.append(f"Threatened by: {keys}")
    moves = [c for c in changes if c.field == "forecast"]
    if moves:
        lines.append("*Date changes*")
    for change in moves[-10:]:
        when = change.at.astimezone(ZoneInfo(timezone)) if change.at.tzinfo else change.at
        why = f": {escape(shorten(change.reason, 200))}" if change.reason else ""
        lines.append(
            f"• {when:%d %b %H:%M} {mention(change.actor)} {move_text(change.old, change.new)}{why}"
        )
    return "\n".join(lines)


def form(
    *, project_key: str, values: dict[str, Any], milestone_key: str | None = None
) -> dict[str, Any]:
    """The milestone modal: new (name, date, owner) or edit (also status and why it moves)."""
    blocks = [
        ui.text_input("name", "Name", initial=values.get("name"), placeholder="e.g. Beta launch"),
        ui.date_input(
            "date",
            "Forecast date" if milestone_key else "Date",
            initial=values.get("date"),
            optional=False,
        ),
        ui.user_input("owner", "Owner", initial=values.get("owner")),
    ]
    if milestone_key:
        statuses = [(s, s.replace("_", " ")) for s in STATUSES]
        blocks += [
            ui.select_input("status", "Status", statuses, initial=values.get("status")),
            ui.text_input(
                "reason",
                "Why (needed when the date moves)",
                multiline=True,
                optional=True,
                placeholder="e.g. vendor delivery slipped two weeks",
            ),
        ]
    metadata = json.dumps({"project": project_key, "key": milestone_key})
    title = f"Edit {milestone_key}" if milestone_key else "New milestone"
    return ui.modal(title, FORM_EDIT if milestone_key else FORM, blocks, private_metadata=metadata)


def form_values(milestone: Milestone) -> dict[str, Any]:
    return {
        "name": milestone.name,
        "date": milestone.forecast_on.isoformat(),
        "owner": milestone.owner,
        "status": milestone.status,
    }
