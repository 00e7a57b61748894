"""Reading files: CSV, xlsx or JSON to numbered rows of {column: raw value}.

Headers are matched loosely (`Due date` -> date, `Mitigation/Action` -> mitigation); values
are left as the file has them, for :mod:`skills.raid.spreadsheets.rows` to check.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from openpyxl import load_workbook

from skills.raid.spreadsheets.columns import COLUMNS, CSV_GUARD, SHEET_TITLE

MAX_ROWS = 10_000
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

Table = list[tuple[int, dict[str, Any] | None]]  # (row number, {column: raw value}) or None
Grid = list[list[Any]]


class ImportFileError(Exception):
    """The file cannot be read at all; the message is one line saying what to do."""


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
    if file_kind(content, filename) == "json":
        return _json_rows(content, filename)
    return _grid_rows(read_grid(content, filename), filename)


def read_grid(content: bytes, filename: str) -> Grid:
    """Every row of a CSV or xlsx file as a list of cells (also for other skills' imports)."""
    if file_kind(content, filename) == "xlsx":
        return _xlsx_grid(content, filename)
    return _csv_grid(content, filename)


def _grid_rows(grid: Grid, filename: str) -> Table:
    """The rows under the first non-blank row (the header), blank rows left out."""
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


# --------------------------------------------------------------------------- csv


def _csv_grid(content: bytes, filename: str) -> Grid:
    if b"\x00" in content[:8192]:
        raise ImportFileError(f"{filename} is not a CSV text file: save it as CSV or .xlsx.")
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[_unguard(cell) for cell in row] for row in reader]
    except csv.Error as exc:
        raise ImportFileError(f"{filename} is not valid CSV: {exc}.") from None


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows writes cp1252
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")  # every byte is a latin-1 character


def _unguard(cell: str) -> str:
    """Undo the quote export puts before formula-like text (`'=x` -> `=x`, `''a` -> `'a`)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1] in CSV_GUARD else cell


# --------------------------------------------------------------------------- xlsx


def _xlsx_grid(content: bytes, filename: str) -> Grid:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            names = book.sheetnames
            sheet = book[SHEET_TITLE] if SHEET_TITLE in names else book.worksheets[0]
            return _sheet_grid(sheet.iter_rows(values_only=True), filename)
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception:  # a damaged workbook fails in many ways, none of them a bug here
        raise ImportFileError(
            f"{filename} is not a readable Excel workbook: open it in Excel and save it again "
            "as .xlsx, or export it as CSV."
        ) from None


def _sheet_grid(rows: Any, filename: str) -> Grid:
    """The sheet's rows, stopping after 1000 blank ones (formatting far below the data)."""
    grid: Grid = []
    blanks = 0
    for values in rows:
        grid.append(list(values))
        blanks = blanks + 1 if _blank(values) else 0
        if blanks > 1000:
            break
        if len(grid) > MAX_ROWS + 1001:
            raise ImportFileError(f"{filename} has more than {MAX_ROWS} rows: split it up.")
    return grid


# --------------------------------------------------------------------------- json


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
    return [(number, _json_values(obj)) for number, obj in enumerate(data, start=2)]


def _json_values(obj: Any) -> dict[str, Any] | None:
    """One object's {column: value}, the first of two keys naming one column winning."""
    if not isinstance(obj, dict):
        return None
    values: dict[str, Any] = {}
    for name, value in obj.items():
        column = header_field(name)
        if column and column not in values:
            values[column] = value
    return values
