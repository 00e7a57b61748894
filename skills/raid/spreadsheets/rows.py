"""Checking one row: raw values from a file to the fields the RAID services take.

Every problem in a row is named at once (`read_row` raises one `RowError` listing them), in
plain text: escape it before putting it into Slack. A row's type comes from its type column,
else its key, else its sheet ("Risks", "Action log") or header ("Risk ID"). An ID that is not
this project's key (`R-001`, `42`) is kept as the item's external reference. Without a title
column, the title is the first sentence of the description.

What a row can do without is a warning, not an error: a status word the type has no state for
is not imported (a new item starts open), a completion cell that is neither yes nor no is not
used. A `Priority` column (when the file has no impact column) is read as the impact, and a
yes in a completion column (`Done?`) closes the item in its type's finished state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.people import People
from bot.core.text import unformat
from skills.raid.parsing.title import _title_from
from skills.raid.scoring import LIFECYCLES, RaidType
from skills.raid.service import EDITABLE, KEY, normalise
from skills.raid.spreadsheets.values import (
    RowError,
    finished_status,
    read_date,
    read_done,
    read_flag,
    read_instant,
    read_level,
    read_owner,
    read_priority,
    read_status,
    read_strategy,
    strategy_word,
    text_of,
)

__all__ = ["RowData", "RowError", "read_row"]

_LINK_PART = re.compile(r"^(?:([a-z][a-z_ ]{0,30}?)\s*(\(from\))?\s+)?(\S+)$", re.I)
_FIELD_OF = {"date": "due_on"}  # file column -> item field, where they differ
_TYPES = "risk, assumption, issue, dependency, action or decision"


@dataclass
class RowData:
    """One row, checked: the fields `create_item`/`update_item` take, plus the rest."""

    row: int | str
    type: RaidType
    key: str | None
    seq: int | None
    fields: dict[str, Any]  # only the columns present in the file
    raised_by: str | None = None
    raised_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool | None = None
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (relation, key, incoming)
    warnings: list[str] = field(default_factory=list)  # what was left out, the row saved anyway
    closing: bool = False  # the status is a completion column's: an item closed already stays so


def read_row(
    project: Project, number: int | str, values: dict[str, Any] | None, people: People | None = None
) -> RowData:
    """Check one row; raise `RowError` naming every problem found in it."""
    if values is None:
        raise RowError("not an object with a title, type, key …")
    problems: list[str] = []
    warnings: list[str] = []
    key, seq, raid_type = _read_identity(project, values, problems)
    checked = _read_columns(project, values, problems, people)
    if "priority" in checked and "impact" not in values:  # settled by the reader; JSON too
        checked["impact"] = checked.pop("priority")
    closing = False
    if raid_type is not None:
        closing = _read_status_cells(values, raid_type, checked, warnings)
    if problems or raid_type is None:
        raise RowError("; ".join(problems))
    fields = {_FIELD_OF.get(c, c): v for c, v in checked.items() if _FIELD_OF.get(c, c) in EDITABLE}
    return RowData(
        row=number,
        type=raid_type,
        key=key,
        seq=seq,
        fields=fields,
        raised_by=checked.get("raised_by"),
        raised_at=checked.get("raised_at"),
        updated_at=checked.get("updated_at"),
        deleted=checked.get("deleted"),
        links=checked.get("links", []),
        warnings=warnings,
        closing=closing,
    )


def _read_status_cells(
    values: dict[str, Any], raid_type: RaidType, checked: dict[str, Any], warnings: list[str]
) -> bool:
    """Put the row's status in `checked` from its status and completion cells; True when the
    completion cell closed it (then an item closed already keeps its own finished state). A
    status or completion cell that cannot be read is a warning."""
    if raw_status := text_of(values.get("status")):
        try:
            checked["status"] = read_status(raw_status, raid_type)
        except RowError as exc:
            initial = LIFECYCLES[raid_type].initial.value
            warnings.append(f"{exc} (status not imported: a new {raid_type.value} is {initial})")
    if "done" not in values:
        return False
    try:
        done = read_done(values["done"])
    except RowError as exc:
        warnings.append(str(exc))
        return False
    if not done:
        return False
    said = checked.get("status")
    checked["status"] = finished_status(said, raid_type)
    return checked["status"] != said


def _read_identity(
    project: Project, values: dict[str, Any], problems: list[str]
) -> tuple[str | None, int | None, RaidType | None]:
    """The row's key, number and type (an ID of another system goes to `external_ref`); what
    is wrong with them or the title goes to `problems`."""
    key = seq = key_type = None
    if raw_key := text_of(values.get("key")):
        if KEY.match(raw_key.strip().strip("`*")):
            try:
                key, seq, key_type = _read_key(project, raw_key)
            except RowError as exc:
                problems.append(str(exc))
        elif not text_of(values.get("external_ref")):
            values["external_ref"] = raw_key
    sheet = RaidType.from_text(text_of(values.get("sheet_type")))
    raw_type = text_of(values.get("type"))
    named = RaidType.from_text(raw_type) if raw_type else None
    raid_type = named or key_type or sheet
    if raw_type and named is None and sheet is None:
        problems.append(f"unknown type '{raw_type}': use {_TYPES}")
        raid_type = None
    elif named and key_type and named != key_type:
        problems.append(f"type '{raw_type}' does not match key {key}, which is a {key_type}")
    elif raid_type is None and not raw_key:
        problems.append(f"missing type: use {_TYPES}")
    if not text_of(values.get("title")) and text_of(values.get("description")):
        values["title"] = _title_from(text_of(values["description"])) or values["description"]
    if not text_of(values.get("title")):
        problems.append("missing title")
    return key, seq, raid_type


def _read_columns(
    project: Project, values: dict[str, Any], problems: list[str], people: People | None
) -> dict[str, Any]:
    """{column: checked value} for the columns the row has; what is wrong goes to `problems`."""
    checked: dict[str, Any] = {}
    readers = _readers(project)
    for column, reader in readers.items():
        if column in values:
            try:
                checked[column] = reader(values[column])
            except RowError as exc:
                problems.append(str(exc))
            except UserError as exc:
                problems.append(unformat(exc))
    if "owner" in values or "owner_name" in values:
        _read_owner_cell(values.get("owner"), checked, problems, people)
    mitigation = checked.get("mitigation") or ""
    if "strategy" not in values and (word := strategy_word(mitigation)):
        checked["strategy"], checked["mitigation"] = word, None  # "Response: Accept"
    if "links" in values:
        try:
            checked["links"] = _read_links(project, values["links"])
        except RowError as exc:
            problems.append(str(exc))
    return checked


def _read_owner_cell(
    value: Any, checked: dict[str, Any], problems: list[str], people: People | None
) -> None:
    """A user id, a name or e-mail the directory knows, or a name kept as text (from the
    owner column, else the owner name column)."""
    try:
        user, name = read_owner(value)
    except UserError as exc:
        problems.append(f"owner: {unformat(exc)}")
        return
    name = name or (None if user else checked.get("owner_name"))
    if name and people is not None and (person := people.find(name)) and not person.is_bot:
        user, name = person.user_id, None
    checked["owner"], checked["owner_name"] = user, None if user else name


# --------------------------------------------------------------------------- one column each


def _read_key(project: Project, raw: str) -> tuple[str, int, RaidType]:
    match = KEY.match(raw.strip().strip("`*"))
    example = f"{project.key.upper()}-R7"
    if not match:
        raise RowError(f"'{raw}' is not a RAID key: they look like {example}")
    prefix, letter, seq = match.group(1).upper(), match.group(2).upper(), int(match.group(3))
    key = f"{prefix}-{letter}{seq}"
    if prefix != project.key.upper():
        raise RowError(
            f"key {key} belongs to another project, not {project.key}: clear the key to add "
            "the row as a new item"
        )
    if not 1 <= seq <= 999_999:
        raise RowError(f"key {key}: the number must be from 1 to 999999, like {example}")
    raid_type = RaidType.from_key_letter(letter)
    if raid_type is None:  # cannot happen: the key pattern only lets known letters through
        raise RowError(f"'{raw}' is not a RAID key: they look like {example}")
    return key, seq, raid_type


def _read_text(name: str) -> Callable[[Any], Any]:
    return lambda value: normalise(name, text_of(value))


def _read_title(value: Any) -> str | None:
    return normalise("title", text_of(value)) if text_of(value) else None  # empty: "missing title"


def _read_source(value: Any) -> str | None:
    text = text_of(value)
    if len(text) > 500:
        raise RowError(f"source is {len(text)} characters long: keep it to 500 at most")
    return text or None


def _read_raiser(value: Any) -> str | None:
    text = text_of(value)
    if len(text) > 32:
        raise RowError(f"raised_by '{text[:40]}' is too long: use a Slack user id or a short name")
    return text or None


def _read_links(project: Project, value: Any) -> list[tuple[str, str, bool]]:
    parts = (
        [text_of(p) for p in value]
        if isinstance(value, list)
        else re.split(r"[;,\n]", text_of(value))
    )
    links = []
    for part in filter(None, (p.strip() for p in parts)):
        match = _LINK_PART.match(part)
        if not match:
            raise RowError(
                f"cannot read link '{part}': write links like 'relates_to {project.key.upper()}-R2'"
            )
        try:
            key = _read_key(project, match.group(3))[0]
        except RowError as exc:
            raise RowError(f"link '{part}': {exc}") from None
        relation = "_".join((match.group(1) or "relates_to").lower().split())
        links.append((relation, key, bool(match.group(2))))
    return links


def _readers(project: Project) -> dict[str, Callable[[Any], Any]]:
    return {
        "title": _read_title,
        "description": _read_text("description"),
        "mitigation": _read_text("mitigation"),
        "rationale": _read_text("rationale"),
        "owner_name": _read_text("owner_name"),
        "decided_by": _read_text("decided_by"),
        "external_ref": _read_text("external_ref"),
        "source": _read_source,
        "raised_by": _read_raiser,
        "raised_at": read_instant("raised_at"),
        "updated_at": read_instant("updated_at"),
        "date": lambda value: read_date(value, project.timezone),
        "probability": read_level("probability"),
        "impact": read_level("impact"),
        "strategy": read_strategy,
        "deleted": read_flag,
        "priority": read_priority,
    }
