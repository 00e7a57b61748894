"""Milestones from a spreadsheet (a plan's milestone list): one row per milestone.

A row with a key, or the name of a live milestone, updates it (a new forecast is a move,
kept with "imported from FILE" as why); any other row adds a milestone with its baseline.
Each row is checked and saved on its own: a bad row is reported, the rest go in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.projects import check_user_id
from bot.core.text import escape
from skills.milestones import service
from skills.raid.parsing import parse_date_phrase
from skills.sheets import Columns, SheetReport, import_each, sheet_rows, text_cell

COLUMNS: Columns = {
    "key": ("id", "ref", "milestone id"),
    "name": ("milestone", "title", "description", "summary", "deliverable"),
    "baseline": ("baseline date", "original date", "planned date", "plan date", "baseline finish"),
    "forecast": ("forecast date", "current date", "date", "due", "due date", "target date",
                 "revised date", "finish", "end date"),
    "owner": ("owner id", "responsible", "assigned to", "accountable"),
    "status": ("state", "rag"),
    "reason": ("why", "comment", "comments", "notes", "note"),
}  # fmt: skip


def date_cell(value: Any, project: Project, column: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_cell(value)
    if not text:
        return None
    found = parse_date_phrase(text, now=clock.now(), tz=ZoneInfo(project.timezone))
    if found is None:
        raise UserError(f"{column} `{escape(text)}` is not a date (try 2027-01-15 or 15 Jan 2027)")
    return found


def owner_cell(value: Any) -> str | None:
    text = text_cell(value)
    return check_user_id(text) if text else None


def import_milestones(
    session: Session, *, project: Project, content: bytes, filename: str, actor: str
) -> SheetReport:
    """Add and update milestones from a csv or xlsx; `ImportFileError` if it can't be used."""
    rows = sheet_rows(content, filename, COLUMNS, required="name")
    live = {m.name.lower(): m for m in service.list_milestones(session, project)}

    def save(number: int, values: dict[str, Any]) -> str:
        name = service.clean_name(text_cell(values.get("name")))
        baseline = date_cell(values.get("baseline"), project, "baseline")
        given = date_cell(values.get("forecast"), project, "forecast")
        forecast = given or baseline
        if forecast is None:
            raise UserError(f"{escape(name)} has no date: fill its baseline or forecast column")
        owner = owner_cell(values.get("owner"))
        status = text_cell(values.get("status"))
        why = text_cell(values.get("reason")) or f"imported from {filename} row {number}"
        key = text_cell(values.get("key"))
        found = service.find_milestone(session, key, project) if key else live.get(name.lower())
        if found is None:
            created = service.create_milestone(
                session,
                project=project,
                name=name,
                due_on=forecast,
                baseline_on=baseline,
                owner=owner,
                status=status or "planned",
                actor=actor,
                reason=why,
            )
            live[name.lower()] = created
            return created.key
        if found.project_id != project.id:
            raise UserError(f"{found.key} belongs to another project")
        if baseline and baseline != found.baseline_on and not given:
            raise UserError(
                f"{found.key}'s baseline is {found.baseline_on:%d %b %Y}, not {baseline:%d %b %Y}: "
                "a baseline stays as first planned; put a new date in a Forecast column"
            )
        if given and given != found.forecast_on:  # no forecast in the file: the slip is kept
            service.move(session, milestone=found, to=given, actor=actor, reason=why)
        changes: dict[str, Any] = {"name": name}
        if owner:
            changes["owner"] = owner
        if status:
            changes["status"] = status
        service.update(session, milestone=found, actor=actor, changes=changes, reason=why)
        return found.key

    return import_each(session, rows, save)
