"""The check-in setup form read as settings, each bad field's error next to it."""

from __future__ import annotations

from typing import Any

from bot.core.messages import FieldErrors, UserError
from skills.status import config as settings


def _people(values: dict[str, Any], name: str) -> list[str] | None:
    raw = values.get(name)
    if raw is None:
        return None
    return settings.parse_people(raw if isinstance(raw, list) else str(raw).split())


def read_setup(values: dict[str, Any]) -> settings.Settings:
    """The setup form as settings, with each bad field's error next to it."""
    change, errors = settings.Settings(), {}
    readers = {
        "time": lambda v: setattr(change, "time", settings.parse_time(str(v or ""))),
        "window": lambda v: setattr(change, "window_minutes", settings.parse_window(str(v or ""))),
        "remind_before": lambda v: setattr(
            change, "reminder_before_minutes", settings.parse_window(str(v or ""))
        ),
        "questions": lambda v: setattr(change, "questions", settings.parse_questions(str(v or ""))),
        "days": lambda v: setattr(change, "days", _days(v)),
        "reminders": lambda v: setattr(change, "reminder_count", _count(v)),
        "participants": lambda v: setattr(change, "participants", _people(values, "participants")),
        "observers": lambda v: setattr(change, "observers", _people(values, "observers")),
    }
    for name, read in readers.items():
        if values.get(name) is not None:  # None: not in the form (the console), kept as is
            try:
                read(values[name])
            except UserError as exc:
                errors[name] = str(exc)
    if "enabled" in values:
        change.enabled = values["enabled"] != "off"
    if values.get("destination"):
        change.destination = str(values["destination"])
    if change.participants == []:
        change.participants, change.reset_participants = None, True
    if errors:
        raise FieldErrors(errors)
    return change


def _days(value: Any) -> list[int]:
    if isinstance(value, list):
        if not value:
            raise UserError("Pick at least one day.")
        return sorted({int(v) for v in value})
    return settings.parse_days(str(value or ""))


def _count(value: Any) -> int:
    raw = str(value or "0").strip()
    if not raw.isdigit() or not 0 <= int(raw) <= settings.MAX_REMINDERS:
        raise UserError(f"Reminders must be a number from 0 to {settings.MAX_REMINDERS}.")
    return int(raw)
