"""Reading a summary request: `--since`, `--project`, and projects named in plain words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.text import escape

FLAG = re.compile(r"(?:^|\s)--([\w-]+)(?:[= ]+(?!--)(\S+))?")
SINCE_VALUE = re.compile(r"^(?:\d{1,4}\s*[dw]|\d{4}-\d{2}-\d{2})$", re.I)
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
    """The instant a summary looks back to: `7d`, `2w` or a date (its midnight, project time)."""
    if raw is None:
        return now - timedelta(days=default_days)
    value = raw.strip().lower()
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


def _name_pattern(project: Project) -> re.Pattern[str]:
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
        match = _name_pattern(project).search(low)
        if match:
            found.append((match.start(), project))
    return [p for _, p in sorted(found, key=lambda pair: (pair[0], pair[1].key))]
