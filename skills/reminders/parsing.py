"""Reading "remind me tomorrow at 9 to call the vendor" (or "every Monday at 10 …").

The words give who (me, us — this channel — or a mention), when (a date phrase read by the
chat's date reader, a time of day, "in 2 hours"), how often ("every Monday", "daily",
"weekdays"), and what (the task, after "to", "about", "that", "of" or a colon). The when is
read from the words before the task; only when those say none is it read from the words the
task ends with ("remind me to send the minutes next Tuesday"), so "to order 30 chairs" keeps
its 30. A number alone is never a day: a day needs a month or an ordinal ("30 Nov", "the 30th").

A time of day is read on the 24-hour clock ("at 7:30" is 07:30, "at 1:30" is 01:30) unless
"pm", "tonight", "evening", "night" or "afternoon" says it is later. A bare hour from 1 to 6
("at 3", "half 3") is the afternoon: those hours at night fall in everyone's default quiet
hours (19:00-08:00), in the afternoon in their working hours; "am" or "morning" says
otherwise. An early hour read either way is said in the confirmation (`ReminderDraft.note`).
"in 2 hours" is counted in real time, across a clock change.

A time or date that cannot be, or has passed, and a repeat it cannot keep ("every 2 weeks")
are refused, never guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.messages import UserError
from skills.raid.parsing import parse_date_phrase
from skills.raid.parsing.dates import date_phrases
from skills.reminders.repeats import WEEKDAYS, first_repeat_day

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
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
    rf"\b(?:every|each)\s+(day|morning|evening|afternoon|night|weekday|working day"
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
LATE_WORDS = re.compile(r"\b(?:pm|tonight|evening|night|afternoon)\b", re.I)
EARLY_WORDS = re.compile(r"\bmorning\b", re.I)
EARLY_HOURS = range(1, 7)  # at night in everyone's default quiet hours, in the day working
LATER = re.compile(r"\bin\s+(an?|\d{1,3})\s*(minutes?|mins?|hours?|hrs?)\b", re.I)
TASK = re.compile(r"\b(?:to|about|that|of)\s+(?=\S)|:\s+(?=\S)", re.I)  # "…: call Ana"
DEFAULT_TIME = time(9, 0)
LEADING = re.compile(r"\b(?:on|by|before|until|till|at)\s*$", re.I)  # "about R1 on Thursday"
AHEAD = re.compile(r"(?:in|within|after)\s", re.I)  # "in 2 days"; "2 days" is an amount
MONTH_ALONE = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?", re.I)
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
    note: str | None = None  # how an early hour was read ("`at 1` is 13:00: say …")


@dataclass(frozen=True)
class When:
    """What words say of when; None for what they leave unsaid."""

    repeat: str | None = None
    at: time | None = None
    note: str | None = None
    later: timedelta | None = None
    day: date | None = None

    def said(self) -> bool:
        return any(part is not None for part in (self.repeat, self.at, self.later, self.day))


def read_reminder(text: str, *, now: datetime, timezone: str) -> ReminderDraft:
    """Who, when, how often and what; a `UserError` saying what is missing."""
    zone = ZoneInfo(timezone)
    target, body = take_target(text)
    refuse_unsupported_repeat(body)  # anywhere: "on the 1st of every month" is no one-off
    when, task = take_when_and_task(body, now=now, zone=zone)
    task = " ".join(task.split()).strip(" .,:;-")
    if not task:
        raise UserError("Remind you of what? e.g. `remind me tomorrow at 9 to call the vendor`.")
    due = first_due(when, now=now, zone=zone)
    due_local = due.astimezone(zone)
    repeat = when.repeat
    if repeat == "weekly":  # "every week": on the first time's weekday
        repeat = f"weekly:{WEEKDAYS[due_local.weekday()]}"
    if due <= now:
        raise UserError(
            f"{due_local:%a %d %b %H:%M} has passed: pick a time ahead, "
            "e.g. `remind me tomorrow at 9 to call the vendor`."
        )
    return ReminderDraft(target, due, repeat, task[:500], when.note)


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


def take_when_and_task(body: str, *, now: datetime, zone: ZoneInfo) -> tuple[When, str]:
    """The when said before the task, else at its end, and the task without it."""
    before, task = split_task(body)
    when, rest = take_when(before, now=now, zone=zone)
    if not task:
        return when, rest  # no "to …": the words left are the task
    if when.said():
        return when, task
    start = when_at_end(task)
    when, _ = take_when(task[start:], now=now, zone=zone)
    return when, task[:start]


def split_task(body: str) -> tuple[str, str]:
    """The words before the task, and the task: what follows the first "to", "about", "that",
    "of" or colon outside a date ("on the 5th of May to renew")."""
    dates = date_spans(body)
    for found in TASK.finditer(body):
        if not any(start <= found.start() < end for start, end in dates):
            return body[: found.start()], body[found.end() :]
    return body, ""


def when_at_end(task: str) -> int:
    """Where the when-words the task ends with begin, with the word leading them in ("… the
    minutes by Friday at 10"); its end when it ends with none."""
    start = len(task.rstrip(" ,.;:!?"))
    for span_start, span_end in sorted(when_spans(task), key=lambda span: -span[1]):
        if task[span_end:start].strip(" ,"):
            break
        lead = LEADING.search(task[: min(start, span_start)])
        start = lead.start() if lead else min(start, span_start)
    return start


def when_spans(words: str) -> list[tuple[int, int]]:
    """Where the words say (or try to say) a time, a date, a repeat or "in 2 hours"."""
    patterns = (CLOCK, LATER, REPEAT)
    return [found.span() for p in patterns for found in p.finditer(words)] + date_spans(words)


def take_when(words: str, *, now: datetime, zone: ZoneInfo) -> tuple[When, str]:
    """What the words say of when, and the words without it."""
    refuse_impossible_dates(words, today=now.astimezone(zone).date())
    at, note, words = take_time(words)
    repeat, words = take_repeat(words)
    later, words = take_later(words)
    day, words = (None, words) if later else take_date(words, now=now, zone=zone)
    return When(repeat, at, note, later, day), words


def first_due(when: When, *, now: datetime, zone: ZoneInfo) -> datetime:
    """The first time (UTC): "in 2 hours" counted in real time, else a day and a time of day
    in `zone` (the next that is ahead, or that the repeat allows)."""
    if when.later:
        return now.astimezone(UTC) + when.later
    local_now = now.astimezone(zone)
    at = when.at or DEFAULT_TIME
    day = when.day
    if when.repeat and day is None:
        day = first_repeat_day(when.repeat, local_now.date(), at, local_now)
    if day is None:
        ahead = when.at is not None and when.at > local_now.time()
        day = local_now.date() + timedelta(days=0 if ahead else 1)
    return datetime.combine(day, at, zone).astimezone(UTC)


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


def refuse_unsupported_repeat(body: str) -> None:
    unsupported = UNSUPPORTED_REPEAT.search(body)
    if unsupported:
        raise UserError(
            f"I can't repeat “{unsupported.group().strip()}”: I repeat every day, every "
            "weekday, or every week on the days you name, e.g. "
            "`remind me every Friday at 10 to send the status report`."
        )


def take_repeat(body: str) -> tuple[str | None, str]:
    found = REPEAT.search(body)
    if not found:
        return None, body
    phrase = (found.group(1) or found.group(2)).lower()
    if phrase in ("day", "daily", "morning", "evening", "afternoon", "night"):
        rule = "daily"
    elif phrase in ("weekday", "working day", "weekdays"):
        rule = "weekdays"
    else:
        days = [d for d in WEEKDAYS if re.search(rf"\b{d}", phrase)]
        rule = "weekly:" + ",".join(days) if days else None
        if rule is None:  # "every week", "weekly": the same weekday as the first time
            rule = "weekly"
    return rule, cut(body, found.start(), found.end())


def take_time(words: str) -> tuple[time | None, str | None, str]:
    """The time of day said, a note when an early hour could be read either way, and the
    words without it."""
    found = CLOCK.search(words)
    if not found:
        return None, None, words
    value, note = time_said(found, words)
    return value, note, cut(words, found.start(), found.end())


def time_said(found: re.Match[str], words: str) -> tuple[time, str | None]:
    """The time a `CLOCK` match says, read as the module's docstring tells."""
    if found.group("named"):
        return (time(0) if found.group("named").lower() == "midnight" else time(12)), None
    half = found.group("half")
    hours = int(half or found.group("h") or found.group("h2") or found.group("h3"))
    minutes = 30 if half else int(found.group("m") or found.group("m2") or found.group("m3") or 0)
    ampm = (found.group("ampm") or "").lower()
    said = found.group().strip()
    if minutes > 59 or hours > (12 if ampm else 23) or (ampm and hours == 0):
        raise UserError(f"`{said}` isn't a time of day: write e.g. `at 17:30` or `at 5pm`.")
    if ampm:
        return time(hours % 12 + (12 if ampm == "pm" else 0), minutes), None
    if 1 <= hours < 12 and LATE_WORDS.search(words):
        return time(hours + 12, minutes), None
    if hours not in EARLY_HOURS or EARLY_WORDS.search(words):
        return time(hours, minutes), None
    night, day = time(hours, minutes), time(hours + 12, minutes)
    clock = f"{hours}:{minutes:02d}" if minutes else str(hours)
    if half or not (found.group("m2") or found.group("m3")):  # "at 3", "half 3"
        return day, f"`{said}` is {day:%H:%M}: say `at {clock}am` for {night:%H:%M}"
    return night, f"`{said}` is {night:%H:%M}: say `at {clock}pm` for {day:%H:%M}"


def take_later(words: str) -> tuple[timedelta | None, str]:
    """ "in 2 hours", "in 90 minutes", and the words without it."""
    found = LATER.search(words)
    if not found:
        return None, words
    amount = 1 if found.group(1).lower() in ("a", "an") else int(found.group(1))
    unit = timedelta(hours=1) if found.group(2).lower().startswith("h") else timedelta(minutes=1)
    return amount * unit, cut(words, found.start(), found.end())


def take_date(words: str, *, now: datetime, zone: ZoneInfo) -> tuple[date | None, str]:
    """The first day the words say (by the chat's date reader), and the words without it."""
    for start, end in date_spans(words):
        phrase = re.sub(r"^the\s+", "", words[start:end], flags=re.I)  # "the 5th of May"
        day = parse_date_phrase(phrase, now=now, tz=zone)
        if day is not None:
            return day, cut(words, start, end)
    return None, words


def date_spans(words: str) -> list[tuple[int, int]]:
    """Where the words say a day, by the chat's date reader, so never a number alone: "the
    5th of May" as one; not "may" alone, "Friday's", nor an amount ("3 days", not "in")."""
    spans: list[tuple[int, int]] = []
    for kind, start, end in date_phrases(words):
        said = words[start:end]
        if (
            said.lower() == "may"
            or re.match(r"['’]s\b", words[end:])
            or (kind == "span" and not AHEAD.match(said))
        ):
            continue
        if (
            spans
            and MONTH_ALONE.fullmatch(said)
            and re.fullmatch(r"\s+(?:of\s+)?", words[spans[-1][1] : start], re.I)
        ):
            start = spans.pop()[0]  # "the 5th" "of May": one date
        spans.append((start, end))
    return spans
