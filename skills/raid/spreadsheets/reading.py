"""Reading files: CSV, xlsx or JSON to numbered rows of {column: raw value}.

Headers are matched loosely (`Due date` -> date, `Mitigation/Action` -> mitigation); values
are left as the file has them, for :mod:`skills.raid.spreadsheets.rows` to check. Besides the
file's own columns, a `Priority` stands in for the impact when there is no impact column, and
a yes/no `Done?` (`Complete`, `Closed?`) closes an item. The headers nothing reads (unknown,
a second column for the same field, a score that is recomputed) are listed once per sheet. A file is
read in a child process with a memory and time budget, an xlsx only after its zip directory
passed `knowledge.untrusted.check_zip`, so a hostile file is refused, never swallowed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import typable
from knowledge.untrusted import FileRefused, check_zip, preload, run_bounded
from skills.raid.spreadsheets.columns import COLUMNS, CSV_GUARD, DERIVED_COLUMNS, SHEET_TITLE
from skills.raid.spreadsheets.layout import (
    HEADER_SCAN_ROWS,
    blank,
    data_rows,
    find_header,
    header_type,
    sheet_type,
)

MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024
MAX_SHEETS = 20
preload(__name__, "openpyxl")
# Header names people use, after lower-casing and turning punctuation into spaces; a leading
# type word is also tried without ("Risk description" -> description, "Action owner" -> owner).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "key": ("id", "ref", "reference", "raid id", "item id", "item key", "no", "number", "ref no",
            "reference number", "item no", "log no", "id no"),
    "type": ("raid type", "category", "kind", "item type", "type of item", "raid category"),
    "title": ("summary", "name", "headline", "subject", "short description", "risk", "issue",
              "assumption", "dependency", "decision", "decision made"),
    "description": ("details", "detail", "notes", "full description", "comments", "comment",
                    "latest update", "update", "progress", "description of risk"),
    "owner": ("owner id", "assignee", "assigned to", "action owner", "responsible", "owned by",
              "lead", "who", "action by", "person responsible", "accountable", "actionee"),
    "owner_name": ("owner name",),
    "raised_by": ("raiser", "reporter", "reported by", "created by", "logged by", "identified by",
                  "originator", "author", "requested by"),
    "raised_at": ("raised", "raised on", "date raised", "created", "created at", "logged on",
                  "date identified", "date logged", "identified on", "date opened", "opened",
                  "date reported", "reported on"),
    "date": ("due", "due date", "due on", "review date", "review by", "review on", "deadline",
             "target date", "need by", "target", "target completion date", "completion date",
             "target resolution date", "by when", "when", "next review", "next review date",
             "review", "date due", "decision date", "date of decision", "date decided",
             "date agreed", "required by", "needed by"),
    "probability": ("likelihood", "prob", "p", "likelihood rating", "likelihood score",
                    "probability rating", "chance", "l"),
    "impact": ("i", "consequence", "consequences", "severity", "impact rating", "impact score",
               "seriousness", "c"),
    "strategy": ("response strategy", "response type", "treatment strategy", "approach"),
    "mitigation": ("response", "mitigation action", "mitigation actions", "mitigation plan",
                   "action", "actions", "action plan", "response plan", "mitigating actions",
                   "mitigating action", "treatment", "controls", "countermeasures",
                   "contingency", "resolution", "next steps", "action required",
                   "actions required", "proposed action", "mitigation response"),
    "decided_by": ("decision maker", "approved by", "agreed by", "approver", "decision owner"),
    "rationale": ("reason", "justification", "reasoning", "why", "basis"),
    "external_ref": ("external ref", "external reference", "ticket", "jira", "jira ref",
                     "ticket id", "ticket key"),
    "links": ("link", "linked", "related", "related items"),
    "updated_at": ("updated", "last updated", "modified", "last modified"),
    "deleted": ("is deleted",),
    "score": ("risk score", "rating", "p x i", "pxi", "rag", "risk rating", "overall rating",
              "total score"),
    # Not columns of the layout: read beside it (see STAND_INS and rows.read_row).
    "priority": ("prio", "priority level", "priority rating", "pri"),
    "done": ("is done", "complete", "completed", "is complete", "closed", "is closed",
             "finished", "percent complete", "pct complete", "done y n", "complete y n",
             "completed y n", "closed y n"),
}  # fmt: skip
# A column read only when the file has none for the field it stands in for: `Priority` is the
# impact of a register without an impact column, and not used beside one.
STAND_INS = {"priority": "impact"}
UNREAD_COLUMNS = frozenset({"score", "raised_by_name"})  # recomputed, or shown only
_HEADERS = {name.replace("_", " "): name for name in (*COLUMNS, *STAND_INS, "done")} | {
    alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}
_TYPE_WORD = re.compile(r"^(?:risk|issue|assumption|dependency|action|decision|raid|item)s?\s+")

Table = list[tuple[int | str, dict[str, Any] | None]]  # (row, {column: raw value}) or None
Grid = list[list[Any]]


class ImportFileError(Exception):
    """The file cannot be read at all; the message is one line saying what to do."""


@dataclass
class FileTable:
    """A file's rows, and the headers of each sheet that no column of an item is read from:
    ``[("Issues", ["Owner email", "RAG"])]`` (the sheet is "" in a CSV or JSON file)."""

    rows: Table
    unused_columns: list[tuple[str, list[str]]] = field(default_factory=list)


def header_field(name: Any) -> str | None:
    """The column a header names: `Due date` -> date, `Mitigation/Action` -> mitigation,
    `Risk description` -> description, `#` -> key."""
    raw = str(name or "").strip()
    if raw in ("#", "No.", "№"):
        return "key"
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", raw).lower()
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    return _HEADERS.get(words) or _HEADERS.get(_TYPE_WORD.sub("", words))


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
    """The data rows of a CSV, xlsx or JSON file, numbered as a spreadsheet shows them
    (``"Risks!5"`` when a workbook has several sheets with items).

    Raises `ImportFileError` when the file cannot be read at all, or would take more than
    its budget to read.
    """
    return read_file_table(content, filename).rows


def read_file_table(content: bytes, filename: str) -> FileTable:
    """`read_table`'s rows, with the columns of each sheet that are not read."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"{filename} is {len(content) / 1024 / 1024:.1f} MB, over the "
            f"{MAX_BYTES // 1024 // 1024} MB limit: split it up."
        )
    if not content.strip():
        return FileTable([])
    try:
        if file_kind(content, filename) == "xlsx":
            check_zip(content)
        return run_bounded(_read_table, content, filename)
    except FileRefused as exc:
        raise ImportFileError(f"{filename} {exc.detail}") from None


def _read_table(content: bytes, filename: str) -> FileTable:
    kind = file_kind(content, filename)
    if kind == "json":
        return _json_rows(content, filename)
    if kind == "xlsx":
        return _sheet_rows(_xlsx_sheets(content, filename), filename)
    return _sheet_rows([("", _csv_grid(content, filename))], filename)


def settle_stand_ins(columns: list[str | None]) -> list[str | None]:
    """The columns with each stand-in dropped (None) where the file has its field."""
    present = set(columns)
    return [None if c in STAND_INS and STAND_INS[c] in present else c for c in columns]


def unused_headers(headers: list[Any], columns: list[str | None]) -> list[str]:
    """The headers no field is read from: unknown ones, a second column for one field, a
    recomputed score, a priority beside an impact (not the derived columns export writes)."""
    unused: list[str] = []
    seen: set[str] = set()
    for header, column in zip(headers, columns, strict=False):
        text = str(header).strip() if header is not None else ""
        if not text or text in DERIVED_COLUMNS:
            continue
        not_read = column is None or column in seen or column in UNREAD_COLUMNS
        if not_read and text not in unused:
            unused.append(text)
        seen.add(column or "")
    return unused


def read_grid(content: bytes, filename: str) -> Grid:
    """Every row of a CSV file or of an xlsx file's first sheet with rows, as lists of cells
    (other skills' imports), read within the same budget as `read_table`."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"{filename} is {len(content) / 1024 / 1024:.1f} MB, over the "
            f"{MAX_BYTES // 1024 // 1024} MB limit: split it up."
        )
    try:
        if file_kind(content, filename) == "xlsx":
            check_zip(content)
        return run_bounded(_read_grid, content, filename)
    except FileRefused as exc:
        raise ImportFileError(f"{filename} {exc.detail}") from None


def _read_grid(content: bytes, filename: str) -> Grid:
    if file_kind(content, filename) == "xlsx":
        return next((grid for _, grid in _xlsx_sheets(content, filename) if grid), [])
    return _csv_grid(content, filename)


def _sheet_rows(sheets: list[tuple[str, Grid]], filename: str) -> FileTable:
    """Each sheet's table under its header; sheets without one (a cover, a matrix) skipped.

    Rows of a sheet named for a type ("Risks", "Action log"), or under a header that names
    one ("Risk ID", "Risk description"), carry it as ``sheet_type``.
    """
    tables = []
    unused: list[tuple[str, list[str]]] = []
    for name, grid in sheets:
        named_type = sheet_type(name)
        header = find_header(grid, header_field, named_type)
        if header is None:
            continue
        index, columns = header
        columns = settle_stand_ins(columns)
        if not_read := unused_headers(grid[index], columns):
            unused.append((name, not_read))
        default = named_type or header_type(grid[index])
        rows = data_rows(grid, index, columns)
        for _, values in rows:
            if default is not None:
                values["sheet_type"] = default.value
        tables.append((name, rows))
    if not tables:
        if all(blank(row) for _, grid in sheets for row in grid):
            return FileTable([])
        raise ImportFileError(
            f"{filename} has no title column in its header: name the columns in one of the "
            f"first {HEADER_SCAN_ROWS} rows, e.g. ID, Type, Title (or Description), Owner, "
            "Due date, Likelihood, Impact."
        )
    several = len(tables) > 1
    table: Table = [
        (f"{name}!{number}" if several else number, values)
        for name, rows in tables
        for number, values in rows
    ]
    if len(table) > MAX_ROWS:
        raise ImportFileError(f"{filename} has more than {MAX_ROWS} rows: split it up.")
    return FileTable(table, unused)


# --------------------------------------------------------------------------- csv


def _csv_grid(content: bytes, filename: str) -> Grid:
    if b"\x00" in content[:8192]:
        raise ImportFileError(f"{filename} is not a CSV text file: save it as CSV or .xlsx.")
    text = _decode(content)
    lines = text.split("\n", 20)[:20]  # title rows above the header have few delimiters
    delimiter = max(",;\t", key=lambda c: max(line.count(c) for line in lines))
    delimiter = delimiter if any(delimiter in line for line in lines) else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[typable(_unguard(cell)) for cell in row] for row in reader]
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


def _xlsx_sheets(content: bytes, filename: str) -> list[tuple[str, Grid]]:
    """(name, rows) of every sheet; only the RAID sheet of a file this app exported."""
    from openpyxl import load_workbook  # here, not at start-up: only xlsx files need it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            names = book.sheetnames
            sheets = [book[SHEET_TITLE]] if SHEET_TITLE in names else book.worksheets
            return [
                (sheet.title, _sheet_grid(sheet.iter_rows(values_only=True), filename))
                for sheet in sheets[:MAX_SHEETS]
            ]
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
        grid.append(typable(list(values)))
        blanks = blanks + 1 if blank(values) else 0
        if blanks > 1000:
            break
        if len(grid) > MAX_ROWS + 1001:
            raise ImportFileError(f"{filename} has more than {MAX_ROWS} rows: split it up.")
    return grid


# --------------------------------------------------------------------------- json


def _json_rows(content: bytes, filename: str) -> FileTable:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(f"{filename} is not valid JSON: {exc}.") from None
    data = typable(data)
    if isinstance(data, dict):
        data = data.get("items")
    if not isinstance(data, list):
        raise ImportFileError(f"{filename} must hold a list of items, objects with a title.")
    if len(data) > MAX_ROWS:
        raise ImportFileError(f"{filename} has more than {MAX_ROWS} items: split it up.")
    rows: Table = []
    unused: list[str] = []
    for number, obj in enumerate(data, start=2):
        rows.append((number, _json_values(obj, unused)))
    return FileTable(rows, [("", unused)] if unused else [])


def _json_values(obj: Any, unused: list[str]) -> dict[str, Any] | None:
    """One object's {column: value}, the first of two keys naming one column winning; keys
    not read are added to `unused`."""
    if not isinstance(obj, dict):
        return None
    keys = list(obj)
    columns = settle_stand_ins([header_field(name) for name in keys])
    unused.extend(name for name in unused_headers(keys, columns) if name not in unused)
    values: dict[str, Any] = {}
    for name, column in zip(keys, columns, strict=True):
        if column and column not in values:
            values[column] = obj[name]
    return values
