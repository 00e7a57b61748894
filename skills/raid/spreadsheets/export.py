"""Export: RAID items as a CSV, xlsx or JSON file, one row (or object) per item.

Names stand beside user ids (`owner_name`, `raised_by_name`, from the people directory when
given; an owner kept as text is its own name). Text that could run as a formula in a
spreadsheet (starting with `=`, `+`, `-`, `@` ...) is quoted in CSV and marked as text in xlsx.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from bot.core import clock
from bot.core.models import Project
from bot.core.people import People
from bot.core.text import USER_ID
from skills.raid.models import RaidItem
from skills.raid.service import KEY, linked_keys
from skills.raid.spreadsheets.columns import COLUMNS, CSV_GUARD, SHEET_TITLE, TYPE_ORDER

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMATS = ("csv", "xlsx", "json")
XLSX_WIDTHS = {
    "key": 14, "type": 12, "title": 48, "description": 60, "owner": 13, "owner_name": 20,
    "raised_by": 13, "raised_by_name": 20, "raised_at": 20, "date": 12, "probability": 12,
    "impact": 8, "score": 7, "severity": 10, "strategy": 10, "mitigation": 48, "status": 12,
    "decided_by": 16, "rationale": 40, "external_ref": 16, "source": 30, "links": 36,
    "updated_at": 20, "deleted": 9,
}  # fmt: skip


def project_items(
    session: Session, project: Project, *, include_deleted: bool = False
) -> list[RaidItem]:
    """Every item of a project in register order (risks, assumptions, issues, dependencies)."""
    query = select(RaidItem).where(RaidItem.project_id == project.id)
    if not include_deleted:
        query = query.where(RaidItem.deleted == False)  # noqa: E712
    return sorted(session.exec(query), key=lambda i: (TYPE_ORDER.get(i.type, 9), i.seq))


def links_text(session: Session, item: RaidItem) -> str:
    """Outgoing links as `converted_to APOLLO-I3; relates_to APOLLO-R2`."""
    pairs = [(rel, key) for rel, key in linked_keys(session, item) if not rel.endswith("(from)")]
    return "; ".join(f"{rel} {key}" for rel, key in sorted(pairs, key=_link_order))


def _link_order(pair: tuple[str, str]) -> tuple[str, str, int, str]:
    match = KEY.match(pair[1])
    if not match:
        return pair[0], pair[1], 0, ""
    return pair[0], match.group(1).upper(), int(match.group(3)), match.group(2).upper()


def export_row(session: Session, item: RaidItem, people: People | None = None) -> dict[str, Any]:
    """One item as {column: value}; empty values are None."""
    return {
        "key": item.key,
        "type": item.type,
        "title": item.title,
        "description": item.description or None,
        "owner": item.owner or None,
        "owner_name": _name(people, item.owner) if item.owner else item.owner_name,
        "raised_by": item.raised_by,
        "raised_by_name": _name(people, item.raised_by),
        "raised_at": clock.as_utc(item.raised_at),
        "date": item.due_on,
        "probability": item.probability,
        "impact": item.impact,
        "score": item.score,
        "severity": item.severity,
        "strategy": item.strategy,
        "mitigation": item.mitigation or None,
        "status": item.status,
        "decided_by": item.decided_by,
        "rationale": item.rationale,
        "external_ref": item.external_ref,
        "source": item.source or None,
        "links": links_text(session, item) or None,
        "updated_at": clock.as_utc(item.updated_at),
        "deleted": bool(item.deleted),
    }


def _name(people: People | None, user_id: str | None) -> str | None:
    """The person's name for a user id (None without a directory, or when it only knows the id)."""
    if not user_id or people is None or not USER_ID.match(user_id):
        return None
    name = people.get(user_id).name
    return name if name and name != user_id else None


def export_items(
    session: Session, items: list[RaidItem], fmt: str, people: People | None = None
) -> bytes:
    """The items as a `csv`, `xlsx` or `json` file, one row (or object) per item."""
    rows = [export_row(session, item, people) for item in items]
    fmt = fmt.lower().lstrip(".")
    if fmt == "json":
        return _json(rows)
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- json and csv


def _json(rows: list[dict[str, Any]]) -> bytes:
    data = [{k: _json_value(v) for k, v in row.items()} for row in rows]
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([_csv_value(row[k]) for k in COLUMNS] for row in rows)
    return out.getvalue().encode()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(_json_value(value))
    # Text starting like a formula is quoted so Excel shows it instead of running it.
    return "'" + text if isinstance(value, str) and text.startswith(CSV_GUARD) else text


# --------------------------------------------------------------------------- xlsx


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook  # here, not at start-up: only xlsx files need it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    _xlsx_header(sheet)
    for number, row in enumerate(rows, start=2):
        for col, name in enumerate(COLUMNS, start=1):
            value = row[name]
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            _xlsx_cell(sheet, number, col, value)
    for col, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = XLSX_WIDTHS[name]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_header(sheet: Worksheet) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in ("raised_at", "updated_at"):
            cell.comment = Comment("Times are in UTC.", "Live PMO")


def _xlsx_cell(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula, even if it starts with "="
        if value.startswith(CSV_GUARD):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
