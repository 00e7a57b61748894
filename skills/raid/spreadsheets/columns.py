"""The file layout export writes and import reads back: columns, sheet name, row order."""

from __future__ import annotations

from skills.raid.scoring import RaidType

COLUMNS = (
    "key", "type", "title", "description", "owner", "owner_name", "raised_by", "raised_by_name",
    "raised_at", "date", "probability", "impact", "score", "severity", "strategy", "mitigation",
    "status", "decided_by", "rationale", "external_ref", "source", "links", "updated_at",
    "deleted",
)  # fmt: skip
# Shown for people, recomputed ("score", "severity") or ignored ("raised_by_name") on import;
# an import never lists them, spelt so, among the columns it did not use.
DERIVED_COLUMNS = ("score", "severity", "raised_by_name")
SHEET_TITLE = "RAID"
# Register order: risks, assumptions, issues, dependencies, actions, decisions.
TYPE_ORDER = {t.value: n for n, t in enumerate(RaidType)}
# Text starting like this could run as a formula: quoted with an apostrophe in CSV (undone on
# import), marked as quoted text in xlsx.
CSV_GUARD = ("=", "+", "-", "@", "\t", "\r", "'")
