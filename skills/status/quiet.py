"""A check-in time inside someone's quiet hours: when they are asked instead, and the note
that tells the PM.

The prompt moves to when their quiet hours end, never earlier than the set time: with
quiet hours 19:00–08:00, 07:00 becomes 08:00 that morning and 22:00 becomes 08:00 the next
morning (still the check-in of the day before; not asked when that morning is their
weekend or a day away). Personal reminders move the same way.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.core.text import mention
from scheduler.models import PersonPrefs
from scheduler.plan import DEFAULT_PREFS, out_of_quiet_hours, parse_hhmm
from skills.status.models import CheckinConfig

DEFAULT_QUIET = (DEFAULT_PREFS.quiet_start, DEFAULT_PREFS.quiet_end)


def asked_at(prefs: PersonPrefs, day: date, at: str, zone: str) -> datetime:
    """The local moment someone is asked `day`'s check-in set for `at`: then, or when their
    quiet hours end (the next morning when `at` falls in the evening part)."""
    moved = parse_hhmm(out_of_quiet_hours(prefs, at))
    on = day + timedelta(days=1) if moved < parse_hhmm(at) else day
    return datetime.combine(on, moved, tzinfo=ZoneInfo(zone))


def quiet_note(session: Session, config: CheckinConfig, users: list[str]) -> str:
    """Who has quiet hours covering the check-in time, and when they are asked instead
    ('' when nobody does)."""
    stored = session.exec(select(PersonPrefs).where(col(PersonPrefs.user_id).in_(users)))
    prefs = {p.user_id: p for p in stored}
    groups: dict[tuple[str, str], list[str]] = {}
    for user in users:
        mine = prefs.get(user) or PersonPrefs(user_id=user)
        if out_of_quiet_hours(mine, config.time) != config.time:
            groups.setdefault((mine.quiet_start, mine.quiet_end), []).append(user)
    return " ".join(_moved(config, hours, who) for hours, who in groups.items())


def _moved(config: CheckinConfig, hours: tuple[str, str], users: list[str]) -> str:
    start, end = hours
    default = ", the default" if hours == DEFAULT_QUIET else ""
    next_morning = parse_hhmm(end) < parse_hhmm(config.time)
    when = "the next morning" if next_morning else "that morning"
    weekend = next_morning and any((d + 1) % 7 >= 5 for d in config.days)
    return (
        f":warning: {config.time} is in the quiet hours of {', '.join(mention(u) for u in users)} "
        f"({start}–{end}{default}), so they are asked when those end: at {end} {when}, "
        f"their time{' (not on a weekend they take off)' if weekend else ''}."
    )
