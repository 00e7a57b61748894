"""The milestone forms' submissions as operation arguments (`milestone.add`, `milestone.set`)."""

from __future__ import annotations

from typing import Any

from bot.core.messages import ViewSubmission
from bot.core.operations import by_json


def new_milestone(submission: ViewSubmission) -> dict[str, Any]:
    meta = by_json(submission.private_metadata)
    values = submission.values
    return {
        "project": meta.get("project"),
        "name": values.get("name") or "",
        "date": values.get("date"),
        "owner": values.get("owner"),
    }


def edited_milestone(submission: ViewSubmission) -> dict[str, Any]:
    meta = by_json(submission.private_metadata)
    values = submission.values
    return {
        "key": meta.get("key") or "",
        "project": meta.get("project"),
        "name": values.get("name") or None,
        "date": values.get("date"),
        "owner": values.get("owner"),
        "status": values.get("status"),
        "reason": values.get("reason"),
    }
