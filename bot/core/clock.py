"""The one clock: every read of "now" in Live PMO goes through `now()`.

`LIVEPMO_NOW` (ISO 8601 with an offset) pins it for demos, tests and
evaluations; `pin()` does the same from code. Times are timezone-aware and UTC.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_pinned: datetime | None = None


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 timestamp that carries a UTC offset, returned in UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return value.astimezone(UTC)


def now() -> datetime:
    """The current instant in UTC, honouring `pin()` and then `LIVEPMO_NOW`."""
    if _pinned is not None:
        return _pinned
    pinned_env = os.environ.get("LIVEPMO_NOW")
    if pinned_env:
        return parse_instant(pinned_env)
    return datetime.now(UTC)


def pin(moment: datetime | str | None) -> None:
    """Pin the clock to `moment` (None releases it)."""
    global _pinned
    if isinstance(moment, str):
        moment = parse_instant(moment)
    if moment is not None and moment.tzinfo is None:
        raise ValueError("pin() needs a timezone-aware datetime")
    _pinned = moment.astimezone(UTC) if moment is not None else None


def local_now(timezone: str) -> datetime:
    """Now in the given IANA timezone."""
    return now().astimezone(ZoneInfo(timezone))


def today(timezone: str) -> date:
    """Today's date in the given IANA timezone."""
    return local_now(timezone).date()


def as_utc(moment: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC; convert aware ones."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
