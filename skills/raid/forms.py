"""The RAID form's submission read as `raid.add` or `raid.update` arguments."""

from __future__ import annotations

import json
from typing import Any

from bot.core.messages import FieldErrors, UserError, ViewSubmission
from skills.raid.service import EDITABLE

FORM_FIELDS = tuple(f for f in EDITABLE if f not in ("status", "source"))


def form_metadata(submission: ViewSubmission) -> dict[str, Any]:
    """What the form was opened for (project, item, source, channel); forged values are
    checked by the operation's scope and the reply guard like any other input."""
    try:
        meta = json.loads(submission.private_metadata or "{}")
        if not isinstance(meta, dict) or not meta.get("project"):
            raise ValueError
    except ValueError:
        raise UserError("That form has expired; open it again.") from None
    return meta


def new_item(submission: ViewSubmission) -> dict[str, Any]:
    """The add form as `raid.add` arguments."""
    meta = form_metadata(submission)
    values = {k: submission.values.get(k) for k in FORM_FIELDS if submission.values.get(k)}
    if not str(values.get("title") or "").strip():
        raise FieldErrors({"title": "Give the item a title: what is the risk, issue or need?"})
    return {
        **values,
        "type": submission.values.get("type") or "risk",
        "project": meta["project"],
        "source": meta.get("source"),
        "channel": meta.get("channel"),
    }


def edited_item(submission: ViewSubmission) -> dict[str, Any]:
    """The edit form as `raid.update` arguments: every field, emptied ones included."""
    meta = form_metadata(submission)
    if not meta.get("item"):
        raise UserError("That form has expired; open it again.")
    values: dict[str, Any] = {k: submission.values.get(k) or "" for k in FORM_FIELDS}
    for name in ("owner", "due_on", "probability", "impact", "strategy"):
        values[name] = values[name] or None
    if submission.values.get("status"):
        values["status"] = submission.values["status"]
    return {
        **values,
        "key": meta["item"],
        "project": meta["project"],
        "version": meta.get("version"),
    }
