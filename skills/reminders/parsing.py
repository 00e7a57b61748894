"""Reading "remind me tomorrow at 9 to call the vendor" (or "every Monday at 10 …").

The words give who (me, us — this channel — or a mention), when (a date phrase read by the
RAID date reader, a time of day, "in 2 hours"), how often ("every Monday", "daily",
"weekdays"), and what (the rest, after "to" or "about").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.messages import UserError

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?"
MENTIONED = r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>"
ASKED = r"(?:remind|remidn|rmind|remnd|nudge|ping|tell|give)"
TARGETS = (  # who the reminder is for, in the ways people ask
    re.compile(rf"\b{ASKED}\s+(me|us|everyone|the team|{MENTIONED})(?!\w)", re.I),
    re.compile(rf"\bset\s+(?:up\s+)?an?\s+reminder\s+for\s+({MENTIONED})", re.I),
    re.compile(rf"({MENTIONED})\s+needs?\s+(?:a\s+)?reminder", re.I),
    re.compile(r"\b(?:set\s+(?:up\s+)?an?\s+reminder|don'?t\s+let\s+(me)\s+forget)", re.I),
)
REPEAT = re.compile(
    rf"\b(?:every|each)\s+(day|morning|evening|afternoon|weekday|working day"
    rf"|week(?:\s+on\s+{DAY})?"
    rf"|(?:{DAY})(?:\s*(?:,|and|&)\s*{DAY})*)|\b(daily|weekdays|weekly)\b",
    re.I,
)
CLOCK = re.compile(
    r"\b(?:at\s+)?(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?\s*(?P<ampm>am|pm)\b"
    r"|\bat\s+(?P<h2>[01]?\d|2[0-3])(?::(?P<m2>[0-5]\d))?\b"
    r"|\b(?P<h3>[01]?\d|2[0-3]):(?P<m3>[0-5]\d)\b"
    r"|\b(?:at\s+)?(?P<named>noon|midday|midnight)\b"
    r"|\b(?:at\s+)?half\s+(?P<half>[01]?\d)\b",
    re.I,
)
LATER = re.compile(r"\bin\s+(an?|\d{1,3})\s*(minutes?|mins?|hours?|hrs?)\b", re.I)
WHAT = re.compile(r"\b(?:to|about|that|of)\s+(.+)$", re.I | re.S)
DEFAULT_TIME = time(9, 0)
DATE_WORD = re.compile(
    rf"^(?:{DAY}|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*"
    r"|nov\w*|dec\w*|\d{1,4}(?:st|nd|rd|th)?|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|next|this|coming|tomorrow|tmrw|today|tonight|on|of|the|in|end|week|weeks|day|days"
    r"|month|months|eod|eow|eom|a|fortnight)$"
)


@dataclass(frozen=True)
class ReminderDraft:
    target: str  # "me", "us" or a user id
    due: datetime  # the first time, UTC
    repeat: str | None
    text: str


def read_reminder(text: str, *, now: datetime, timezone: str) -> ReminderDraft:
    """Who, when, how often and what; a `UserError` saying what is missing."""
    zone = ZoneInfo(timezone)
    target, body = take_target(text)
    repeat, body = take_repeat(body)
    clock_time, body = take_time(body)
    local_now = now.astimezone(zone)
    later = LATER.search(body)
    if later:
        amount = 1 if later.group(1).lower() in ("a", "an") else int(later.group(1))
        unit = (
            timedelta(hours=1) if later.group(2).lower().startswith("h") else timedelta(minutes=1)
        )
        due_local = local_now + amount * unit
        body = body[: later.start()] + body[later.end() :]
    else:
        day, body = take_date(body, now=now, zone=zone)
        at = clock_time or DEFAULT_TIME
        if repeat and day is None:
            day = first_repeat_day(repeat, local_now.date(), at, local_now)
        day = day or (local_now.date() if clock_time and clock_time > local_now.time() else None)
        if day is None:
            day = local_now.date() + timedelta(days=1)
        due_local = datetime.combine(day, at, zone)
    what = WHAT.search(body)
    task = " ".join((what.group(1) if what else body).split()).strip(" .,:;-")
    if not task:
        raise UserError("Remind you of what? e.g. `remind me tomorrow at 9 to call the vendor`.")
    due = due_local.astimezone(now.tzinfo or ZoneInfo("UTC"))
    if repeat == "weekly":  # "every week": on the first time's weekday
        repeat = f"weekly:{WEEKDAYS[due_local.weekday()]}"
    if due <= now:
        raise UserError(f"{due_local:%a %d %b %H:%M} has passed: pick a time ahead.")
    return ReminderDraft(target, due, repeat, task[:500])


def take_target(text: str) -> tuple[str, str]:
    """Who to remind ("me", "us" or a user id) and the words without that phrase."""
    for pattern in TARGETS:
        found = pattern.search(text)
        if not found:
            continue
        mentioned = next((g for g in found.groups()[1:] if g), None)
        said = (found.group(1) or "me").lower() if found.groups() else "me"
        target = mentioned or ("me" if said in ("me", "") else "us")
        return target, text[: found.start()] + " " + text[found.end() :]
    raise UserError("Say who to remind: `remind me tomorrow at 9 to call the vendor`.")


def take_repeat(body: str) -> tuple[str | None, str]:
    found = REPEAT.search(body)
    if not found:
        return None, body
    phrase = (found.group(1) or found.group(2)).lower()
    if phrase in ("day", "daily", "morning", "evening", "afternoon"):
        rule = "daily"
    elif phrase in ("weekday", "working day", "weekdays"):
        rule = "weekdays"
    else:
        days = [d for d in WEEKDAYS if re.search(rf"\b{d}", phrase)]
        rule = "weekly:" + ",".join(days) if days else None
        if rule is None:  # "every week", "weekly": the same weekday as the first time
            rule = "weekly"
    return rule, body[: found.start()] + " " + body[found.end() :]


def take_time(body: str) -> tuple[time | None, str]:
    found = CLOCK.search(body)
    if not found:
        return None, body
    if found.group("named"):
        value = time(0, 0) if found.group("named").lower() == "midnight" else time(12, 0)
    elif found.group("half"):  # "half 3": half past, within working hours
        hours = int(found.group("half"))
        value = time(hours + 12 if hours < 8 else hours, 30)
    else:
        hours = int(found.group("h") or found.group("h2") or found.group("h3"))
        minutes = int(found.group("m") or found.group("m2") or found.group("m3") or 0)
        ampm = (found.group("ampm") or "").lower()
        if ampm == "pm" and hours < 12:
            hours += 12
        if ampm == "am" and hours == 12:
            hours = 0
        if not ampm and found.group("h2") and hours < 8:  # "at 3": the afternoon
            hours += 12
        value = time(hours, minutes)
    return value, body[: found.start()] + " " + body[found.end() :]


def take_date(body: str, *, now: datetime, zone: ZoneInfo) -> tuple[object, str]:
    """The longest run of date words (4 at most) that reads as a date, and the body without it."""
    from skills.raid.parsing import parse_date_phrase

    words = body.split()
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            run = [w.strip(",.!?").lower() for w in words[i : i + size]]
            if not all(DATE_WORD.match(w) for w in run) or run[0] in ("the", "of", "on", "a"):
                continue
            phrase = " ".join(words[i : i + size]).strip(",.!?")
            day = parse_date_phrase(phrase, now=now, tz=zone)
            if day is not None:
                return day, body.replace(phrase, " ", 1)
    return None, body


def first_repeat_day(rule: str, today, at: time, local_now: datetime):  # noqa: ANN001, ANN201
    """The first day the rule allows, today included when `at` is still ahead."""
    for offset in range(8):
        day = today + timedelta(days=offset)
        if (offset or at > local_now.time()) and allows(rule, day):
            return day
    return today + timedelta(days=1)


def allows(rule: str, day) -> bool:  # noqa: ANN001
    """Whether a repeat rule fires on `day` (a date)."""
    if rule == "daily":
        return True
    if rule == "weekdays":
        return day.weekday() < 5
    if rule.startswith("weekly:"):
        return WEEKDAYS[day.weekday()] in rule.removeprefix("weekly:").split(",")
    return True


def describe_repeat(rule: str | None) -> str:
    if not rule:
        return "once"
    if rule.startswith("weekly:"):
        days = rule.removeprefix("weekly:").split(",")
        return "every " + ", ".join(d.title() for d in days)
    return {"daily": "every day", "weekdays": "every weekday", "weekly": "every week"}[rule]
