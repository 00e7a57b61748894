"""Reading "remind me tomorrow at 9 to call the vendor" (or "every Monday at 10 …").

The words give who (me, us — this channel — or a mention), when (a date phrase read by the
RAID date reader, a time of day, "in 2 hours"), how often ("every Monday", "daily",
"weekdays"), and what (the rest, after "to" or "about"). A time or date that cannot be,
or has passed, and a repeat it cannot keep ("every 2 weeks") are refused, never guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.messages import UserError

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
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
UNSUPPORTED_REPEAT = re.compile(  # "every 2 weeks", "every other day", "monthly to …"
    r"\b(?:every|each)\s+(?:other|second|third|alternate|\d+|two|three|four|couple|few)\b"
    r"(?:\s+(?:of\s+)?(?:minute|hour|day|week|month|year|fortnight|quarter)s?\b)?"
    r"|\b(?:every|each)\s+(?:minute|hour|month|year|fortnight|quarter)s?\b"
    r"|\b(?:hourly|fortnightly|bi-?weekly|monthly|quarterly|yearly|annually)\b"
    r"(?=\s*(?:$|[,.;!]|on\b|at\b|to\b|from\b|starting\b|until\b))",
    re.I,
)
CLOCK = re.compile(  # hours and minutes out of range are matched, to be refused
    r"\b(?:at\s+)?(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<ampm>am|pm)\b"
    r"|\bat\s+(?P<h2>\d{1,2})(?::(?P<m2>\d\d))?\b(?![/.-]\d|st|nd|rd|th)"
    r"|\b(?P<h3>\d{1,2}):(?P<m3>\d\d)\b"
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
    r"|month|months|eod|eow|eom|a|fortnight|yesterday|last|ago)$"
)
LEADING = re.compile(r"\b(?:on|by|before|until|till|at)\s*$", re.I)  # "about R1 on Thursday"
MONTH = (
    r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
NUMERIC_DATE = re.compile(
    r"(?<![\w/])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?(?![\w/])"
)
CALENDAR_DATES = (  # the forms of a day and month, checked against the calendar
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{MONTH}(?:,?\s+(?P<y>\d{{4}}))?", re.I
    ),
    re.compile(rf"\b{MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    NUMERIC_DATE,
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
    refuse_impossible_dates(body, today=now.astimezone(zone).date())
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
        body = cut(body, later.start(), later.end())
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
        raise UserError(
            f"{due_local:%a %d %b %H:%M} has passed: pick a time ahead, "
            "e.g. `remind me tomorrow at 9 to call the vendor`."
        )
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


def cut(body: str, start: int, end: int) -> str:
    """The body without body[start:end] and a preposition just before it ("on Thursday")."""
    head = body[:start]
    lead = LEADING.search(head)
    return (head[: lead.start()] if lead else head) + " " + body[end:]


def refuse_impossible_dates(body: str, *, today: date) -> None:
    """A `UserError` for a day that is not in the calendar ("31 Feb", "2026-02-30", "31/02");
    a day and month without a year may be this year or next."""
    for pattern in CALENDAR_DATES:
        for found in pattern.finditer(body):
            day, month, year = found.group("d", "m", "y")
            month = int(month) if month.isdigit() else MONTHS[month[:3].lower()]
            day = int(day)
            if pattern is NUMERIC_DATE and month > 12 >= day:  # "12/31": month first
                day, month = month, day
            if month > 12 or day > 31 or month == 0:
                continue  # "50/50" is not a date
            years = (
                [int(year) + (2000 if len(year) == 2 else 0)]
                if year
                else [today.year, today.year + 1]
            )
            if not any(1 <= day <= calendar.monthrange(y, month)[1] for y in years):
                raise UserError(
                    f"There is no {found.group().strip()}: write a real date, "
                    "e.g. `remind me on 15 Dec to renew the licence`."
                )


def take_repeat(body: str) -> tuple[str | None, str]:
    unsupported = UNSUPPORTED_REPEAT.search(body)
    if unsupported:
        raise UserError(
            f"I can't repeat “{unsupported.group().strip()}”: I repeat every day, every "
            "weekday, or every week on the days you name, e.g. "
            "`remind me every Friday at 10 to send the status report`."
        )
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
    return rule, cut(body, found.start(), found.end())


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
        if minutes > 59 or hours > (12 if ampm else 23) or (ampm and hours == 0):
            raise UserError(
                f"`{found.group().strip()}` isn't a time of day: write e.g. `at 17:30` or `at 5pm`."
            )
        if ampm == "pm" and hours < 12:
            hours += 12
        if ampm == "am" and hours == 12:
            hours = 0
        if not ampm and found.group("h2") and hours < 8:  # "at 3": the afternoon
            hours += 12
        value = time(hours, minutes)
    return value, cut(body, found.start(), found.end())


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
                start = body.index(phrase)
                return day, cut(body, start, start + len(phrase))
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
