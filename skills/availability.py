"""Being away and quiet hours: `ooo` and `quiet`, honoured by every scheduled message."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.operations import Access, Args, no_scope, rest
from bot.core.skills import Skill
from bot.core.text import escape
from scheduler.models import Absence, PersonPrefs
from scheduler.plan import parse_hhmm
from skills.raid.parsing import parse_date_phrase
from skills.raid.parsing.dates import date_phrases

skill = Skill(
    "ooo",
    "Tell me when you're away (no check-ins or reminders) and your quiet hours.",
    aliases=("away",),
    priority=40,
    text_operation="ooo.set",
    bare_operation="ooo.show",
)

RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|\s+to\s+|–|—)(\d{4}-\d{2}-\d{2})$")
RANGE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:\.\.|\s+to\s+|–|—)\d{4}-\d{2}-\d{2}")
HOURS = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")


def parse_range(text: str) -> tuple[date, date]:
    match = RANGE.match(text.strip())
    if not match:
        raise UserError("Give the dates as `FROM..TO`, e.g. `ooo 2026-12-21..2027-01-02 holiday`.")
    try:
        start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError:
        raise UserError(f"`{escape(text)}` has a date that doesn't exist.") from None
    if end < start:
        raise UserError("The end date is before the start date.")
    return start, end


# Between two dates: "24 Dec to 2 Jan", "5 - 9 May", "from 23 Dec, back on 5 Jan".
JOIN = re.compile(
    r"\s*(?:to|until|till|through|thru|and|-|–|—|\.\.)\s*"
    r"|(?P<back>,?\s*(?:and\s+)?back(?:\s+(?:on|by))?\s+)",
    re.I,
)
# Before the dates, left out of the reason: "out until Friday" (from today), "back Monday"
# (until the day before), "from", "between", "on" …
LEAD_IN = re.compile(
    r"(?:\b(?P<until>until|till|through|thru)|\b(?P<back>back)(?:\s+(?:on|by))?"
    r"|\b(?:from|between|on|starting|for|all))\s*$",
    re.I,
)
DAY_DASH = re.compile(  # "5-9 May" read as "5 - 9 May"
    r"(?<![\w./-])(\d{1,2}(?:st|nd|rd|th)?)[-–—]"
    r"(?=\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.I,
)
DAY_NUMBER = re.compile(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b", re.I)  # "10th to 21st Aug"
MONTH_ALONE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?", re.I
)
WEEK = re.compile(r"(?:this|next)\s+week", re.I)
LONG_REASON_WORDS = 6  # more than a reason ("holiday", "dentist"): maybe an update too
NO_DATES = (
    "When are you away? Say `ooo tomorrow`, `ooo 24 Dec to 2 Jan holiday` or "
    "`ooo 2026-12-21..2027-01-02`."
)


def dates_in_words(ctx: Context, text: str) -> tuple[date, date, str | None]:
    """Time away said in words anywhere in the message ("I'm off 24 Dec - 2 Jan", "out
    tomorrow", "on holiday next week"), read by the chat's date reader; the rest of the
    message is the reason."""
    now = clock.now().astimezone(ZoneInfo(ctx.person.timezone))
    text = DAY_DASH.sub(r"\1 - ", text)
    spans = date_spans(text)
    for at in range(len(spans)):
        found = away_from(text, spans[at:], now)
        if found is not None:
            start, end, cut_from, cut_to = found
            if end < start:
                raise UserError("The end date is before the start date.")
            return start, end, reason_around(text, cut_from, cut_to)
    raise UserError(NO_DATES)


def reason_around(text: str, cut_from: int, cut_to: int) -> str | None:
    """The message without its dates: "I'll be travelling, no check-ins please"."""
    rest = " ".join(f"{text[:cut_from]} {text[cut_to:]}".split())
    return re.sub(r" (?=[,;:.!?])", "", rest).strip(" ,;:-–—")[:200] or None


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` says a date, in order: the chat's date phrases (a day and the month after
    it, "the 14th of August", as one) and day numbers, which may open a range ("between 20
    and 27 October")."""
    phrases = [(start, end) for kind, start, end in date_phrases(text) if kind == "date"]
    numbers = [
        m.span()
        for m in DAY_NUMBER.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e in phrases)
    ]
    spans: list[tuple[int, int]] = []
    for start, end in sorted(phrases + numbers):
        month = MONTH_ALONE.fullmatch(text, start, end)
        if month and spans and re.fullmatch(r"\s+(?:of\s+)?", text[spans[-1][1] : start], re.I):
            start = spans.pop()[0]  # "the 5th" "Jan": one date
        spans.append((start, end))
    return spans


def away_from(
    text: str, spans: list[tuple[int, int]], now: datetime
) -> tuple[date, date, int, int] | None:
    """The days away said at the first of `spans`: a range to the next one, one day, a week,
    or from today to a date after "until" or "back"; and where they were said."""
    (start, end), following = spans[0], spans[1:2]
    lead = LEAD_IN.search(text, 0, start)
    cut_from = lead.start() if lead else start
    joined = JOIN.fullmatch(text, end, following[0][0]) if following else None
    days = day_range(text[start:end], text[slice(*following[0])], now) if joined else None
    if joined and days:
        back = timedelta(days=bool(joined.group("back")))  # "back on 5 Jan": away to the 4th
        return days[0], days[1] - back, cut_from, following[0][1]
    days = one_day_or_week(text[start:end], now)
    if days and lead and (lead.group("until") or lead.group("back")):  # "out until Friday"
        days = (now.date(), days[1] - timedelta(days=bool(lead.group("back"))))
    return (*days, cut_from, end) if days else None


def day_range(first: str, last: str, now: datetime) -> tuple[date, date] | None:
    """ "24 Dec" to "2 Jan"; a day number alone takes the end's month ("10th to 21st August");
    an end that would not come after the start is read from it ("next Monday to Friday")."""
    number = DAY_NUMBER.fullmatch(first.strip())
    start = None if number else read_day(first, now)
    end = read_day(last, now)
    if end is not None and start is not None and end <= start:
        end = read_day(last, datetime.combine(start, time(12), now.tzinfo))
    if end is not None and number:
        with suppress(ValueError):
            start = end.replace(day=int(number.group(1)))
    return (start, end) if start is not None and end is not None else None


def one_day_or_week(phrase: str, now: datetime) -> tuple[date, date] | None:
    """ "tomorrow", "this Friday"; "next week" is its Monday to Friday."""
    day = read_day(phrase, now)
    if day is None:
        return None
    if not WEEK.fullmatch(phrase.strip()):
        return day, day
    monday = day - timedelta(days=day.weekday())
    return max(monday, now.date()), max(monday + timedelta(days=4), now.date())


def read_day(phrase: str, now: datetime) -> date | None:
    """One date, by the chat's date reader; a month or a number alone is no day."""
    phrase = re.sub(r"^the\s+", "", phrase.strip(), flags=re.I)  # "the 5th Jan" is 5 Jan
    if phrase.isdigit() or MONTH_ALONE.fullmatch(phrase):
        return None
    return parse_date_phrase(phrase, now=now, tz=now.tzinfo)


def days_text(start: date, end: date) -> str:
    return f"{start:%a %d %b %Y}" if start == end else f"{start:%a %d %b} – {end:%a %d %b %Y}"


def absences(ctx: Context) -> list[Absence]:
    today = clock.today(ctx.person.timezone)
    query = select(Absence).where(Absence.user_id == ctx.user, Absence.end >= today)
    return list(ctx.session.exec(query.order_by(Absence.start)))


quiet_skill = Skill(
    "quiet",
    "Set your quiet hours and whether weekends are off (in your Slack timezone).",
    priority=41,
    text_operation="quiet.set",
    bare_operation="quiet.set",
)


class QuietArgs(Args):
    setting: str = rest(default="", description="`19:00-08:00`, or `weekends on|off`")


@quiet_skill.operation(
    "quiet.set",
    summary="Your quiet hours and weekends (no scheduled messages then); alone, shows them.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    command="quiet set",
    examples=["quiet 19:00-08:00", "quiet weekends off", "quiet"],
    usage="quiet [HH:MM-HH:MM | weekends on|off]",
)
def quiet(ctx: Context, args: QuietArgs) -> Reply:
    words = args.setting.lower().split()
    prefs = ctx.session.get(PersonPrefs, ctx.user) or PersonPrefs(user_id=ctx.user)
    if words and words[0] == "weekends" and len(words) > 1 and words[1] in ("on", "off"):
        prefs.weekends_off = words[1] == "on"
    elif words and HOURS.match(words[0]):
        start, end = HOURS.match(words[0]).groups()  # type: ignore[union-attr]
        try:
            parse_hhmm(start), parse_hhmm(end)
        except ValueError:
            raise UserError("Use 24-hour times, e.g. `quiet 19:00-08:00`.") from None
        prefs.quiet_start, prefs.quiet_end = (
            f"{parse_hhmm(start):%H:%M}",
            f"{parse_hhmm(end):%H:%M}",
        )
    elif words:
        raise UserError("Try `quiet 19:00-08:00` or `quiet weekends on|off`.")
    ctx.session.add(prefs)
    weekends = "no messages at weekends" if prefs.weekends_off else "weekends are working days"
    return Reply(
        text=f"Quiet hours {prefs.quiet_start}–{prefs.quiet_end} "
        f"({ctx.person.timezone}); {weekends}.",
        ephemeral=True,
    )


@skill.operation(
    "ooo.show",
    summary="Your planned time away.",
    access=Access.ANYONE,
    scope=no_scope,
    aliases={"ooo list": {}},
    examples=["ooo"],
)
def show(ctx: Context, args: Args) -> Reply:
    mine = absences(ctx)
    if not mine:
        return Reply(
            text="You have no time away planned. Add some: `ooo 2026-12-21..2027-01-02 holiday`.",
            ephemeral=True,
        )
    lines = [
        f"• {days_text(a.start, a.end)}{' — ' + escape(a.reason) if a.reason else ''}" for a in mine
    ]
    return Reply(text="*You're away:*\n" + "\n".join(lines), ephemeral=True)


@skill.operation(
    "ooo.clear",
    summary="Cancel your planned time away.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    examples=["ooo clear"],
)
def clear(ctx: Context, args: Args) -> Reply:
    for absence in absences(ctx):
        ctx.session.delete(absence)
    return Reply(text="Cleared your planned time away.", ephemeral=True)


class AwayArgs(Args):
    dates: str = rest(description="FROM..TO (or words: tomorrow, 24 Dec to 2 Jan) and a reason")


@skill.operation(
    "ooo.set",
    summary="Tell me you're away: no check-ins or reminders, PMs see you as away.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    examples=["ooo 2026-12-21..2027-01-02 holiday"],
    usage="ooo FROM..TO [REASON]",
)
def set_away(ctx: Context, args: AwayArgs) -> Reply:
    found = RANGE_IN_TEXT.search(args.dates)
    if found:
        start, end = parse_range(found.group(0))
        reason = " ".join(args.dates[found.end() :].split())[:200] or None
    else:
        start, end, reason = dates_in_words(ctx, args.dates)
    ctx.session.add(Absence(user_id=ctx.user, start=start, end=end, reason=reason))
    more = ""
    if reason and len(reason.split()) > LONG_REASON_WORDS:  # "ooo tomorrow, today I'm on …"
        more = " If the rest was your update, send it on its own: `status …`."
    return Reply(
        text=f"Got it: you're away {days_text(start, end)}. I won't ask "
        f"or remind you then, and PMs will see you as away.{more}",
        ephemeral=True,
    )
