"""Check-in settings: reading and checking each one, who takes part, and how it reads back.

Every setter validates its value first and raises `UserError` with what to type
instead, so a bad value never changes anything. Chat, the setup modal and the
CLI all go through `apply_settings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from bot.core import clock
from bot.core.concurrency import editing, get_or_add
from bot.core.messages import UserError
from bot.core.models import Project, Role
from bot.core.people import People
from bot.core.projects import check_timezone, check_user_id, members_of, role_of
from bot.core.text import escape, mention
from scheduler.plan import parse_hhmm
from skills.status.models import DEFAULT_QUESTIONS, CheckinConfig, CheckinHoliday
from skills.status.quiet import quiet_note

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FULL_DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAY_SETS = {
    "weekdays": [0, 1, 2, 3, 4],
    "workdays": [0, 1, 2, 3, 4],
    "daily": list(range(7)),
    "everyday": list(range(7)),
    "weekends": [5, 6],
}
DURATION = re.compile(r"^(?:(\d{1,2})\s*h(?:ours?|rs?)?)?\s*(?:(\d{1,4})\s*m(?:in(?:ute)?s?)?)?$")
MIN_WINDOW, MAX_WINDOW = 15, 24 * 60
MAX_QUESTIONS, MAX_QUESTION_CHARS = 8, 150
MAX_REMINDERS = 3
DESTINATIONS = ("channel", "thread")


def get_config(session: Session, project: Project) -> CheckinConfig | None:
    return session.get(CheckinConfig, project.id)


def config_or_new(session: Session, project: Project) -> CheckinConfig:
    """The project's configuration, or a new one with the defaults (not yet saved)."""
    return get_config(session, project) or CheckinConfig(project_id=project.id)


def parse_time(text: str) -> str:
    """`9:30` or `09:30` as `09:30`; anything else is a `UserError`."""
    if not re.fullmatch(r"\d{1,2}:\d{2}", text.strip()):
        raise UserError(f"`{escape(text)}` is not a time: use 24-hour `HH:MM`, e.g. `09:30`.")
    try:
        return f"{parse_hhmm(text.strip()):%H:%M}"
    except ValueError:
        raise UserError(
            f"`{escape(text)}` is not a time: use 24-hour `HH:MM`, e.g. `09:30`."
        ) from None


def parse_days(text: str) -> list[int]:
    """`mon,wed,fri`, `mon-fri`, `weekdays` or `daily` as sorted weekday numbers (Monday 0)."""
    words = [w for w in re.split(r"[\s,;/]+", text.strip().lower()) if w]
    days: set[int] = set()
    for word in words:
        if word in DAY_SETS:
            days.update(DAY_SETS[word])
        elif "-" in word:
            first, _, last = word.partition("-")
            start, end = _day(first), _day(last)
            days.update(
                range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            )
        else:
            days.add(_day(word))
    if not days:
        raise UserError("Which days? e.g. `checkin days mon,wed,fri` or `checkin days weekdays`.")
    return sorted(days)


def _day(word: str) -> int:
    matches = [i for i, name in enumerate(FULL_DAY_NAMES) if name.startswith(word)]
    if len(word) < 3 or not matches:
        raise UserError(
            f"`{escape(word)}` is not a day: use mon, tue, wed, thu, fri, sat, sun "
            "(e.g. `mon,wed,fri` or `mon-fri`)."
        )
    return matches[0]


def days_text(days: list[int]) -> str:
    if days == [0, 1, 2, 3, 4]:
        return "Mon–Fri"
    if days == list(range(7)):
        return "every day"
    return ", ".join(DAY_NAMES[d].title() for d in days)


def parse_window(text: str) -> int:
    """`3h`, `90m`, `2h30m` as minutes, from 15 minutes to 24 hours."""
    match = DURATION.match(text.strip().lower().replace(" ", ""))
    if not text.strip() or not match or not any(match.groups()):
        raise UserError(f"`{escape(text)}` is not a duration: use e.g. `3h`, `90m` or `2h30m`.")
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not MIN_WINDOW <= minutes <= MAX_WINDOW:
        raise UserError("The response window must be from 15 minutes to 24 hours, e.g. `4h`.")
    return minutes


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}m" if hours and rest else (f"{hours}h" if hours else f"{rest}m")


def parse_holiday(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"`{escape(text)}` is not a date: use YYYY-MM-DD, e.g. `2026-12-25`."
        ) from None


def parse_questions(text: str) -> list[str]:
    """Questions separated by `|` or new lines; `default` restores the standard four."""
    if text.strip().lower() in ("default", "defaults", "reset"):
        return list(DEFAULT_QUESTIONS)
    questions = [" ".join(q.split()) for q in re.split(r"\s*[|\n]\s*", text) if q.strip()]
    if not questions:
        raise UserError("Give the questions separated by `|`, or `checkin questions default`.")
    if len(questions) > MAX_QUESTIONS:
        raise UserError(f"Ask at most {MAX_QUESTIONS} questions; you gave {len(questions)}.")
    long = [q for q in questions if len(q) > MAX_QUESTION_CHARS]
    if long:
        raise UserError(f"Keep each question under {MAX_QUESTION_CHARS} characters.")
    return questions


def parse_people(words: list[str]) -> list[str]:
    """Slack user ids from mentions, in order, without repeats (a `UserError` if one is not)."""
    found: list[str] = []
    for word in words:
        for part in (p for p in re.split(r"[\s,]+", word) if p):
            user = check_user_id(part)
            if user not in found:
                found.append(user)
    return found


def members(session: Session, project: Project) -> list[str]:
    """The project's PMs and members (viewers read, they are not asked)."""
    return sorted({m.user_id for m in members_of(session, project) if m.role != Role.VIEWER.value})


def participants(session: Session, project: Project, config: CheckinConfig) -> list[str]:
    """Who is asked: the explicit list (less those who left the project), else the
    project's PMs and members."""
    if config.participants is not None:
        inside = {m.user_id for m in members_of(session, project)}
        return [u for u in config.participants if u in inside]
    return members(session, project)


def check_in_project(session: Session, project: Project, users: list[str]) -> None:
    outside = [u for u in users if role_of(session, project, u) is None]
    if outside:
        who = ", ".join(mention(u) for u in outside)
        raise UserError(
            f"{who} {'is' if len(outside) == 1 else 'are'} not in `{project.key}`: add them first "
            "with `/pmo project members add @user`, then make them participants."
        )


def person_timezone(people: People, config: CheckinConfig, user: str, fallback: str) -> str:
    """The participant's timezone: the override, else Slack's, else the project's."""
    for zone in (config.timezones.get(user), people.get(user).timezone):
        if zone:
            try:
                ZoneInfo(zone)
                return zone
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return fallback


def holidays(session: Session, project: Project, *, upcoming: bool = False) -> list[date]:
    query = select(CheckinHoliday.day).where(CheckinHoliday.project_id == project.id)
    if upcoming:
        query = query.where(CheckinHoliday.day >= clock.today(project.timezone))
    return sorted(session.exec(query))


@dataclass
class Settings:
    """Changes to apply; None leaves a setting as it is."""

    enabled: bool | None = None
    time: str | None = None
    days: list[int] | None = None
    window_minutes: int | None = None
    participants: list[str] | None = None
    add_participants: list[str] = field(default_factory=list)  # to those taking part now
    remove_participants: list[str] = field(default_factory=list)
    reset_participants: bool = False
    observers: list[str] | None = None
    questions: list[str] | None = None
    destination: str | None = None
    reminder_count: int | None = None
    reminder_before_minutes: int | None = None
    timezones: dict[str, str | None] = field(default_factory=dict)
    add_holidays: list[date] = field(default_factory=list)
    remove_holidays: list[date] = field(default_factory=list)


def apply_settings(
    session: Session,
    project: Project,
    changes: Settings,
    *,
    actor: str,
    seen: int | None = None,
) -> CheckinConfig:
    """Check every change, then save them together (nothing is saved if one is wrong).

    The settings are changed as stored now (locked and re-read); `seen` is the version a
    setup form showed, refused with the new settings if they changed since.
    """
    for named in (changes.participants, changes.add_participants, changes.observers):
        if named:  # observers too: the report is the project's data
            check_in_project(session, project, named)
    if changes.destination is not None and changes.destination not in DESTINATIONS:
        raise UserError("Post the report in the `channel`, or in a `thread` per check-in.")
    if changes.reminder_count is not None and not 0 <= changes.reminder_count <= MAX_REMINDERS:
        raise UserError(f"Send from 0 to {MAX_REMINDERS} reminders.")
    for user, zone in changes.timezones.items():
        if zone:
            check_timezone(zone)
        check_in_project(session, project, [user])
    config, _ = get_or_add(
        session, lambda: get_config(session, project), lambda: CheckinConfig(project_id=project.id)
    )

    def changed_meanwhile(stored: Session, now: CheckinConfig) -> str:
        return (
            f"Someone changed the check-in settings of `{project.key}` while you were editing "
            f"them, so I saved nothing. They are now:\n{describe(stored, project, now)}"
        )

    with editing(session, config, conflict=changed_meanwhile, seen=seen):
        _apply(session, project, config, changes)
        config.updated_by, config.updated_at = actor, clock.now()
        session.add(config)
    return config


def _apply(session: Session, project: Project, config: CheckinConfig, changes: Settings) -> None:
    for name in ("time", "days", "window_minutes", "observers", "questions", "destination"):
        value = getattr(changes, name)
        if value is not None:
            setattr(config, name, value)
    if changes.participants is not None:
        config.participants = changes.participants
    if changes.reset_participants:
        config.participants = None
    if changes.add_participants or changes.remove_participants:
        named = changes.add_participants + changes.remove_participants
        keep = [u for u in participants(session, project, config) if u not in named]
        config.participants = keep + changes.add_participants
    if changes.reminder_count is not None:
        config.reminder_count = changes.reminder_count
    if changes.reminder_before_minutes is not None:
        config.reminder_before_minutes = changes.reminder_before_minutes
    if changes.timezones:
        zones = dict(config.timezones)
        for user, zone in changes.timezones.items():
            zones.pop(user, None) if zone is None else zones.__setitem__(user, zone)
        config.timezones = zones
    if changes.enabled is not None:
        config.enabled = changes.enabled
    timing = (changes.window_minutes, changes.reminder_count, changes.reminder_before_minutes)
    if any(value is not None for value in timing):
        check_reminders_fit(config)
    if config.enabled and not participants(session, project, config):
        raise UserError(
            f"A check-in needs participants: `{project.key}` has no members yet. Name them with "
            "`/pmo checkin participants @a @b` (they must be project members)."
        )
    _change_holidays(session, project, changes)


class RemindersDontFit(UserError):
    """The reminders would fall before the prompt: none of them would ever be sent."""


def check_reminders_fit(config: CheckinConfig) -> None:
    """Refuse reminders whose lead is not shorter than the response window (they would be
    due before the prompt, so `jobs.reminder_times` plans none)."""
    count, before, window = (
        config.reminder_count,
        config.reminder_before_minutes,
        config.window_minutes,
    )
    if not count or before < window:
        return
    fixes = [f"a window of {duration_text(2 * before)}"] if 2 * before <= MAX_WINDOW else []
    if window // 2 >= MIN_WINDOW:
        fixes.append(f"the last reminder {duration_text(window // 2)} before the close")
    choices = (
        ", ".join(fixes) + (" or " if fixes else "") + "no reminders (`checkin reminders off`)"
    )
    reminders = "a reminder" if count == 1 else f"{count} reminders"
    raise RemindersDontFit(
        f"Answers are open for {duration_text(window)}, so {reminders} {duration_text(before)} "
        "before the window closes would never be sent: the window must be longer than the "
        f"reminder lead. Try {choices}."
    )


def _change_holidays(session: Session, project: Project, changes: Settings) -> None:
    known = set(holidays(session, project))
    for day in changes.add_holidays:
        if day not in known:
            session.add(CheckinHoliday(project_id=project.id, day=day))
            known.add(day)
    for day in changes.remove_holidays:
        row = session.exec(
            select(CheckinHoliday).where(
                CheckinHoliday.project_id == project.id, CheckinHoliday.day == day
            )
        ).first()
        if row is None:
            raise UserError(f"{day:%a %d %b %Y} is not a check-in holiday of `{project.key}`.")
        session.delete(row)


def describe(session: Session, project: Project, config: CheckinConfig | None) -> str:
    """The configuration as mrkdwn, for `/pmo checkin` and the CLI."""
    if config is None:
        return (
            f"Check-ins are not set up for `{project.key}`. Start them with `/pmo checkin on` "
            "(asks every member Mon–Fri at 09:30 their time) or `/pmo checkin setup`."
        )
    who = participants(session, project, config)
    listed = ", ".join(mention(u) for u in who) or "_nobody_"
    source = "" if config.participants is not None else " (the project's members)"
    state = "*on*" if config.enabled else "*off* (`/pmo checkin on` starts them)"
    reminders = (
        f"{config.reminder_count} reminder{'s' if config.reminder_count != 1 else ''}, the last "
        f"{duration_text(config.reminder_before_minutes)} before the window closes"
        if config.reminder_count
        else "no reminders"
    )
    where = "in the channel" if config.destination == "channel" else "in a thread per check-in"
    lines = [
        f"*Check-ins of `{project.key}`* are {state}: {days_text(config.days)} at {config.time} "
        f"in each participant's own timezone; answers open for "
        f"{duration_text(config.window_minutes)}; {reminders}; report {where}.",
        quiet_note(session, config, who),
        f"Participants{source}: {listed}",
        f"Observers (get the report by DM): "
        f"{', '.join(mention(u) for u in config.observers) or '_none_'}",
        "Questions: " + " · ".join(escape(q) for q in config.questions),
    ]
    if config.timezones:
        zones = ", ".join(f"{mention(u)} {escape(z)}" for u, z in sorted(config.timezones.items()))
        lines.append(f"Timezone overrides: {zones}")
    upcoming = holidays(session, project, upcoming=True)
    if upcoming:
        lines.append("Holidays: " + ", ".join(f"{d:%a %d %b %Y}" for d in upcoming[:10]))
    return "\n".join(line for line in lines if line)
