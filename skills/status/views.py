"""How check-ins look: the prompt and reminder DMs, the update form, confirmations, history."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect

from bot.core import ui
from bot.core.messages import Reply
from bot.core.models import Project
from bot.core.text import escape, mention, shorten
from skills.status.config import DAY_NAMES, duration_text
from skills.status.days import Slot
from skills.status.models import DEFAULT_QUESTIONS, Checkin, CheckinConfig, StatusUpdate
from skills.status.service import RAG_WORDS, Participation

# Action and view ids, named once.
GIVE, SKIP, EDIT, LOG_BLOCKER = (
    "checkin_give",
    "checkin_skip",
    "checkin_edit",
    "checkin_log_blocker",
)
FORM, SETUP = "checkin_update", "checkin_setup"
RAG_ICON = {
    "green": ":large_green_circle:",
    "amber": ":large_yellow_circle:",
    "red": ":red_circle:",
}
ITEM_WIDTH = 70


def thread_key(project: Project, day: date) -> str:
    return f"checkin:{project.key}:{day.isoformat()}"


def local_time(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):%H:%M}"


def checkin_value(project: Project, day: date) -> str:
    """The [Give update] / [Skip today] value: the check-in exists only once answered."""
    return f"{project.key}:{day.isoformat()}"


def answer_buttons(project: Project, day: date) -> dict[str, Any]:
    return ui.actions(
        ui.button("Give update", GIVE, checkin_value(project, day), style="primary"),
        ui.button("Skip today", SKIP, checkin_value(project, day)),
    )


def prompt_reply(project: Project, config: CheckinConfig, day: date, slot: Slot) -> Reply:
    intro = (
        f"Hi {mention(slot.user)}, time for the *{escape(project.name)}* check-in of "
        f"{day:%a %d %b}. Please answer by *{local_time(slot.window_end, slot.timezone)}* "
        "your time:"
    )
    questions = "\n".join(f"• {escape(q)}" for q in config.questions)
    hint = "Or just reply here in your own words, or use `/pmo status …` any time."
    blocks = [ui.section(f"{intro}\n{questions}"), answer_buttons(project, day), ui.context(hint)]
    return Reply(text=f"{intro}\n{questions}", blocks=blocks, to_user=slot.user)


def reminder_reply(project: Project, day: date, slot: Slot) -> Reply:
    text = (
        f"Reminder {mention(slot.user)}: the *{escape(project.name)}* check-in of "
        f"{day:%a %d %b} closes for you at *{local_time(slot.window_end, slot.timezone)}*. "
        "A few words are enough."
    )
    blocks = [ui.section(text), answer_buttons(project, day)]
    return Reply(text=text, blocks=blocks, to_user=slot.user)


def items_text(label: str, items: list[str], width: int = ITEM_WIDTH, most: int = 3) -> str:
    if not items:
        return ""
    shown = "; ".join(escape(shorten(i, width)) for i in items[:most])
    more = f" _+{len(items) - most} more_" if len(items) > most else ""
    return f"*{label}:* {shown}{more}"


def rag_text(update: StatusUpdate) -> str:
    parts = []
    if update.rag in RAG_ICON:
        parts.append(f"{RAG_ICON[update.rag]} {RAG_WORDS[update.rag]}")
    if update.percent is not None:
        parts.append(f"{update.percent}%")
    return " · ".join(parts)


def update_lines(update: StatusUpdate, *, width: int = 200, most: int = 10) -> list[str]:
    """Done / next / blockers / overall, one line each (what was understood)."""
    lines = [
        items_text("Done", update.done, width, most),
        items_text("Next", update.next, width, most),
        items_text("Blockers", update.blockers, width, most) or "*Blockers:* none",
    ]
    if rag_text(update):
        lines.append(f"*Overall:* {rag_text(update)}")
    if not (update.done or update.next or update.blockers or update.rag):
        lines.insert(0, "_I couldn't tell done from next in that; it is kept as you wrote it._")
    return [line for line in lines if line]


def saved_reply(
    project: Project, update: StatusUpdate, checkin: Checkin | None, *, replaced: bool, late: bool
) -> Reply:
    if checkin is None:
        what = (
            f"Saved your *{escape(project.name)}* update. No check-in is waiting for it (none "
            "today, or you are not on it), so it goes to history and summaries."
        )
    elif late:
        what = (
            f"Saved your late update for the *{escape(project.name)}* check-in of "
            f"{checkin.day:%a %d %b}; it is added under the report."
        )
    else:
        verb = "Updated" if replaced else "Got"
        what = (
            f"{verb} your update for the *{escape(project.name)}* check-in of "
            f"{checkin.day:%a %d %b}. You can change it until the report goes out."
        )
    lines = update_lines(update)
    blocks = [ui.section(what), ui.section("\n".join(lines))]
    if checkin is not None and not late:
        blocks.append(ui.actions(ui.button("Edit", EDIT, str(update.id))))
    return Reply(text="\n".join([what, *lines]), blocks=blocks)


def update_form(
    *, project: Project, questions: list[str], checkin: Checkin | None, update: StatusUpdate | None
) -> dict[str, Any]:
    """The modal with the check-in's questions, pre-filled from `update` when editing."""
    rag_options = [(value, words.capitalize()) for value, words in RAG_WORDS.items()]
    rag = ui.select_input(
        "rag", "Overall status", rag_options, initial=update.rag if update else None, optional=True
    )
    if questions == DEFAULT_QUESTIONS:
        hints = {"done": "One item per line.", "next": "One item per line."}
        blocks = [
            ui.text_input(
                name,
                questions[i],
                initial="\n".join(getattr(update, name)) if update else None,
                multiline=True,
                optional=True,
                hint=hints.get(name, "One per line, or none."),
            )
            for i, name in enumerate(("done", "next", "blockers"))
        ]
    else:
        previous = (update.answers if update else {}) or {}
        blocks = [
            ui.text_input(
                f"q{i}",
                shorten(q, 150),
                initial=previous.get(f"q{i}"),
                multiline=True,
                optional=True,
            )
            for i, q in enumerate(questions)
        ]
    meta = {
        "project": project.key,
        "checkin": checkin_value(project, checkin.day) if checkin else None,
    }
    meta["update"] = update.id if update else None
    title = f"{project.name} check-in"
    day = f"Check-in of {checkin.day:%a %d %b}" if checkin else "Status update"
    return ui.modal(
        title,
        FORM,
        [ui.context(day), *blocks, rag],
        submit="Send",
        private_metadata=json.dumps(meta),
    )


def history_text(
    project: Project, rows: list[tuple[StatusUpdate, Checkin | None]], who: str | None
) -> str:
    title = (
        f"*Status history of {mention(who)} in `{project.key}`*"
        if who
        else (f"*Latest status updates in `{project.key}`*")
    )
    if not rows:
        return f"{title}\nNo updates yet. Give one: `/pmo status Done: … Next: … Blockers: …`."
    lines = [title]
    for update, checkin in rows:
        when = f"{checkin.day:%a %d %b}" if checkin else f"{update.created_at:%a %d %b} (free)"
        author = "" if who else f"{mention(update.user_id)} "
        if update.skipped:
            lines.append(f"• {when} {author}— _skipped_")
            continue
        flags = " _late_" if update.late else ""
        body = " · ".join(
            t
            for t in (
                rag_text(update),
                items_text("Done", update.done),
                items_text("Next", update.next),
                items_text("Blockers", update.blockers),
            )
            if t
        ) or escape(shorten(update.text, 150))
        lines.append(f"• {when}{flags} {author}{body}")
    return "\n".join(lines)


def stats_text(project: Project, rows: list[Participation], days: int) -> str:
    title = f"*Check-in participation in `{project.key}`, last {days} days*"
    if not rows:
        return f"{title}\nNo closed check-ins yet."
    lines = [title]
    asked = sum(r.asked for r in rows)
    given = sum(r.answered + r.late for r in rows)
    for row in sorted(rows, key=lambda r: (-(r.rate or 0), r.user)):
        rate = f"{row.rate:.0%}" if row.rate is not None else "—"
        lines.append(
            f"• {mention(row.user)} *{rate}* — {row.answered + row.late} of {row.asked} answered"
            f" ({row.late} late) · {row.skipped} skipped · {row.missed} missed · away {row.away}"
        )
    total = f"{given / asked:.0%}" if asked else "—"
    lines.append(f"*Project:* {total} — {given} of {asked} answers given.")
    return "\n".join(lines)


def day_options() -> list[dict[str, Any]]:
    return [
        {"text": {"type": "plain_text", "text": name.title()}, "value": str(i)}
        for i, name in enumerate(DAY_NAMES)
    ]


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool) -> dict[str, Any]:
    element = {**element, "action_id": block_id}
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def setup_form(project: Project, config: CheckinConfig, participants: list[str] | None) -> dict:
    """Every setting in one modal (multi-selects for people and days, a time picker)."""
    options = day_options()
    chosen = [o for o in options if int(o["value"]) in config.days]
    people = {"type": "multi_users_select"}
    blocks = [
        ui.select_input(
            "enabled",
            "Check-ins",
            [("on", "On"), ("off", "Off")],
            initial="on" if config.enabled else "off",
        ),
        _input(
            "participants",
            "Participants (empty: every project member)",
            {**people, **({"initial_users": participants} if participants else {})},
            optional=True,
        ),
        _input(
            "observers",
            "Observers (get the report by DM)",
            {**people, **({"initial_users": config.observers} if config.observers else {})},
            optional=True,
        ),
        _input(
            "days",
            "Days",
            {"type": "multi_static_select", "options": options, "initial_options": chosen},
            optional=False,
        ),
        _input(
            "time",
            "Time (each person's own timezone)",
            {"type": "timepicker", "initial_time": config.time},
            optional=False,
        ),
        ui.text_input(
            "window",
            "Response window",
            initial=duration_text(config.window_minutes),
            hint="e.g. 4h, 90m, 2h30m — from each person's prompt.",
        ),
        ui.text_input(
            "reminders",
            "Reminders",
            initial=str(config.reminder_count),
            hint="0 to 3; the last one this long before the window closes:",
        ),
        ui.text_input(
            "remind_before",
            "Last reminder before close",
            initial=duration_text(config.reminder_before_minutes),
        ),
        ui.select_input(
            "destination",
            "Report goes to",
            [("channel", "The project channel"), ("thread", "A thread per check-in")],
            initial=config.destination,
        ),
        ui.text_input(
            "questions",
            "Questions (one per line)",
            initial="\n".join(config.questions),
            multiline=True,
        ),
    ]
    saved = inspect(config).has_identity  # a saving over newer settings is refused
    meta = json.dumps({"project": project.key, "version": config.version if saved else None})
    return ui.modal(f"Check-ins: {project.key}", SETUP, blocks, private_metadata=meta)
