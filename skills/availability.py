"""Being away and quiet hours: `ooo` and `quiet`, honoured by every scheduled message."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.skills import Skill
from bot.core.text import escape
from scheduler.models import Absence, PersonPrefs
from scheduler.plan import parse_hhmm

skill = Skill(
    "ooo",
    "Tell me when you're away (no check-ins or reminders) and your quiet hours.",
    examples=["ooo 2026-12-21..2027-01-02 holiday", "ooo", "ooo clear"],
    aliases=("away",),
    patterns=(r"^\s*(i'?m|i am|i will be|i'll be)\s+(out of office|ooo|away|on leave|off)\b",),
    priority=40,
)

RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|\s+to\s+|–|—)(\d{4}-\d{2}-\d{2})$")
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


def absences(ctx: Context) -> list[Absence]:
    today = clock.today(ctx.person.timezone)
    query = select(Absence).where(Absence.user_id == ctx.user, Absence.end >= today)
    return list(ctx.session.exec(query.order_by(Absence.start)))


quiet_skill = Skill(
    "quiet",
    "Set your quiet hours and whether weekends are off (in your Slack timezone).",
    examples=["quiet 19:00-08:00", "quiet weekends off", "quiet"],
    priority=41,
)


@quiet_skill.command
def quiet(ctx: Context, args: str) -> Reply:
    words = args.lower().split()
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


@skill.command
def handle(ctx: Context, args: str) -> Reply:
    words = args.split()
    if not words or words[0].lower() in ("list", "show"):
        mine = absences(ctx)
        if not mine:
            return Reply(
                text="You have no time away planned. Add some: "
                "`ooo 2026-12-21..2027-01-02 holiday`.",
                ephemeral=True,
            )
        lines = [
            f"• {a.start:%a %d %b} – {a.end:%a %d %b %Y}"
            f"{' — ' + escape(a.reason) if a.reason else ''}"
            for a in mine
        ]
        return Reply(text="*You're away:*\n" + "\n".join(lines), ephemeral=True)
    if words[0].lower() == "clear":
        for absence in absences(ctx):
            ctx.session.delete(absence)
        return Reply(text="Cleared your planned time away.", ephemeral=True)
    start, end = parse_range(words[0])
    reason = " ".join(words[1:])[:200] or None
    ctx.session.add(Absence(user_id=ctx.user, start=start, end=end, reason=reason))
    return Reply(
        text=f"Got it: you're away {start:%a %d %b} – {end:%a %d %b %Y}. I won't ask "
        "or remind you then, and PMs will see you as away.",
        ephemeral=True,
    )
