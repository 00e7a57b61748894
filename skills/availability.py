"""Being away and quiet hours: `ooo` and `quiet`, honoured by every scheduled message."""

from __future__ import annotations

import re
from datetime import date
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


WORDS_TO = re.compile(r"\s+(?:to|until|till|through|thru|-|–|—)\s+|\.\.", re.I)
MAX_DATE_WORDS = 7  # "Thu 24 Dec to Fri 1 Jan", "next friday", "tomorrow"
LONG_REASON_WORDS = 6  # more than a reason ("holiday", "dentist"): maybe an update too


def dates_in_words(ctx: Context, text: str) -> tuple[date, date, str | None]:
    """Time away said in words at the start ("tomorrow", "24 Dec to 2 Jan", "friday"), read
    by the chat's date reader, and the reason after it."""
    now, tz = clock.now(), ZoneInfo(ctx.person.timezone)
    words = text.split()
    for size in range(min(len(words), MAX_DATE_WORDS), 0, -1):
        head = " ".join(words[:size])
        parts = WORDS_TO.split(head, maxsplit=1)
        days = [parse_date_phrase(part, now=now, tz=tz) for part in parts if part.strip()]
        if days and all(days) and len(days) == len(parts):
            start, end = days[0], days[-1]
            if end < start:
                raise UserError("The end date is before the start date.")
            return start, end, " ".join(words[size:])[:200] or None
    raise UserError(
        "When are you away? Say `ooo tomorrow`, `ooo 24 Dec to 2 Jan holiday` or "
        "`ooo 2026-12-21..2027-01-02`."
    )


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
    dates: str = rest(description="FROM..TO (dates or words: tomorrow, 24 Dec), then a reason")


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
