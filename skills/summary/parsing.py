"""Reading a summary request: `--since`, `--project`, and projects named in plain words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.text import escape

FLAG = re.compile(r"(?:^|\s)--([\w-]+)(?:[= ]+(?!--)(\S+))?")
SINCE_VALUE = re.compile(r"^(?:\d{1,4}\s*[dw]|\d{4}-\d{2}-\d{2})$", re.I)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SINCE = re.compile(
    r"\bsince\s+(?:last\s+)?((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|\d{4}-\d{2}-\d{2}"
    r"|\d{1,3}\s*[dw])\b"
)
SPAN_BACK = re.compile(
    r"\b(?:last|past|previous)\s+(?P<n>\d{1,3}|a|an|one)?\s*(?P<unit>days?|weeks?|fortnights?)\b"
)
RELATIVE = re.compile(r"^(\d{1,4})\s*([dw])$", re.I)
WORD = re.compile(r"[a-z0-9][a-z0-9-]*")
POSSESSIVE = re.compile(r"['’]s\b")
MAX_DAYS = 366
SINCE_HELP = "a number of days like `7d` or `14d`, weeks like `2w`, or a date like `2026-11-01`"


@dataclass
class Request:
    """What was asked: the words (flags removed) and the flags' raw values."""

    text: str
    words: list[str] = field(default_factory=list)
    since: str | None = None
    project: str | None = None


def parse_request(args: str) -> Request:
    """Take `--since` and `--project` out of `args`; a bare `7d` or date counts as --since."""
    flags: dict[str, str] = {}
    for match in FLAG.finditer(args):
        name, value = match.group(1).lower().replace("-", "_"), match.group(2)
        if name not in ("since", "project"):
            raise UserError(
                f"I don't know the option `--{escape(name)}`. Options: `--since`, `--project`."
            )
        if not value:
            hint = SINCE_HELP if name == "since" else "a project key like `apollo`"
            raise UserError(f"`--{name}` needs a value: {hint}.")
        flags[name] = value
    text = FLAG.sub(" ", args).strip()
    words = WORD.findall(POSSESSIVE.sub("", text.lower()))
    since = flags.get("since")
    if since is None:
        bare = [w for w in text.split() if SINCE_VALUE.match(w)]
        if bare:
            since = bare[0]
            text = " ".join(w for w in text.split() if w != since)
            words = [w for w in words if w != since.lower()]
    return Request(text=text, words=words, since=since, project=flags.get("project"))


def parse_since(
    raw: str | None, *, now: datetime, timezone: str, default_days: int = 7
) -> datetime:
    """The instant a summary looks back to: `7d`, `2w`, a date, a weekday (its last one
    before today) or `this week` (its Monday), each at midnight project time."""
    if raw is None:
        return now - timedelta(days=default_days)
    value = raw.strip().lower()
    named = since_instant(value, now=now, timezone=timezone)
    if named is not None:
        return named
    relative = RELATIVE.match(value)
    if relative:
        days = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        if not 1 <= days <= MAX_DAYS:
            raise UserError(f"`--since {escape(raw)}`: look back between 1 and {MAX_DAYS} days.")
        return now - timedelta(days=days)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UserError(f"I can't read `--since {escape(raw)}`: use {SINCE_HELP}.") from None
    since = datetime.combine(day, time(), ZoneInfo(timezone)).astimezone(UTC)
    if since > now:
        raise UserError(f"`--since {escape(raw)}` is in the future: pick a date before today.")
    if now - since > timedelta(days=MAX_DAYS):
        raise UserError(f"`--since {escape(raw)}`: look back at most {MAX_DAYS} days.")
    return since


def name_pattern(project: Project) -> re.Pattern[str]:
    """A project's key or name as whole words, in lower-case text."""
    names = [re.escape(project.key.lower())]
    name = " ".join(project.name.lower().split())
    if name and name != project.key.lower():
        names.insert(0, r"\s+".join(re.escape(w) for w in name.split()))
    return re.compile(rf"(?<![\w-])(?:{'|'.join(names)})(?![\w-])")


def mentioned_projects(text: str, projects: Iterable[Project]) -> list[Project]:
    """Projects named in `text` by key or name (case-insensitive), in order of mention."""
    low = POSSESSIVE.sub("", text.lower().replace("’", "'"))
    found = []
    for project in projects:
        match = name_pattern(project).search(low)
        if match:
            found.append((match.start(), project))
    return [p for _, p in sorted(found, key=lambda pair: (pair[0], pair[1].key))]


def since_words(text: str) -> str | None:
    """How far back a question looks: `this week`, a weekday, `7d`, `2w`, or an ISO date."""
    low = text.lower()
    if "this week" in low:
        return "this week"
    if re.search(r"\b(?:today|since this morning)\b", low):
        return "1d"
    if "yesterday" in low:
        return "2d"
    span = SPAN_BACK.search(low)
    if span:
        count = span.group("n")
        amount = 1 if count in (None, "a", "an", "one") else int(count)
        unit = span.group("unit")
        days = 14 if unit.startswith("fortnight") else 7 if unit.startswith("week") else 1
        return f"{amount * days}d"
    found = SINCE.search(low)
    if found:
        return found.group(1)
    nth = re.search(r"\bsince\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", low)
    if nth:
        today = clock.now().date()
        day = today.replace(day=min(int(nth.group(1)), 28 if today.month == 2 else 30))
        if day > today:
            day = (day.replace(day=1) - timedelta(days=1)).replace(day=day.day)
        return day.isoformat()
    return None


def since_instant(raw: str | None, *, now: datetime, timezone: str) -> datetime | None:
    """A weekday name or `this week` as the start of that day in the project's time."""
    if not raw:
        return None
    local = now.astimezone(ZoneInfo(timezone))
    word = raw.strip().lower()
    if word == "this week":
        day = local.date() - timedelta(days=local.weekday())
    elif word[:3] in WEEKDAYS:
        back = (local.weekday() - WEEKDAYS.index(word[:3])) % 7 or 7
        day = local.date() - timedelta(days=back)
    else:
        return None
    return datetime.combine(day, time(), ZoneInfo(timezone))
