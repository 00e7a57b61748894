"""Checking one row: raw values from a file to the fields the RAID services take.

Every problem in a row is named at once (`read_row` raises one `RowError` listing them), in
plain text: escape it before putting it into Slack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.text import USER_ID, unformat
from skills.raid.parsing import parse_level
from skills.raid.scoring import RaidType, ResponseStrategy, allowed_statuses
from skills.raid.service import EDITABLE, KEY, normalise

_TRUE, _FALSE = {"true", "yes", "y", "1", "x", "deleted"}, {"false", "no", "n", "0", ""}
_STRATEGY_WORDS = {"mitigate": "reduce", "mitigation": "reduce", "reduction": "reduce"}
_LINK_PART = re.compile(r"^(?:([a-z][a-z_ ]{0,30}?)\s*(\(from\))?\s+)?(\S+)$", re.I)
_FIELD_OF = {"date": "due_on"}  # file column -> item field, where they differ


class RowError(Exception):
    """One row cannot be imported; the message is the reason, in plain text."""


@dataclass
class RowData:
    """One row, checked: the fields `create_item`/`update_item` take, plus the rest."""

    row: int
    type: RaidType
    key: str | None
    seq: int | None
    fields: dict[str, Any]  # only the columns present in the file
    raised_by: str | None = None
    raised_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool | None = None
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (relation, key, incoming)


def read_row(project: Project, number: int, values: dict[str, Any] | None) -> RowData:
    """Check one row; raise `RowError` naming every problem found in it."""
    if values is None:
        raise RowError("not an object with a title, type, key …")
    problems: list[str] = []
    key, seq, raid_type = _read_identity(project, values, problems)
    checked = _read_columns(project, values, problems)
    if (raw_status := _text(values.get("status"))) and raid_type:
        status = "_".join(raw_status.lower().replace("-", " ").split())
        allowed = [s.value for s in allowed_statuses(raid_type)]
        if status in allowed:
            checked["status"] = status
        else:
            problems.append(
                f"unknown status '{raw_status}' for a {raid_type.value}: use {', '.join(allowed)}"
            )
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
    )


def _read_identity(
    project: Project, values: dict[str, Any], problems: list[str]
) -> tuple[str | None, int | None, RaidType | None]:
    """The row's key, number and type; what is wrong with them or the title goes to `problems`."""
    key = seq = key_type = None
    if raw_key := _text(values.get("key")):
        try:
            key, seq, key_type = _read_key(project, raw_key)
        except RowError as exc:
            problems.append(str(exc))
    raw_type = _text(values.get("type"))
    raid_type = RaidType.from_text(raw_type) if raw_type else key_type
    if raw_type and raid_type is None:
        problems.append(f"unknown type '{raw_type}': use risk, assumption, issue or dependency")
    elif raid_type and key_type and raid_type != key_type:
        problems.append(f"type '{raw_type}' does not match key {key}, which is a {key_type}")
    elif raid_type is None and not raw_key:
        problems.append("missing type: use risk, assumption, issue or dependency")
    if not _text(values.get("title")):
        problems.append("missing title")
    return key, seq, raid_type


def _read_columns(project: Project, values: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """{column: checked value} for the columns the row has; what is wrong goes to `problems`."""
    checked: dict[str, Any] = {}
    for column, reader in _READERS.items():
        if column in values:
            try:
                checked[column] = reader(values[column])
            except RowError as exc:
                problems.append(str(exc))
            except UserError as exc:
                problems.append(unformat(exc))
    if "links" in values:
        try:
            checked["links"] = _read_links(project, values["links"])
        except RowError as exc:
            problems.append(str(exc))
    return checked


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


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
    if raid_type is None:  # cannot happen: the key pattern only lets R, A, I and D through
        raise RowError(f"'{raw}' is not a RAID key: they look like {example}")
    return key, seq, raid_type


def _read_title(value: Any) -> str | None:
    return normalise("title", _text(value)) if _text(value) else None  # empty: "missing title"


def _read_long_text(name: str) -> Callable[[Any], Any]:
    return lambda value: normalise(name, _text(value))


def _read_source(value: Any) -> str | None:
    text = _text(value)
    if len(text) > 500:
        raise RowError(f"source is {len(text)} characters long: keep it to 500 at most")
    return text or None


def _read_owner(value: Any) -> str | None:
    text = _text(value)
    user = text.removeprefix("<@").removesuffix(">").split("|")[0].lstrip("@")
    if not text:
        return None
    if len(user) > 32 or not USER_ID.match(user):
        raise RowError(
            f"owner '{text}' is not a Slack user id (like U0123ABCD): leave it empty or use "
            "the person's member id"
        )
    return user


def _read_raiser(value: Any) -> str | None:
    text = _text(value)
    if len(text) > 32:
        raise RowError(f"raised_by '{text}' is too long: use a Slack user id (like U0123ABCD)")
    return text or None


def _read_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for read in (date.fromisoformat, lambda t: datetime.fromisoformat(t).date()):
        try:
            return read(text)
        except ValueError:
            pass
    for pattern in ("%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise RowError(f"bad date '{text}': use YYYY-MM-DD, e.g. 2026-12-15")


def _read_instant(name: str) -> Callable[[Any], datetime | None]:
    def read(value: Any) -> datetime | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if not isinstance(value, datetime):
            text = _text(value)
            if not text:
                return None
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                raise RowError(
                    f"bad {name} '{text}': use a date and time like 2026-11-23T09:00:00+00:00"
                ) from None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    return read


def _read_level(name: str) -> Callable[[Any], int | None]:
    def read(value: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text) or isinstance(value, bool):
            number = float(text) if not isinstance(value, bool) else -1.0
            if number.is_integer() and 1 <= number <= 5:
                return int(number)
            raise RowError(f"{name} must be a whole number from 1 to 5, not {text}")
        level = parse_level(text, kind=name)
        if level is None:
            raise RowError(
                f"{name} must be 1-5 (or very low, low, medium, high, very high), not '{text}'"
            )
        return level

    return read


def _read_strategy(value: Any) -> str | None:
    text = _text(value)
    word = _STRATEGY_WORDS.get(text.lower(), text.lower())
    if not word:
        return None
    if word not in {s.value for s in ResponseStrategy}:
        options = ", ".join(s.value for s in ResponseStrategy)
        raise RowError(f"unknown strategy '{text}': use {options}")
    return word


def _read_flag(value: Any) -> bool:
    text = _text(value).lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise RowError(f"deleted must be true or false, not '{text}'")


def _read_links(project: Project, value: Any) -> list[tuple[str, str, bool]]:
    parts = (
        [_text(p) for p in value] if isinstance(value, list) else re.split(r"[;,\n]", _text(value))
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


_READERS: dict[str, Callable[[Any], Any]] = {
    "title": _read_title,
    "description": _read_long_text("description"),
    "mitigation": _read_long_text("mitigation"),
    "source": _read_source,
    "owner": _read_owner,
    "raised_by": _read_raiser,
    "raised_at": _read_instant("raised_at"),
    "updated_at": _read_instant("updated_at"),
    "date": _read_date,
    "probability": _read_level("probability"),
    "impact": _read_level("impact"),
    "strategy": _read_strategy,
    "deleted": _read_flag,
}
