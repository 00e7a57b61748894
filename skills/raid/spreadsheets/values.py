"""Reading one cell: the values people put in register templates, to the fields items take.

Each reader raises `RowError` (plain text) saying what is wrong and what would do instead.
Dates in text go through the chat's date reader; levels may be 1-5, "High", "H", "3 - Medium"
or a percentage (probability only), a priority a rank, 1 or "P1" the highest; statuses are
read loosely per type ("Complete", "Closed", "In progress", "Agreed": a word for a state the
type has not, like "In progress" for a risk, means its open state); a completion cell is yes
or no ("Done?": "Yes", "x", "✓", a date, "100%").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.text import USER_ID
from skills.raid.parsing import parse_date_phrase, parse_level
from skills.raid.scoring import LIFECYCLES, RaidStatus, RaidType, ResponseStrategy, is_closed
from skills.raid.service import CLOSING_STATUS, normalise

_TRUE, _FALSE = {"true", "yes", "y", "1", "x", "deleted"}, {"false", "no", "n", "0", ""}
_STRATEGY_WORDS = {"mitigate": "reduce", "mitigation": "reduce", "reduction": "reduce"}
_EXCEL_EPOCH = date(1899, 12, 30)
_S = RaidStatus
_CLOSED_WORDS = frozenset(
    ("closed", "close", "complete", "completed", "done", "finished", "resolved", "fixed")
    + ("cleared", "implemented", "actioned", "met", "achieved", "delivered", "closed out")
)
_OPEN_WORDS = frozenset(
    ("open", "new", "active", "live", "raised", "ongoing", "current", "pending", "outstanding")
    + ("not started", "to do", "todo", "planned", "overdue", "identified", "red", "amber")
    + ("reopened", "re opened", "on hold", "blocked", "escalated", "in review", "under review")
)
_STATUS_WORDS: dict[str, RaidStatus] = {
    "in progress": _S.IN_PROGRESS, "wip": _S.IN_PROGRESS, "started": _S.IN_PROGRESS,
    "work in progress": _S.IN_PROGRESS, "underway": _S.IN_PROGRESS, "under way": _S.IN_PROGRESS,
    "monitor": _S.MONITORING, "monitoring": _S.MONITORING, "watch": _S.MONITORING,
    "agreed": _S.DECIDED, "approved": _S.DECIDED, "decided": _S.DECIDED, "made": _S.DECIDED,
    "proposed": _S.PROPOSED, "draft": _S.PROPOSED, "for decision": _S.PROPOSED,
    "superseded": _S.SUPERSEDED, "replaced": _S.SUPERSEDED, "revoked": _S.SUPERSEDED,
    "at risk": _S.AT_RISK, "valid": _S.VALIDATED, "confirmed": _S.VALIDATED,
    "invalid": _S.INVALIDATED, "disproved": _S.INVALIDATED, "converted": _S.CONVERTED,
}  # fmt: skip
# States that end an item's active life in some lifecycle; any other state a type has not
# ("In progress" for a risk, "Monitoring" for an action) means the type's open state.
_FINISHED = frozenset(s for lifecycle in LIFECYCLES.values() for s in lifecycle.terminal)
_STATUS_NAMES = frozenset(s.value for s in RaidStatus)
_YES = frozenset(
    ("yes", "y", "true", "x", "done", "complete", "completed", "closed", "finished", "resolved")
    + ("✓", "✔", "☑", "✅", "1", "100", "100%")
)
_NO = frozenset(
    ("no", "n", "false", "", "-", "open", "not done", "not complete", "incomplete", "pending")
    + ("✗", "✘", "☐", "❌", "0", "0%", "n/a", "na", "tbc", "tbd")
)
_PRIORITY_RANK = re.compile(r"(?:p|priority|prio)?\s*-?\s*([1-5])(?:\.0)?", re.IGNORECASE)
_PRIORITY_WORDS = {"urgent": 5, "highest": 5, "top": 5, "blocker": 5, "normal": 3, "lowest": 1}


class RowError(Exception):
    """One row cannot be imported; the message is the reason, in plain text."""


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_owner(value: Any) -> tuple[str | None, str | None]:
    """(user id, None) for a Slack user id or mention, (None, name) for anyone else."""
    text = text_of(value)
    user = text.removeprefix("<@").removesuffix(">").split("|")[0].lstrip("@")
    if not text:
        return None, None
    if USER_ID.match(user):
        return user, None
    name = normalise("owner_name", text)
    return None, name


def read_date(value: Any, tz: str = "UTC") -> date | None:
    """A date cell, an Excel serial number, ISO text, or any date the chat understands."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 < value < 80_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = text_of(value)
    if not text or text.lower() in ("tbc", "tbd", "n/a", "na", "-", "none", "ongoing"):
        return None
    for read in (date.fromisoformat, lambda t: datetime.fromisoformat(t).date()):
        try:
            return read(text)
        except ValueError:
            pass
    found = parse_date_phrase(text, now=clock.now(), tz=ZoneInfo(tz))
    if found is None:
        raise RowError(f"bad date '{text}': use a date like 2026-12-15, 15/12/2026 or 15 Dec 2026")
    return found


def read_instant(name: str) -> Callable[[Any], datetime | None]:
    def read(value: Any) -> datetime | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if not isinstance(value, datetime):
            text = text_of(value)
            if not text:
                return None
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                found = _date_or_none(text)
                if found is None:
                    raise RowError(
                        f"bad {name} '{text}': use a date and time like 2026-11-23T09:00:00+00:00"
                    ) from None
                value = datetime(found.year, found.month, found.day)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    return read


def _date_or_none(text: str) -> date | None:
    try:
        return read_date(text)
    except RowError:
        return None


def read_level(name: str) -> Callable[[Any], int | None]:
    """1-5, "4/5", "High", "H", "3 - Medium", "Medium (3)", "70%" (probability only)."""

    def read(value: Any) -> int | None:
        text = text_of(value)
        if not text or text.lower() in ("tbc", "tbd", "n/a", "na", "-", "none"):
            return None
        if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text) or isinstance(value, bool):
            number = float(text) if not isinstance(value, bool) else -1.0
            if isinstance(value, float) and 0 < value < 1 and name == "probability":
                return parse_level(f"{value * 100:.0f}%", kind="probability")  # a % cell
            if number.is_integer() and 1 <= number <= 5:
                return int(number)
            raise RowError(f"{name} must be a whole number from 1 to 5, not {text}")
        numbered = re.fullmatch(r"\(?([1-5])\)?\s*[-–—:=.)]?\s*[A-Za-z ]{2,20}|[A-Za-z ]{2,20}"
                                r"\s*[(\[]([1-5])[)\]]", text)  # fmt: skip
        if numbered:
            return int(numbered.group(1) or numbered.group(2))
        level = parse_level(text, kind=name)  # type: ignore[arg-type]
        if level is None:
            raise RowError(
                f"{name} must be 1-5 (or very low, low, medium, high, very high), not '{text}'"
            )
        return level

    return read


def read_priority(value: Any) -> int | None:
    """A priority as an impact: a rank, "P1" or 1 (the highest) -> 5 ... "P5" or 5 -> 1;
    "Urgent", "High", "Medium" and "Low" as in an impact column."""
    text = text_of(value)
    if rank := _PRIORITY_RANK.fullmatch(text):
        return 6 - int(rank.group(1))
    if word := _PRIORITY_WORDS.get(text.lower()):
        return word
    try:
        return read_level("impact")(value)
    except RowError:
        raise RowError(
            "priority must be high, medium or low, or a rank from 1 (P1, the highest) to 5, "
            f"not '{text}'"
        ) from None


def read_done(value: Any) -> bool:
    """Whether a completion cell ("Done?", "Complete") says the item is finished: yes, x, ✓,
    a date or 100% are; no, blank, 0% or 50% are not. `RowError` if it says neither."""
    if isinstance(value, date):
        return True
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and (value in (0, 1, 100) or 0 < value < 1):  # a tick as 1/0, a % cell
        return value in (1, 100)
    text = " ".join(text_of(value).lower().replace("-", " ").split()).strip(".!")
    if text.endswith("%") and re.fullmatch(r"\d{1,3}(?:\.\d+)?%", text):
        return float(text[:-1]) >= 100
    first = text.split(" ", 1)[0].strip(",;:")
    for word in (text, first):
        if word in _YES or word in _NO:
            return word in _YES
    raise RowError(f"completion '{text_of(value)}' is neither yes nor no, so it was not used")


def read_strategy(value: Any) -> str | None:
    text = text_of(value)
    word = _STRATEGY_WORDS.get(text.lower(), text.lower())
    if not word:
        return None
    if word not in {s.value for s in ResponseStrategy}:
        options = ", ".join(s.value for s in ResponseStrategy)
        raise RowError(f"unknown strategy '{text}': use {options}")
    return word


def strategy_word(text: str) -> str | None:
    """The strategy a one-word response names ("Mitigate", "Accept"), else None."""
    word = _STRATEGY_WORDS.get(text.strip().lower(), text.strip().lower())
    return word if word in {s.value for s in ResponseStrategy} else None


def read_status(raw: str, raid_type: RaidType) -> str:
    """The status a cell means for this type: its own names, or "Complete", "In progress"...

    Words for a state the type has not ("In progress" for a risk) give its open state (that
    of its lifecycle, "proposed" for a decision); raises `RowError` for other words.
    """
    lifecycle = LIFECYCLES[raid_type]
    allowed = [s.value for s in lifecycle.statuses]
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", raw.lower()).split())
    status = words.replace(" ", "_")
    if status in allowed:
        return status
    guess: RaidStatus | None = _STATUS_WORDS.get(words)
    if words in _CLOSED_WORDS:
        guess = CLOSING_STATUS[raid_type]
    elif words in _OPEN_WORDS:
        guess = lifecycle.initial
    elif guess is None and status in _STATUS_NAMES:  # another type's own: "at risk", "done"
        guess = RaidStatus(status)
    if guess is not None and guess.value in allowed:
        return guess.value
    if guess is not None and guess not in _FINISHED:
        return lifecycle.initial.value  # "In progress" for a risk: open
    raise RowError(f"unknown status '{raw}' for {_a_type(raid_type)}: use {', '.join(allowed)}")


def finished_status(status: str | None, raid_type: RaidType) -> str:
    """The status of an item a completion column marks done: its own, if that one is
    finished already ("invalidated", "superseded"), else its type's finished state."""
    if status and is_closed(raid_type, RaidStatus(status)):
        return status
    return CLOSING_STATUS[raid_type].value


def _a_type(raid_type: RaidType) -> str:
    return f"{'an' if raid_type.value[0] in 'aeiou' else 'a'} {raid_type.value}"


def read_flag(value: Any) -> bool:
    text = text_of(value).lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise RowError(f"deleted must be true or false, not '{text}'")
