"""Where the table is in a sheet: the header row among the first rows, the data under it.

Real register templates open with merged title rows, a "last updated" line and blank rows,
and end with totals, a legend or notes. The header is the first row (of the first
``HEADER_SCAN_ROWS``) naming the most known columns, one of them the item's text; data rows
follow it; a row reading "Legend", "Key", "Notes" ... on its own ends the table, and rows
holding nothing under the header's columns, or only a total or footnote ("Total risks: 4",
"Last updated 3 Nov", "Prepared by the PMO"), are left out. Other rows are items, and a
mistake in one is reported.
"""

from __future__ import annotations

import re
from typing import Any

from skills.raid.scoring import RaidType

HEADER_SCAN_ROWS = 30
TEXT_COLUMNS = ("title", "description")  # a header must name one of them
# Columns that say something about an item but do not make a row one ("Done?" and "Priority"
# filled in down an empty template).
SIDE_COLUMNS = ("done", "priority")
_END_MARKER = re.compile(
    r"^\s*(?:legend|key|notes?|guidance|instructions?|definitions?|scoring|rating(?:s| scale)?"
    r"|risk matrix|matrix|scale|how to use|glossary|version history|change log)\b.{0,60}$",
    re.IGNORECASE,
)
_FOOTER = re.compile(  # "Total risks: 4", "Last updated 3 Nov", "Prepared by the PMO", "© Acme"
    r"^\s*(?:(?:total|count|sum|number)\b[^:=]{0,40}[:=]?\s*\d+\s*$|(?:last\s+)?(?:updated|reviewed)"
    r"\b|version\b|v\d|prepared by\b|printed\b|page \d|source\s*:|confidential\b|template\b"
    r"|end of (?:log|register|table)\b)|©|\bcopyright\b",
    re.IGNORECASE,
)
_SHEET_TYPES = (  # words in a sheet's name -> the type of its rows
    (r"\brisks?\b", RaidType.RISK),
    (r"\bissues?\b|\bproblems?\b", RaidType.ISSUE),
    (r"\bassumptions?\b", RaidType.ASSUMPTION),
    (r"\bdependenc(?:y|ies)\b|\bdeps?\b", RaidType.DEPENDENCY),
    (r"\bactions?\b|\bto-?dos?\b|\btasks?\b", RaidType.ACTION),
    (r"\bdecisions?\b", RaidType.DECISION),
)

Grid = list[list[Any]]


def sheet_type(name: str) -> RaidType | None:
    """The type a sheet's name gives its rows ("Risk Register", "Action log"), or None."""
    found = {t for pattern, t in _SHEET_TYPES if re.search(pattern, name, re.IGNORECASE)}
    return found.pop() if len(found) == 1 else None


def blank(row: list[Any] | tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def find_header(
    grid: Grid, header_field: Any, named_type: RaidType | None = None
) -> tuple[int, list[str | None]] | None:
    """(row index, column names) of the header: the first row of the first rows naming the
    most known columns, at least two, one of them the item's text (on an action log, the
    "Action" column is the title)."""
    best: tuple[int, int, list[str | None]] | None = None
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if blank(row):
            continue
        columns = [header_field(cell) if isinstance(cell, str) else None for cell in row]
        if named_type is RaidType.ACTION and "title" not in columns:
            _action_is_title(row, columns)
        has_text = any(c in TEXT_COLUMNS for c in columns)
        known = len({c for c in columns if c})
        if known >= 2 and has_text and (best is None or known > best[1]):
            best = (index, known, columns)
    return (best[0], best[2]) if best else None


def _action_is_title(row: list[Any], columns: list[str | None]) -> None:
    """On an action log, the "Action" column is the title (beside "Comments", too); without
    one, the first column read as a mitigation is."""
    mitigations = [n for n, c in enumerate(columns) if c == "mitigation"]
    named = [n for n in mitigations if str(row[n]).strip().lower().startswith("action")]
    if named or (mitigations and not any(c in TEXT_COLUMNS for c in columns)):
        columns[(named or mitigations)[0]] = "title"


def header_type(row: list[Any]) -> RaidType | None:
    """The one type a header's names start with ("Risk ID", "Risk owner"), or None."""
    words = [str(cell).strip().lower() for cell in row if isinstance(cell, str)]
    found = {sheet_type(w.split()[0]) for w in words if w.split()} - {None}
    return found.pop() if len(found) == 1 else None


def data_rows(grid: Grid, header_at: int, columns: list[str | None]) -> list[tuple[int, dict]]:
    """(sheet row number, {column: raw value}) for each data row under the header."""
    rows = []
    for index in range(header_at + 1, len(grid)):
        row = grid[index]
        if blank(row):
            continue
        filled = [v for v in row if not blank([v])]
        if len(filled) == 1 and isinstance(filled[0], str) and _END_MARKER.match(filled[0]):
            break  # "Legend", "Key", "Notes": the table is over
        values: dict[str, Any] = {}
        for col, name in enumerate(columns):
            if name and name not in values:  # the first of two same-named columns wins
                values[name] = row[col] if col < len(row) else None
        text = [values.get(name) for name in TEXT_COLUMNS]
        mapped = [v for k, v in values.items() if k not in SIDE_COLUMNS and not blank([v])]
        if (blank(text) and not mapped) or (len(filled) == 1 and _FOOTER.search(str(filled[0]))):
            continue  # notes beside the table, a total, a footnote: not an item
        rows.append((index + 1, values))
    return rows
