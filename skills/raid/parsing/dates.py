"""Date phrases: the forms people type, calendar arithmetic, and ``parse_date_phrase``."""

from __future__ import annotations

import calendar
import logging
import re
import string
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from skills.raid.parsing.text import _normalise
from skills.raid.parsing.words import _MONTHS, _NUMBER_WORDS, _WEEKDAYS

logger = logging.getLogger(__package__)  # the package's logger, as before the split

_WD = (
    r"(?:monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu|friday|fri|"
    r"saturday|sunday)"
)
_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_ORD = r"(?:st|nd|rd|th)"
_NUMW = (
    r"(?:\d{1,3}|a couple of|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve)"
)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps offsets
_DEADLINE = r"(?:eod|cob|eop|end of (?:the )?day|end of play|close of (?:play|business))"
_DATE = re.compile(  # every alternative starts a word: the lookarounds make misses cheap
    r"(?<!\w)(?=\w)(?:"
    # 2026-12-15
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)"
    # 15/12, 15/12/2026, 15.12.26
    r"|(?P<num>(?<![\w./-])(?P<nd>\d{1,2})(?P<sep>[/.-])(?P<nm>\d{1,2})"
    r"(?:(?P=sep)(?P<ny>\d{4}|\d{2}))?(?![\w/%]|\.\d|-\d))"
    # 15 Dec, Fri 4th of December 2026
    rf"|(?P<dm>\b(?:{_WD},?\s+(?:the\s+)?)?(?P<dd>\d{{1,2}})(?P<dord>{_ORD})?(?:\s+of)?[\s-]+"
    rf"(?P<dmon>{_MON})\b\.?(?:,?[\s-]+(?P<dy>\d{{4}})\b)?)"
    # Dec 15, December 15th, 2026
    rf"|(?P<md>\b(?:{_WD},?\s+)?(?P<mmon>{_MON})\.?\s+(?P<md_d>\d{{1,2}})(?P<mord>{_ORD})?\b"
    rf"(?!:|\.\d)(?:,?\s+(?P<my>\d{{4}})\b)?)"
    # end of Jan, mid-December, start of next month
    r"|(?P<modmonth>\b(?P<mod>end|start|beginning|middle|mid|early|late)(?:\s+of)?[\s-]+"
    rf"(?:(?P<mrel>this|next)\s+month\b|(?P<mmon2>{_MON})\b(?:\s+(?P<my2>\d{{4}})\b)?))"
    # January, March 2027
    rf"|(?P<month>\b(?P<monly>{_MON})\b(?:\s+(?P<my3>\d{{4}})\b)?)"
    # Friday, next Friday, this Thu, Wednesday next week, Friday week, EOD Friday
    rf"|(?P<wday>\b(?:{_DEADLINE}\s+(?:on\s+)?)?"
    r"(?:(?P<wmod>this|next|coming|the following|following|last)\s+)?"
    rf"(?P<wd>{_WD})\b(?:\s+(?P<wweek>next week|this week|week))?)"
    # tomorrow, EOD tomorrow, today, EOD
    rf"|(?P<rel>\b(?:(?:{_DEADLINE}|first thing)\s+)?"
    r"(?P<relw>day after tomorrow|tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow|today|tonight"
    rf"|yesterday|{_DEADLINE})\b)"
    # end of next week, next week, EOW
    r"|(?P<week>\b(?:(?P<wkmod>end|start|beginning|middle|mid|early|late)(?:\s+of)?\s+)?"
    r"(?:the\s+)?(?P<wkrel>this|next)\s+week\b|\b(?:end of (?:the )?week|eow)\b)"
    # end of month, EOM, next month; end of year, next year; end of Q1, EOQ
    r"|(?P<rmonth>\b(?:end of (?:the |this )?month|eom|month[- ]end|next month)\b)"
    r"|(?P<year>\b(?:end of (?:the |this )?year|eoy|year[- ]end|next year)\b)"
    r"|(?P<quarter>\b(?:end of (?:the |this )?quarter|eoq|quarter[- ]end"
    r"|(?:end of )?q(?P<q>[1-4])(?:\s+(?P<qy>\d{4}))?)\b)"
    # in 2 weeks, within 10 working days, 3 days from now, in a fortnight
    rf"|(?P<dur>\b(?:(?:in|within|after|over)\s+(?:the\s+)?(?:next\s+)?)?(?P<dn>{_NUMW})\s+"
    r"(?P<du>(?:working |business )?days?|weeks?|months?|fortnights?|years?)"
    r"(?:\s+(?P<dtail>from now|from today|time|today|tomorrow|later))?\b)"
    r"|(?P<fortnight>\b(?:in|within)\s+a\s+fortnight\b)"
    # week 50, wk 50 (ISO week: its Monday)
    r"|(?P<isoweek>\b(?:wk|week)\s*(?P<wn>\d{1,2})\b)"
    # the 15th; Christmas
    rf"|(?P<nth>\b(?:the\s+)?(?P<nthd>\d{{1,2}}){_ORD}\b)"
    r"|(?P<hol>\b(?:christmas eve|christmas day|christmas|xmas|boxing day|new year'?s eve"
    r"|new year'?s day|new year)\b))"
)  # matched against ASCII-lower-cased text: much faster than re.IGNORECASE


def _today(now: datetime, tz: ZoneInfo) -> date:
    if now.tzinfo is None:
        return now.date()
    return now.astimezone(tz).date()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _roll_forward(value: date, today: date, *, year_given: bool) -> date:
    """Day-and-month dates well in the past mean next year."""
    if year_given or value >= today - timedelta(days=30):
        return value
    return _safe_date(value.year + 1, value.month, value.day) or _month_end(
        value.year + 1, value.month
    )


def _full_year(text: str | None, today: date) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


# How much context a date form needs before it is taken as the entry's date.
_SELF = 0  # explicit: "15 Dec", "2026-12-15", "in 2 weeks", "next Friday", "EOD"
_ANY_CUE = 1  # "Friday", "next week": needs "by", "review", "on" ... before it
_STRONG = 2  # "today", "14/12", "January", "the 15th": needs "by", "due", "review" ...
_SKIP = -1  # not a date at all ("overran by 3 days")
_Resolved = tuple[date | None, float, int]  # (date, or None if impossible; base score; cue level)


def _resolve(m: re.Match[str], today: date, past: bool = False) -> _Resolved:
    """Resolve one match of ``_DATE`` against ``today`` (``past``: a weekday or "the 15th"
    alone means the last one, not the next)."""
    g = m.groupdict()
    if g["iso"]:
        return _safe_date(int(g["iy"]), int(g["im"]), int(g["id"])), 3, _SELF
    if g["num"]:
        return _resolve_numeric(m, today)
    if g["dm"] or g["md"]:
        day = int(g["dd"] or g["md_d"])
        month_name = (g["dmon"] or g["mmon"]).lower()
        year = _full_year(g["dy"] or g["my"], today)
        sure = bool(g["dord"] or g["mord"] or year) or month_name != "may"  # "2 may slip"
        value = _safe_date(year or today.year, _MONTHS[month_name], day)
        if value is not None:
            value = _roll_forward(value, today, year_given=year is not None)
        return value, 3, _SELF if sure else _STRONG
    if g["modmonth"]:
        return _resolve_month_part(g, today), 3, _SELF
    if g["month"]:
        if g["monly"].lower() == "may" and not g["my3"]:
            return None, 0, _SKIP
        month = _MONTHS[g["monly"].lower()]
        year = _full_year(g["my3"], today) or today.year
        if not g["my3"] and _month_end(year, month) < today:
            year += 1
        return date(year, month, 1), 1, _STRONG
    if g["wday"]:
        return _resolve_weekday(g, today, past)
    if g["rel"]:
        word = g["relw"].lower()
        if word == "day after tomorrow":
            return today + timedelta(days=2), 2, _ANY_CUE
        if word.startswith(("tom", "tm")):
            return today + timedelta(days=1), 2, _ANY_CUE
        if word == "yesterday":
            return today - timedelta(days=1), 1, _STRONG
        if word in ("today", "tonight"):
            return today, 1, _STRONG
        return today, 2, _SELF  # EOD, COB
    if g["week"] or g["rmonth"] or g["year"] or g["quarter"]:
        return _resolve_period(g, today)
    if (
        g["dur"]
        and not g["dtail"]
        and not g["dur"].lower().startswith(("in", "with", "after", "over"))
    ):
        return None, 0, _SKIP  # "overran by 3 days" is an amount, not a date
    if g["dur"] or g["fortnight"]:
        return _resolve_duration(g, today), 2, _SELF
    if g["isoweek"]:
        return _iso_week_monday(int(g["wn"]), today), 2, _STRONG
    if g["hol"]:
        name = g["hol"].lower()
        month, day = _HOLIDAYS[next(key for key in _HOLIDAYS if key in name)]
        value = date(today.year, month, day)
        return (value if value >= today else date(today.year + 1, month, day)), 2, _STRONG
    if g["nth"]:
        day = int(g["nthd"])
        value = _safe_date(today.year, today.month, day)
        if past and (value is None or value > today):
            last = _add_months(today.replace(day=1), -1)
            value = _safe_date(last.year, last.month, day)
        elif value is None or value < today:
            nxt = _add_months(today.replace(day=1), 1)
            value = _safe_date(nxt.year, nxt.month, day)
        return value, 2, _STRONG
    return None, 0, _SKIP


_HOLIDAYS = {  # checked in order: the first key found in the phrase wins
    "christmas eve": (12, 24), "boxing": (12, 26), "christmas": (12, 25), "xmas": (12, 25),
    "eve": (12, 31), "new year": (1, 1),
}  # fmt: skip


def _iso_week_monday(week: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
        if monday >= today - timedelta(days=6):
            return monday
    return None


def _resolve_numeric(m: re.Match[str], today: date) -> _Resolved:
    g = m.groupdict()
    day, month = int(g["nd"]), int(g["nm"])
    if month > 12 >= day:  # day first unless impossible ("12/15")
        day, month = month, day
    year = _full_year(g["ny"], today)
    if (
        g["sep"] != "/"
        and year is None
        and re.match(r"\s*[A-Za-z%]", m.string[m.end() : m.end() + 3])
    ):
        return None, 0, _SKIP  # "up 2.5 points"
    value = _safe_date(year or today.year, month, day)
    if value is not None:
        value = _roll_forward(value, today, year_given=year is not None)
    return value, 3, _STRONG if year is None else _SELF


def _resolve_month_part(g: dict[str, str | None], today: date) -> date:
    """ "end of Jan", "mid-December", "start of next month"."""
    mod = (g["mod"] or "").lower()
    if g["mrel"]:
        first = _add_months(today.replace(day=1), 1 if g["mrel"].lower() == "next" else 0)
        year, month, year_given = first.year, first.month, True
    else:
        month = _MONTHS[(g["mmon2"] or "").lower()]
        year = _full_year(g["my2"], today) or today.year
        year_given = bool(g["my2"])
    if not year_given and _month_end(year, month) < today - timedelta(days=30):
        year += 1
    if mod in ("end", "late"):
        return _month_end(year, month)
    return date(year, month, 15 if mod in ("mid", "middle") else 1)


def _resolve_weekday(g: dict[str, str | None], today: date, past: bool = False) -> _Resolved:
    target = _WEEKDAYS[(g["wd"] or "").lower()]
    mod = (g["wmod"] or "").lower()
    week = (g["wweek"] or "").lower()
    monday = today - timedelta(days=today.weekday())
    ahead = (target - today.weekday()) % 7 or 7  # the next one, never today
    behind = (today.weekday() - target) % 7 or 7  # the last one, never today
    if past and (mod in ("", "last") and not week):
        return today - timedelta(days=behind), 2, _ANY_CUE if not mod else _SELF
    if mod == "last":
        return None, 0, _SKIP
    if week == "week" and not mod:  # British "Friday week": a week after the coming Friday
        return today + timedelta(days=ahead + 7), 2, _SELF
    if mod in ("next", "the following", "following") or week == "next week":
        return monday + timedelta(days=7 + target), 2, _SELF
    if mod in ("this", "coming") or week == "this week":
        value = monday + timedelta(days=target)
        return (value if value >= today else value + timedelta(days=7)), 2, _SELF
    return today + timedelta(days=ahead), 2, _ANY_CUE


def _resolve_period(g: dict[str, str | None], today: date) -> _Resolved:
    """Weeks, months, years and quarters: "end of next week", "EOM", "end of Q1"."""
    monday = today - timedelta(days=today.weekday())
    if g["week"]:
        text, mod = g["week"].lower(), (g["wkmod"] or "").lower()
        start = monday + timedelta(days=7 if "next" in text else 0)
        if mod in ("end", "late") or text in ("end of week", "end of the week", "eow"):
            friday = start + timedelta(days=4)
            value = friday if friday >= today else friday + timedelta(days=7)
            return value, 2, _SELF if mod or "eow" in text or "end" in text else _ANY_CUE
        if mod in ("mid", "middle"):
            return start + timedelta(days=2), 2, _SELF
        if "next" in text:
            return start, 2, _SELF if mod else _ANY_CUE
        return max(start + timedelta(days=4), today), 2, _ANY_CUE
    if g["rmonth"]:
        if g["rmonth"].lower() == "next month":
            return _add_months(today.replace(day=1), 1), 2, _ANY_CUE
        return _month_end(today.year, today.month), 2, _SELF
    if g["year"]:
        if "next" in g["year"].lower():
            return date(today.year + 1, 1, 1), 2, _ANY_CUE
        return date(today.year, 12, 31), 2, _SELF
    if g["q"]:
        year = _full_year(g["qy"], today) or today.year
        value = _month_end(year, int(g["q"]) * 3)
        if not g["qy"] and value < today:
            value = _month_end(year + 1, int(g["q"]) * 3)
        return value, 2, _SELF if (g["quarter"] or "").lower().startswith("end") else _STRONG
    return _month_end(today.year, ((today.month - 1) // 3 + 1) * 3), 2, _SELF


def _resolve_duration(g: dict[str, str | None], today: date) -> date | None:
    if g["fortnight"]:
        return today + timedelta(days=14)
    count = _NUMBER_WORDS.get((g["dn"] or "").lower())
    if count is None:
        count = int(g["dn"] or 0)
    if count > 400:
        return None
    unit = (g["du"] or "").lower()
    base = today + timedelta(days=1) if (g["dtail"] or "").lower() == "tomorrow" else today
    if unit.startswith(("working", "business")):
        value = base
        while count > 0:
            value += timedelta(days=1)
            count -= value.weekday() < 5
        return value
    if unit.startswith("day"):
        return base + timedelta(days=count)
    if unit.startswith("fortnight"):
        return base + timedelta(days=14 * count)
    if unit.startswith("week"):
        return base + timedelta(weeks=count)
    if unit.startswith("month"):
        return _add_months(base, count)
    return _add_months(base, 12 * count)


def parse_date_phrase(text: str, *, now: datetime, tz: ZoneInfo) -> date | None:
    """Read one date typed in a command ("next friday", "15 Dec", "in 2 weeks", "2026-12-15").

    Tries the rules used for messages first, then ``dateparser`` for anything else.
    Returns None when the phrase is not a date.
    """
    phrase = _normalise(text or "")
    if len(phrase) > 200:
        return None
    phrase = re.sub(r"(?i)^(?:by|due|on|before|until|till|review|for)\s+", "", phrase).strip()
    if not phrase:
        return None
    today = _today(now, tz)
    for m in _DATE.finditer(phrase.translate(_ASCII_LOWER)):
        value, _, _ = _resolve(m, today)
        if value is not None and len(m.group().strip()) >= len(phrase.rstrip(".!")) * 0.6:
            return value
    if not re.search(r"[A-Za-z0-9]", phrase):
        return None
    try:
        import dateparser  # imported lazily: it is slow to load and only a fallback

        base = now if now.tzinfo is None else now.astimezone(tz).replace(tzinfo=None)
        parsed = dateparser.parse(
            phrase,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "STRICT_PARSING": False,
            },
        )
    except Exception:  # dateparser can raise on exotic input; a phrase we can't read is None
        logger.debug("dateparser failed on a date phrase", exc_info=True)
        return None
    return parsed.date() if parsed else None


def date_phrases(text: str) -> list[tuple[str, int, int]]:
    """The dates a text says, unresolved and uncued, as (kind, start, end): kind "date"
    (Friday, 15/12, the 1st, next week) or "span" (a week, in 3 days)."""
    return [
        ("span" if m.group("dur") or m.group("fortnight") else "date", m.start(), m.end())
        for m in _DATE.finditer((text or "").translate(_ASCII_LOWER))
    ]
