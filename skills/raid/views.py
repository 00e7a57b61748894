"""How RAID items look in Slack (Block Kit) and in the console."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import ui
from bot.core.text import escape, link, mention, shorten
from skills.raid.models import UNDO_NOTE, RaidHistory, RaidItem
from skills.raid.scoring import LIFECYCLES, RaidStatus, RaidType, ResponseStrategy, is_closed

SEVERITY_ICON = {
    "critical": ":red_circle:",
    "high": ":large_orange_circle:",
    "medium": ":large_yellow_circle:",
    "low": ":white_circle:",
}
DATE_LABEL = {
    "risk": "Review",
    "assumption": "Review",
    "issue": "Due",
    "dependency": "Due",
    "action": "Due",
    "decision": "Decided",
}
# Text fields of the form beyond the core ones: (field, label, multiline).
TEXT_INPUTS = (
    ("owner_name", "Owner outside Slack (a team, a vendor)", False),
    ("external_ref", "Reference (R-001, a ticket or a link)", False),
    ("decided_by", "Decided by (decisions)", False),
    ("rationale", "Rationale (decisions)", True),
)
TEXT_FIELDS = tuple(name for name, _, _ in TEXT_INPUTS)
FIELD_NAMES = {
    "due_on": "date",
    "owner_name": "owner",
    "external_ref": "reference",
    "decided_by": "decided by",
}

# Action and view ids, named once.
EDIT, UNDO, CLOSE, OPEN_FORM = "raid_edit", "raid_undo", "raid_close", "raid_open_form"
FORM, FORM_EDIT = "raid_form", "raid_form_edit"
SHORTCUT = "raid_from_message"


def score_text(item: RaidItem) -> str:
    if item.score is None:
        parts = [
            f"P{item.probability}" if item.probability else "",
            f"I{item.impact}" if item.impact else "",
        ]
        known = " ".join(p for p in parts if p)
        return f"not scored ({known})" if known else "not scored"
    icon = SEVERITY_ICON.get(item.severity or "", "")
    return f"{icon} {str(item.severity).title()} (P{item.probability}×I{item.impact}={item.score})"


def is_overdue(item: RaidItem, today: date | None) -> bool:
    """An open item whose date has passed (closed items and decisions taken never are)."""
    closed = is_closed(RaidType(item.type), RaidStatus(item.status))
    return bool(today and item.due_on and item.due_on < today and not closed)


def owner_text(item: RaidItem, none: str = "_no owner_") -> str:
    """The owner as mrkdwn: a mention, or the name kept as text."""
    if item.owner:
        return mention(item.owner)
    return escape(item.owner_name) if item.owner_name else none


def date_text(item: RaidItem, today: date | None = None) -> str:
    if not item.due_on and item.type == "decision" and item.status == "decided":
        return f"when logged, {item.raised_at:%a %d %b %Y}"  # no date said: none made up
    if not item.due_on:
        return "none"
    text = item.due_on.strftime("%a %d %b %Y")
    if is_overdue(item, today):
        text += f" — *overdue by {(today - item.due_on).days}d*"  # type: ignore[operator]
    return text


def item_line(item: RaidItem, today: date | None = None) -> str:
    """One line for lists: key, severity, title, owner, date."""
    owner = owner_text(item)
    when = f" · {DATE_LABEL[item.type].lower()} {item.due_on:%d %b}" if item.due_on else ""
    late = " · *overdue*" if is_overdue(item, today) else ""
    icon = SEVERITY_ICON.get(item.severity or "", ":black_small_square:")
    return (
        f"{icon} *{item.key}* {escape(shorten(item.title, 90))} · {owner}"
        f"{when}{late} · {item.status.replace('_', ' ')}"
    )


def item_text(item: RaidItem, today: date | None = None) -> str:
    """The full card as mrkdwn."""
    lines = [
        f"*{item.key}* · {RaidType(item.type).label} · {item.status.replace('_', ' ')}",
        f"*{escape(item.title)}*",
        f"Owner: {owner_text(item, '_none_ — assign one')}"
        f" · {DATE_LABEL[item.type]}: {date_text(item, today)}",
        f"Score: {score_text(item)}",
    ]
    if item.decided_by:
        lines.append(f"Decided by: {mention(item.decided_by)}")
    if item.rationale:
        lines.append(f"Rationale: {escape(shorten(item.rationale, 500))}")
    if item.external_ref:
        ref = item.external_ref
        shown = (
            link(ref, shorten(ref, 60)) if ref.startswith(("http://", "https://")) else escape(ref)
        )
        lines.append(f"Ref: {shown}")
    if item.strategy or item.mitigation:
        said = [item.strategy.title()] if item.strategy else []
        said += [escape(shorten(item.mitigation, 500))] if item.mitigation else []
        lines.append(f"Response: {': '.join(said)}")
    if item.description and item.description != item.title:
        lines.append(f"> {escape(shorten(item.description, 600))}")
    if item.source:
        lines.append(link(item.source, "source message"))
    return "\n".join(lines)


def item_blocks(
    item: RaidItem, *, today: date | None = None, undo: bool = False, note: str | None = None
) -> list[dict[str, Any]]:
    buttons = [ui.button("Edit", EDIT, item.key)]
    if undo:
        buttons.append(ui.button("Undo", UNDO, item.key, style="danger"))
    elif not is_closed(RaidType(item.type), RaidStatus(item.status)):
        buttons.append(ui.button("Close", CLOSE, item.key))
    blocks = [ui.section(item_text(item, today)), ui.actions(*buttons)]
    if note:
        blocks.insert(0, ui.context(note))
    return blocks


def history_text(item: RaidItem, rows: list[RaidHistory], timezone: str) -> str:
    lines = [f"*History of {item.key}*"]
    for row in rows[-30:]:
        when = row.at.astimezone(ZoneInfo(timezone)) if row.at.tzinfo else row.at
        field = FIELD_NAMES.get(row.field, row.field)
        if row.field == "deleted":  # a flag, said as what happened to the item
            change = "removed it from the log" if row.new == "True" else "put it back in the log"
        elif row.old is None and row.new is None:
            change = field
        else:
            old, new = escape(shorten(row.old or "—", 60)), escape(shorten(row.new or "—", 60))
            change = f"{field}: {old} → {new}"
        undoing = (row.note or "").startswith(UNDO_NOTE)
        note = " (undo)" if undoing else f" ({escape(shorten(row.note, 100))})" if row.note else ""
        lines.append(f"• {when:%d %b %H:%M} {mention(row.actor)} {change}{note}")
    return "\n".join(lines)


def level_options() -> list[tuple[str, str]]:
    names = ["very low", "low", "medium", "high", "very high"]
    return [(str(n), f"{n} — {names[n - 1]}") for n in range(1, 6)]


def form(
    *,
    project_key: str,
    values: dict[str, Any],
    item_key: str | None = None,
    source: str | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """The modal with every field; `values` pre-fills it."""
    raid_type = values.get("type") or "risk"
    statuses = [
        (s.value, s.value.replace("_", " ")) for s in LIFECYCLES[RaidType(raid_type)].statuses
    ]
    blocks = [
        ui.select_input("type", "Type", [(t.value, t.label) for t in RaidType], initial=raid_type)
        if not item_key
        else ui.context(f"*{item_key}* · {RaidType(raid_type).label}"),
        ui.text_input(
            "title", "Title", initial=values.get("title"), placeholder="A short problem statement"
        ),
        ui.text_input(
            "description",
            "Description",
            initial=values.get("description"),
            multiline=True,
            optional=True,
        ),
        ui.user_input("owner", "Owner", initial=values.get("owner")),
        ui.date_input("due_on", "Due / review / decision date", initial=values.get("due_on")),
        ui.select_input(
            "probability",
            "Probability",
            level_options(),
            initial=values.get("probability"),
            optional=True,
        ),
        ui.select_input(
            "impact", "Impact", level_options(), initial=values.get("impact"), optional=True
        ),
        ui.select_input(
            "strategy",
            "Response strategy",
            [(s.value, s.value.title()) for s in ResponseStrategy],
            initial=values.get("strategy"),
            optional=True,
        ),
        ui.text_input(
            "mitigation",
            "Mitigation or action",
            initial=values.get("mitigation"),
            multiline=True,
            optional=True,
        ),
        *(
            ui.text_input(name, label, initial=values.get(name), multiline=multi, optional=True)
            for name, label, multi in TEXT_INPUTS
        ),
    ]
    if item_key:
        blocks.append(ui.select_input("status", "Status", statuses, initial=values.get("status")))
    version = values.get("version")  # an edit is refused if the item changed since
    metadata = {
        "project": project_key,
        "item": item_key,
        "source": source,
        "channel": channel,
        "version": version,
    }
    title = f"Edit {item_key}" if item_key else "Add to RAID log"
    callback = FORM_EDIT if item_key else FORM
    return ui.modal(title, callback, blocks, private_metadata=json.dumps(metadata))


def form_values(item: RaidItem) -> dict[str, Any]:
    return {
        "type": item.type,
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "probability": str(item.probability) if item.probability else None,
        "impact": str(item.impact) if item.impact else None,
        "strategy": item.strategy,
        "mitigation": item.mitigation,
        "status": item.status,
        "version": item.version,
        **{name: getattr(item, name) for name in TEXT_FIELDS},
    }


SNOOZE = "raid_snooze"


def nudge_blocks(entries: list[tuple[RaidItem, str]], intro: str) -> list[dict[str, Any]]:
    """One grouped reminder: each item with [Mark done] [New date] [Snooze 3 days]."""
    blocks: list[dict[str, Any]] = [ui.section(intro)]
    for item, reason in entries[:15]:
        blocks.append(ui.section(f"*{item.key}* {escape(shorten(item.title, 120))} — {reason}"))
        blocks.append(
            ui.actions(
                ui.button("Mark done", CLOSE, item.key, style="primary"),
                ui.button("New date", EDIT, item.key),
                ui.button("Snooze 3 days", SNOOZE, item.key),
            )
        )
    if len(entries) > 15:
        blocks.append(ui.context(f"…and {len(entries) - 15} more: `/pmo raid list mine`"))
    return blocks
