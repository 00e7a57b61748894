"""Status updates as CSV or JSON: one row per update, with its check-in and logged issues."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.models import Project
from skills.status.blockers import logged_issues
from skills.status.models import Checkin, StatusUpdate

FORMATS = ("csv", "json")
COLUMNS = [
    "id",
    "checkin_day",
    "user",
    "created_at",
    "updated_at",
    "skipped",
    "late",
    "rag",
    "percent",
    "done",
    "next",
    "blockers",
    "raid_issues",
    "source",
    "edits",
    "text",
]


def export_rows(session: Session, project: Project) -> list[dict[str, Any]]:
    """Every update of the project, oldest first (lists stay lists)."""
    query = (
        select(StatusUpdate, Checkin)
        .join(Checkin, col(Checkin.id) == StatusUpdate.checkin_id, isouter=True)
        .where(StatusUpdate.project_id == project.id)
        .order_by(col(StatusUpdate.created_at), col(StatusUpdate.id))
    )
    found = list(session.exec(query))
    issues = logged_issues(session, [u.id or 0 for u, _ in found])
    rows = []
    for update, checkin in found:
        keys = [item.key for (uid, _), item in sorted(issues.items()) if uid == update.id]
        rows.append(
            {
                "id": update.id,
                "checkin_day": checkin.day.isoformat() if checkin else None,
                "user": update.user_id,
                "created_at": clock.as_utc(update.created_at).isoformat(),
                "updated_at": clock.as_utc(update.updated_at).isoformat(),
                "skipped": update.skipped,
                "late": update.late,
                "rag": update.rag,
                "percent": update.percent,
                "done": list(update.done),
                "next": list(update.next),
                "blockers": list(update.blockers),
                "raid_issues": keys,
                "source": update.source,
                "edits": update.edits,
                "text": update.text,
            }
        )
    return rows


def export_bytes(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """CSV (lists joined with ` | `) or JSON (an array of objects)."""
    if fmt == "json":
        return (json.dumps(rows, indent=2, ensure_ascii=False) + "\n").encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = {k: " | ".join(v) if isinstance(v, list) else v for k, v in row.items()}
        writer.writerow({k: "" if v is None else v for k, v in flat.items()})
    return out.getvalue().encode()
