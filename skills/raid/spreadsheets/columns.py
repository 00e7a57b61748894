"""The file layout export writes and import reads back: columns, sheet name, row order."""

from __future__ import annotations

from skills.raid.scoring import RaidType

COLUMNS = (
    "key", "type", "title", "description", "owner", "raised_by", "raised_at", "date",
    "probability", "impact", "score", "severity", "strategy", "mitigation", "status", "source",
    "links", "updated_at", "deleted",
)  # fmt: skip
SHEET_TITLE = "RAID"
# Register order: risks, assumptions, issues, dependencies.
TYPE_ORDER = {t.value: n for n, t in enumerate(RaidType)}
# Text starting like this is quoted with an apostrophe in CSV (undone on import).
CSV_GUARD = ("=", "+", "-", "@", "\t", "\r", "'")
