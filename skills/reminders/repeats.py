"""Repeat rules: `daily`, `weekdays` or `weekly:mon,thu`; the days each allows, how it is
said, and the same days in another timezone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def first_repeat_day(rule: str, today: date, at: time, local_now: datetime) -> date:
    """The first day the rule allows, today included when `at` is still ahead."""
    for offset in range(8):
        day = today + timedelta(days=offset)
        if (offset or at > local_now.time()) and allows(rule, day):
            return day
    return today + timedelta(days=1)


def allows(rule: str, day: date) -> bool:
    """Whether a repeat rule fires on `day` (a date)."""
    if rule == "daily":
        return True
    if rule == "weekdays":
        return day.weekday() < 5
    if rule.startswith("weekly:"):
        return WEEKDAYS[day.weekday()] in rule.removeprefix("weekly:").split(",")
    return True


def repeat_in(rule: str | None, first: datetime, said: str, kept: str) -> str | None:
    """A repeat said in one timezone's days, in another's: every Monday at 15:00 in London is
    every Tuesday in Auckland (by how far apart the days of the first time are)."""
    shift = (first.astimezone(ZoneInfo(kept)).date() - first.astimezone(ZoneInfo(said)).date()).days
    if not shift or not rule or not (rule == "weekdays" or rule.startswith("weekly:")):
        return rule  # the same days, or every day
    days = WEEKDAYS[:5] if rule == "weekdays" else rule.removeprefix("weekly:").split(",")
    moved = {WEEKDAYS[(WEEKDAYS.index(d) + shift) % 7] for d in days if d in WEEKDAYS}
    return "weekly:" + ",".join(d for d in WEEKDAYS if d in moved)


def describe_repeat(rule: str | None) -> str:
    if not rule:
        return "once"
    if rule.startswith("weekly:"):
        days = rule.removeprefix("weekly:").split(",")
        return "every " + ", ".join(d.title() for d in days)
    return {"daily": "every day", "weekdays": "every weekday", "weekly": "every week"}[rule]
