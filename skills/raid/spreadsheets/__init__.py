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

Registers as teams keep them import too: status words of their own ("In progress" for a risk
is open, "Done" is each type's finished state), a `Priority` as the impact when there is no
impact column, a yes/no `Done?` that closes an item. A status the type has no state for is a
warning of its row, not an error (the row is saved, a new item open), and the report lists,
once per sheet, the columns it did not read.

Reasons and warnings in :class:`ImportReport` are plain text: escape them before putting them
into Slack.

The package, by responsibility: :mod:`.columns` (the file layout both directions share),
:mod:`.export` (items to a file), :mod:`.reading` (a file to raw rows, header aliases),
:mod:`.rows` (checking one row) and :mod:`.importing` (saving rows, matching, links).
"""

from __future__ import annotations

from skills.raid.spreadsheets.columns import COLUMNS, SHEET_TITLE, TYPE_ORDER
from skills.raid.spreadsheets.export import (
    FORMATS,
    XLSX_WIDTHS,
    export_items,
    export_row,
    links_text,
    project_items,
)
from skills.raid.spreadsheets.importing import ImportReport, import_rows
from skills.raid.spreadsheets.reading import (
    HEADER_ALIASES,
    MAX_ROWS,
    FileTable,
    ImportFileError,
    Table,
    file_kind,
    header_field,
    read_file_table,
    read_table,
)
from skills.raid.spreadsheets.rows import RowData, RowError, read_row

__all__ = [
    "COLUMNS",
    "FORMATS",
    "HEADER_ALIASES",
    "MAX_ROWS",
    "SHEET_TITLE",
    "TYPE_ORDER",
    "XLSX_WIDTHS",
    "FileTable",
    "ImportFileError",
    "ImportReport",
    "RowData",
    "RowError",
    "Table",
    "export_items",
    "export_row",
    "file_kind",
    "header_field",
    "import_rows",
    "links_text",
    "project_items",
    "read_file_table",
    "read_row",
    "read_table",
]
