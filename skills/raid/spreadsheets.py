"""The RAID log as a spreadsheet: export items to CSV, Excel or JSON, and import them back.

Export writes one row per item with every field (see :data:`COLUMNS`). Import reads CSV,
xlsx or JSON, checks each row on its own and saves it in a SAVEPOINT of its own, so a bad
row writes nothing and never stops the others. A row with a key updates that item (through
`service.update_item`, so history is kept); a row without a key first looks for a live item
of the same type and title; only then is an item created. Importing the same file twice
therefore creates nothing the second time.

What the round trip keeps (export -> import -> export gives the same file):

* every editable field, the status, the soft-delete flag and outgoing links;
* the key, also in a fresh database: a new item takes the number written in the file;
* `raised_by`, `raised_at` and `updated_at` of items the import creates.

What it does not keep: history lines (they are not in the file); `score` and `severity`
(always recomputed from probability x impact); `raised_by`/`raised_at` of items that already
exist (facts of record, never changed by an import); `updated_at` of an item the import
changes (it becomes the time of the import); links missing from the file (an import adds
links, it never removes them); xlsx stores times to the second and drops the control
characters Excel refuses. A row matched by title (no key) keeps the item's spelling of it.

Reasons in :class:`ImportReport` are plain text: escape them before putting them into Slack.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import AuditEntry, Project
from bot.core.text import USER_ID
from skills.raid.models import RaidHistory, RaidItem, RaidLink
from skills.raid.parsing import parse_level
from skills.raid.scoring import RaidType, ResponseStrategy, allowed_statuses
from skills.raid.service import (
    EDITABLE,
    KEY,
    create_item,
    delete_item,
    item_key,
    link_items,
    linked_keys,
    normalise,
    record,
    update_item,
)

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "json")
COLUMNS = (
    "key", "type", "title", "description", "owner", "raised_by", "raised_at", "date",
    "probability", "impact", "score", "severity", "strategy", "mitigation", "status", "source",
    "links", "updated_at", "deleted",
)  # fmt: skip
XLSX_WIDTHS = {
    "key": 14, "type": 12, "title": 48, "description": 60, "owner": 13, "raised_by": 13,
    "raised_at": 20, "date": 12, "probability": 12, "impact": 8, "score": 7, "severity": 10,
    "strategy": 10, "mitigation": 48, "status": 12, "source": 30, "links": 36,
    "updated_at": 20, "deleted": 9,
}  # fmt: skip
SHEET_TITLE = "RAID"
MAX_ROWS = 10_000
TYPE_ORDER = {t.value: n for n, t in enumerate(RaidType)}
# Header names people use, after lower-casing and turning punctuation into spaces.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "key": ("id", "ref", "reference", "raid id", "item id", "item key"),
    "type": ("raid type", "category", "kind", "item type"),
    "title": ("summary", "name", "headline", "subject"),
    "description": ("details", "detail", "notes"),
    "owner": ("owner id", "assignee", "assigned to", "action owner", "responsible"),
    "raised_by": ("raiser", "reporter", "reported by", "created by", "logged by"),
    "raised_at": ("raised", "raised on", "date raised", "created", "created at", "logged on"),
    "date": ("due", "due date", "due on", "review date", "review by", "review on", "deadline",
             "target date", "need by"),
    "probability": ("likelihood", "prob", "p"),
    "impact": ("i",),
    "strategy": ("response", "response strategy"),
    "mitigation": ("mitigation action", "mitigation actions", "mitigation plan", "action",
                   "actions", "action plan", "response plan"),
    "links": ("link", "linked", "related", "related items"),
    "updated_at": ("updated", "last updated", "modified", "last modified"),
    "deleted": ("is deleted",),
    "score": ("risk score", "rating"),
}  # fmt: skip
_HEADERS = {name.replace("_", " "): name for name in COLUMNS} | {
    alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}
_TRUE, _FALSE = {"true", "yes", "y", "1", "x", "deleted"}, {"false", "no", "n", "0", ""}
# Text starting like this is quoted with an apostrophe in CSV (undone on import).
_CSV_GUARD = ("=", "+", "-", "@", "\t", "\r", "'")
_STRATEGY_WORDS = {"mitigate": "reduce", "mitigation": "reduce", "reduction": "reduce"}
_LINK_PART = re.compile(r"^(?:([a-z][a-z_ ]{0,30}?)\s*(\(from\))?\s+)?(\S+)$", re.I)


class ImportFileError(Exception):
    """The file cannot be read at all; the message is one line saying what to do."""


class RowError(Exception):
    """One row cannot be imported; the message is the reason, in plain text."""


@dataclass
class ImportReport:
    """What an import did: keys created, updated and unchanged, and (row, reason) errors.

    Row numbers are those a spreadsheet user sees: the header is row 1, the first data row
    is row 2 (for JSON, the first object is "row 2" too, so every format numbers alike).
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0  # data rows read, blank rows not counted

    @property
    def saved_rows(self) -> int:
        """Rows that went in (created, updated or unchanged)."""
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        bad = len({row for row, _ in self.errors})
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {bad} {'row' if bad == 1 else 'rows'} with errors"
        )


# --------------------------------------------------------------------------- export


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


def export_row(session: Session, item: RaidItem) -> dict[str, Any]:
    """One item as {column: value}; empty values are None."""
    return {
        "key": item.key,
        "type": item.type,
        "title": item.title,
        "description": item.description or None,
        "owner": item.owner or None,
        "raised_by": item.raised_by,
        "raised_at": clock.as_utc(item.raised_at),
        "date": item.due_on,
        "probability": item.probability,
        "impact": item.impact,
        "score": item.score,
        "severity": item.severity,
        "strategy": item.strategy,
        "mitigation": item.mitigation or None,
        "status": item.status,
        "source": item.source or None,
        "links": links_text(session, item) or None,
        "updated_at": clock.as_utc(item.updated_at),
        "deleted": bool(item.deleted),
    }


def export_items(session: Session, items: list[RaidItem], fmt: str) -> bytes:
    """The items as a `csv`, `xlsx` or `json` file, one row (or object) per item."""
    rows = [export_row(session, item) for item in items]
    fmt = fmt.lower().lstrip(".")
    if fmt == "json":
        data = [{k: _json_value(v) for k, v in row.items()} for row in rows]
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([_csv_value(row[k]) for k in COLUMNS] for row in rows)
        return out.getvalue().encode()
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(_json_value(value))
    # Text starting like a formula is quoted so Excel shows it instead of running it.
    return "'" + text if isinstance(value, str) and text.startswith(_CSV_GUARD) else text


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in ("raised_at", "updated_at"):
            cell.comment = Comment("Times are in UTC.", "Live PMO")
    for number, row in enumerate(rows, start=2):
        for col, name in enumerate(COLUMNS, start=1):
            value = row[name]
            if isinstance(value, datetime):
                value = value.astimezone(UTC).replace(tzinfo=None, microsecond=0)
            elif isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=number, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, even if it starts with "="
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    for col, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = XLSX_WIDTHS[name]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- reading files

Table = list[tuple[int, dict[str, Any] | None]]  # (row number, {column: raw value}) or None


def header_field(name: Any) -> str | None:
    """The column a header names: `Due date` -> date, `Mitigation/Action` -> mitigation."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(name or "")).lower()
    return _HEADERS.get(" ".join(re.sub(r"[^a-z0-9]+", " ", text).split()))


def file_kind(content: bytes, filename: str) -> str:
    """`csv`, `xlsx` or `json`, from the content's first bytes and then the file's extension."""
    suffix = filename.lower().rpartition(".")[2] if "." in filename else ""
    if suffix in ("xls", "ods", "numbers") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            f"{filename} is an old-style, password-protected or non-Excel workbook: "
            "save it as .xlsx (without a password) or as CSV and import that."
        )
    if content.startswith(b"PK\x03\x04") or suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix == "json" or (suffix not in ("csv", "tsv", "txt") and content.lstrip()[:1] in b"[{"):
        return "json"
    return "csv"


def read_table(content: bytes, filename: str) -> Table:
    """The data rows of a CSV, xlsx or JSON file, numbered as a spreadsheet shows them."""
    if not content.strip():
        return []
    kind = file_kind(content, filename)
    if kind == "json":
        return _json_rows(content, filename)
    grid = _xlsx_grid(content, filename) if kind == "xlsx" else _csv_grid(content, filename)
    header_at = next((n for n, row in enumerate(grid) if not _blank(row)), None)
    if header_at is None:
        return []
    columns = [header_field(name) for name in grid[header_at]]
    if "title" not in columns:
        raise ImportFileError(
            f"{filename} has no title column in its header (row {header_at + 1}): the first row "
            "must name the columns, e.g. key, type, title, owner, date, probability, impact."
        )
    table: Table = []
    for index in range(header_at + 1, len(grid)):
        row = grid[index]
        if not _blank(row):
            values: dict[str, Any] = {}
            for col, name in enumerate(columns):
                if name and name not in values:  # the first of two same-named columns wins
                    values[name] = row[col] if col < len(row) else None
            table.append((index + 1, values))
    if len(table) > MAX_ROWS:
        raise ImportFileError(f"{filename} has more than {MAX_ROWS} rows: split it up.")
    return table


def _blank(row: list[Any] | tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _csv_grid(content: bytes, filename: str) -> list[list[Any]]:
    if b"\x00" in content[:8192]:
        raise ImportFileError(f"{filename} is not a CSV text file: save it as CSV or .xlsx.")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):  # Excel on Windows writes cp1252
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[_unguard(cell) for cell in row] for row in reader]
    except csv.Error as exc:
        raise ImportFileError(f"{filename} is not valid CSV: {exc}.") from None


def _unguard(cell: str) -> str:
    """Undo the quote export puts before formula-like text (`'=x` -> `=x`, `''a` -> `'a`)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1] in _CSV_GUARD else cell


def _xlsx_grid(content: bytes, filename: str) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            names = book.sheetnames
            sheet = book[SHEET_TITLE] if SHEET_TITLE in names else book.worksheets[0]
            grid: list[list[Any]] = []
            blanks = 0
            for values in sheet.iter_rows(values_only=True):
                grid.append(list(values))
                blanks = blanks + 1 if _blank(values) else 0
                if blanks > 1000:  # formatting far below the data, not rows
                    break
                if len(grid) > MAX_ROWS + 1001:
                    raise ImportFileError(f"{filename} has more than {MAX_ROWS} rows: split it up.")
            return grid
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception:  # a damaged workbook fails in many ways, none of them a bug here
        raise ImportFileError(
            f"{filename} is not a readable Excel workbook: open it in Excel and save it again "
            "as .xlsx, or export it as CSV."
        ) from None


def _json_rows(content: bytes, filename: str) -> Table:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(f"{filename} is not valid JSON: {exc}.") from None
    if isinstance(data, dict):
        data = data.get("items")
    if not isinstance(data, list):
        raise ImportFileError(f"{filename} must hold a list of items, objects with a title.")
    if len(data) > MAX_ROWS:
        raise ImportFileError(f"{filename} has more than {MAX_ROWS} items: split it up.")
    table: Table = []
    for number, obj in enumerate(data, start=2):
        if not isinstance(obj, dict):
            table.append((number, None))
            continue
        values: dict[str, Any] = {}
        for name, value in obj.items():
            column = header_field(name)
            if column and column not in values:
                values[column] = value
        table.append((number, values))
    return table


# --------------------------------------------------------------------------- checking rows


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
    checked: dict[str, Any] = {}
    for column, reader in _READERS.items():
        if column in values:
            try:
                checked[column] = reader(values[column])
            except RowError as exc:
                problems.append(str(exc))
            except UserError as exc:
                problems.append(plain_message(exc))
    if "links" in values:
        try:
            checked["links"] = _read_links(project, values["links"])
        except RowError as exc:
            problems.append(str(exc))
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


def _read_long_text(name: str) -> Any:
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


def _read_instant(name: str) -> Any:
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


def _read_level(name: Any) -> Any:
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


_READERS: dict[str, Any] = {
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
_FIELD_OF = {"date": "due_on"}


def plain_message(exc: Exception) -> str:
    """A service message without Slack formatting, for a report read anywhere."""
    text = str(exc).replace("`", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --------------------------------------------------------------------------- import


def import_rows(
    session: Session, *, project: Project, content: bytes, filename: str, actor: str
) -> ImportReport:
    """Import a CSV, xlsx or JSON file into `project`, each row all-or-nothing.

    Raises `ImportFileError` when the file cannot be read at all; problems of single rows
    are in the report and never stop the other rows.
    """
    table = read_table(content, filename)
    report = ImportReport(rows=len(table))
    rows: list[RowData] = []
    for number, values in table:
        try:
            rows.append(read_row(project, number, values))
        except RowError as exc:
            report.errors.append((number, str(exc)))
    # Keyed rows first, by number, so a fresh project gives new items the file's numbers.
    rows.sort(key=lambda r: (r.seq is None, TYPE_ORDER[r.type] if r.seq else 0, r.seq or 0, r.row))
    note = f"imported from {filename[-100:]}"
    saved: dict[int, tuple[RowData, RaidItem, str]] = {}
    claimed: dict[int, int] = {}  # item id -> the row that wrote it
    for data in rows:
        try:
            with session.begin_nested():
                item, outcome = _save_row(session, project, data, actor, note, claimed)
        except (RowError, UserError) as exc:
            report.errors.append((data.row, plain_message(exc)))
            continue
        except SQLAlchemyError:
            log.exception("raid import: row %s of %s failed in %s", data.row, filename, project.key)
            report.errors.append((data.row, "the database refused this row; it has been logged"))
            continue
        claimed[item.id] = data.row  # type: ignore[index]
        saved[data.row] = (data, item, outcome)
    for number, (data, item, outcome) in sorted(saved.items()):
        for relation, key, incoming in data.links:
            try:
                with session.begin_nested():
                    if _link(session, project, item, relation, key, incoming, actor):
                        outcome = "created" if outcome == "created" else "updated"
            except (RowError, UserError, SQLAlchemyError) as exc:
                why = "database error" if isinstance(exc, SQLAlchemyError) else plain_message(exc)
                problem = f"{item.key} was saved but not its link {relation} {key}: {why}"
                report.errors.append((number, problem))
        getattr(report, outcome).append(item.key)
    report.errors.sort(key=lambda error: error[0])
    log.info("raid import into %s by %s: %s", project.key, actor, report.summary())
    return report


def _save_row(
    session: Session,
    project: Project,
    data: RowData,
    actor: str,
    note: str,
    claimed: dict[int, int],
) -> tuple[RaidItem, str]:
    item = _existing_item(session, project, data)
    if item is not None and item.id in claimed:
        earlier = claimed[item.id]  # type: ignore[index]
        if data.key:
            raise RowError(f"{item.key} is also on row {earlier}: keep one row per item")
        raise RowError(
            f"same type and title as row {earlier} ({item.key}): give one of them "
            "a key or another title"
        )
    if item is None:
        return _create(session, project, data, actor, note), "created"
    # A row matched by title keeps the item's spelling of it ("vendor slip" = "Vendor slip").
    changes = {k: v for k, v in data.fields.items() if data.key or k != "title"}
    changed = update_item(session, item=item, changes=changes, actor=actor, note=note)
    if data.deleted is not None and data.deleted != item.deleted:
        if data.deleted:
            delete_item(session, item=item, actor=actor, note=note)
        else:
            item.deleted, item.updated_at = False, clock.now()
            session.add(item)
            record(session, item, actor=actor, field="deleted", old=True, new=False, note=note)
        changed.append("deleted")
    session.flush()
    return item, "updated" if changed else "unchanged"


def _existing_item(session: Session, project: Project, data: RowData) -> RaidItem | None:
    """The item a row is about: by key, else the one live item of that type and title."""
    if data.key:
        item = session.exec(select(RaidItem).where(RaidItem.key == data.key)).first()
        if item is not None and item.project_id != project.id:
            raise RowError(f"key {data.key} belongs to another project")
        return item
    title = _same_title(data.fields["title"])
    query = select(RaidItem).where(
        RaidItem.project_id == project.id,
        RaidItem.type == data.type.value,
        RaidItem.deleted == False,  # noqa: E712
    )
    matches = [item for item in session.exec(query) if _same_title(item.title) == title]
    if len(matches) > 1:
        keys = ", ".join(item.key for item in matches)
        raise RowError(
            f"matches several items ({keys}): put the key of the one to update in the key column"
        )
    return matches[0] if matches else None


def _same_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def _create(session: Session, project: Project, data: RowData, actor: str, note: str) -> RaidItem:
    item = create_item(session, project=project, raid_type=data.type, actor=actor, **data.fields)
    if data.seq and item.seq != data.seq:
        _take_number(session, project, item, data.seq)
    item.raised_by = data.raised_by or item.raised_by
    item.raised_at = data.raised_at or item.raised_at
    if data.deleted:
        delete_item(session, item=item, actor=actor, note=note)
    item.updated_at = data.updated_at or item.updated_at
    session.add(item)
    session.flush()
    return item


def _take_number(session: Session, project: Project, item: RaidItem, seq: int) -> None:
    """Give an item `create_item` has just made the number its key has in the file.

    `create_item` always takes the next free number; until it accepts one, the item and the
    history and audit lines it has just added (not yet flushed) are re-keyed here.
    """
    old = item.key
    item.seq, item.key = seq, item_key(project, RaidType(item.type), seq)
    for pending in session.new:
        if isinstance(pending, RaidHistory) and pending.item_id == item.id and pending.new == old:
            pending.new = item.key
        elif isinstance(pending, AuditEntry) and pending.target == old:
            pending.target = item.key
    session.add(item)
    session.flush()


def _link(
    session: Session,
    project: Project,
    item: RaidItem,
    relation: str,
    key: str,
    incoming: bool,
    actor: str,
) -> bool:
    """Link `item` to `key` (or `key` to `item` when incoming); False if already linked."""
    query = select(RaidItem).where(RaidItem.key == key, RaidItem.project_id == project.id)
    other = session.exec(query).first()
    if other is None:
        raise RowError(f"there is no item {key} in project {project.key}")
    source, target = (other, item) if incoming else (item, other)
    exists = session.exec(
        select(RaidLink.id).where(
            RaidLink.from_id == source.id,
            RaidLink.to_id == target.id,
            RaidLink.relation == relation,
        )
    ).first()
    if exists is not None:
        return False
    link_items(session, from_item=source, to_item=target, actor=actor, relation=relation)
    session.flush()
    return True
