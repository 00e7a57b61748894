"""The check-in skill: its settings, shown and changed in chat, and the setup form."""

from __future__ import annotations

import json
from typing import Any

from bot.core import projects, ui
from bot.core.args import split_args
from bot.core.concurrency import ChangedMeanwhile
from bot.core.context import Context
from bot.core.messages import FieldErrors, Reply, UserError, ViewSubmission
from bot.core.models import Project
from bot.core.operations import Access, ProjectArgs, flag, positional, rest
from bot.core.skills import Skill
from bot.core.text import escape
from skills.status import config as settings
from skills.status.days import saved_text, under_way_note
from skills.status.views import SETUP, setup_form

skill = Skill(
    "checkin",
    "Set up the daily check-in: who is asked, when (their own time), and where the report goes.",
    aliases=("check-in", "checkins"),
    details=(
        "PMs change the settings: `checkin on|off`, `checkin participants @a @b` (or `members`), "
        "`checkin observers @c` (or `none`), `checkin time 09:30`, `checkin days mon-fri`, "
        "`checkin window 4h`, `checkin reminders 1 before 1h` (or `off`), `checkin where "
        "channel|thread`, `checkin questions Q1 | Q2 | Q3` (or `default`), `checkin timezone @a "
        "Europe/Paris` (or `slack`), `checkin holiday 2026-12-25` (`holiday remove DATE`)."
    ),
    priority=46,
    text_operation="checkin.set",
    bare_operation="checkin.show",
)

USAGE = (
    "Try `checkin`, `checkin setup`, `checkin on|off`, `checkin participants @a @b`, "
    "`checkin time 09:30`, `checkin days mon-fri`, `checkin window 4h` or "
    "`checkin holiday 2026-12-25` (`help checkin` has them all)."
)


def checkin_settings(
    ctx: Context, project: Project, sub: str, rest: list[str]
) -> settings.Settings:
    """One chat command as settings to apply (a `UserError` for anything unclear)."""
    change = settings.Settings()
    text = " ".join(rest)
    if sub in ("on", "off", "enable", "disable", "start", "stop"):
        change.enabled = sub in ("on", "enable", "start")
    elif sub in ("participants", "people", "who"):
        if not rest:
            raise UserError("Who takes part? `checkin participants @a @b`, or `… members`.")
        if rest[0].lower() in ("members", "default", "all", "everyone"):
            change.reset_participants = True
        elif rest[0].lower() in ("add", "remove"):
            named = settings.parse_people(rest[1:])
            if not named:
                raise UserError(
                    f"Whom should I {rest[0].lower()}? e.g. `checkin participants add @a`."
                )
            if rest[0].lower() == "add":  # applied to who takes part when it is saved
                change.add_participants = named
            else:
                change.remove_participants = named
        else:
            change.participants = settings.parse_people(rest)
    elif sub in ("observers", "observer"):
        none = rest and rest[0].lower() in ("none", "nobody", "clear")
        change.observers = [] if none else settings.parse_people(rest)
        if not rest:
            raise UserError("Who gets the report by DM? `checkin observers @c`, or `… none`.")
    elif sub == "time":
        change.time = settings.parse_time(text)
    elif sub == "days":
        change.days = settings.parse_days(text)
    elif sub == "window":
        change.window_minutes = settings.parse_window(text)
    elif sub in ("reminders", "reminder"):
        change.reminder_count, change.reminder_before_minutes = parse_reminders(rest)
    elif sub in ("where", "report", "destination"):
        change.destination = (rest[0].lower() if rest else "").rstrip("s")
        if change.destination not in settings.DESTINATIONS:
            raise UserError("Post the report in the `channel`, or in a `thread` per check-in.")
    elif sub == "questions":
        change.questions = settings.parse_questions(text)
    elif sub in ("timezone", "tz"):
        if len(rest) != 2:
            raise UserError("`checkin timezone @user Europe/Paris`, or `… @user slack` to clear.")
        user = projects.check_user_id(rest[0])
        zone = None if rest[1].lower() in ("slack", "clear", "default") else rest[1]
        change.timezones = {user: zone}
    elif sub == "holiday":
        if rest[:1] and rest[0].lower() in ("remove", "delete", "cancel"):
            change.remove_holidays = [settings.parse_holiday(d) for d in rest[1:] or [""]]
        else:
            change.add_holidays = [settings.parse_holiday(d) for d in rest or [""]]
    else:
        raise UserError(USAGE)
    return change


def parse_reminders(rest: list[str]) -> tuple[int, int | None]:
    """`off`, `2`, `1 before 45m`."""
    if not rest:
        raise UserError("`checkin reminders 1 before 1h`, or `checkin reminders off`.")
    if rest[0].lower() in ("off", "none", "0"):
        return 0, None
    if not rest[0].isdigit():
        raise UserError(f"`{escape(rest[0])}` is not a number of reminders (0 to 3).")
    before = None
    if len(rest) >= 2:
        words = rest[2:] if rest[1].lower() == "before" else rest[1:]
        before = settings.parse_window(" ".join(words))
    return int(rest[0]), before


@skill.operation(
    "checkin.show",
    summary="Show the project's check-in settings.",
    access=Access.VIEWER,
    aliases={"checkin config": {}, "checkin settings": {}, "checkin status": {}},
    examples=["checkin"],
)
def show(ctx: Context, args: ProjectArgs) -> Reply:
    project = ctx.project_for(args.project)
    return Reply(
        text=settings.describe(ctx.session, project, settings.get_config(ctx.session, project))
    )


@skill.operation(
    "checkin.holidays",
    summary="List the days with no check-in.",
    access=Access.VIEWER,
    examples=["checkin holidays"],
)
def holidays(ctx: Context, args: ProjectArgs) -> Reply:
    project = ctx.project_for(args.project)
    days = settings.holidays(ctx.session, project, upcoming=True)
    listed = ", ".join(f"{d:%a %d %b %Y}" for d in days) or "none planned"
    return Reply(text=f"Check-in holidays of `{project.key}`: {listed}.")


class SetArgs(ProjectArgs):
    setting: str = positional(description="on, off, participants, observers, time, days, …")
    value: str = rest(default="", description="The new value")


@skill.operation(
    "checkin.set",
    summary="Change one check-in setting (PMs).",
    access=Access.PM,
    writes=True,
    examples=[
        "checkin participants @ana @bo",
        "checkin time 10:00",
        "checkin days mon,wed,fri",
        "checkin window 3h",
        "checkin holiday 2026-12-25",
    ],
    usage="checkin SETTING VALUE (on, off, participants, observers, time, days, window, …)",
)
def set_setting(ctx: Context, args: SetArgs) -> Reply:
    project = ctx.project_for(args.project)
    sub = args.setting.lower()
    change = checkin_settings(ctx, project, sub, split_args(args.value))
    note = under_way_note(ctx.session, project, change)
    config = settings.apply_settings(ctx.session, project, change, actor=ctx.user)
    ctx.audit("checkin.config", project=project, target=sub, value=args.value[:200])
    text = saved_text(ctx.session, project, config, note)
    return Reply(text=text, blocks=[ui.section(text)])


@skill.operation(
    "checkin.setup",
    summary="Open a form with every check-in setting (PMs).",
    access=Access.PM,
    aliases={"checkin form": {}, "checkin edit": {}},
    examples=["checkin setup"],
)
def setup(ctx: Context, args: ProjectArgs) -> Reply:
    project = ctx.project_for(args.project)
    config = settings.config_or_new(ctx.session, project)
    return Reply(
        text="Opening the check-in setup…", modal=setup_form(project, config, config.participants)
    )


class SetupArgs(ProjectArgs):
    values: dict[str, Any] = flag(
        default_factory=dict, description="The form's fields", internal=True
    )
    version: int | None = flag(description="The settings' version the form showed", internal=True)


def from_setup_form(submission: ViewSubmission) -> dict[str, Any]:
    try:
        meta = json.loads(submission.private_metadata)
        project = str(meta["project"])
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; open it again with `/pmo checkin setup`.") from None
    return {"project": project, "values": submission.values, "version": meta.get("version")}


@skill.operation(
    "checkin.save_setup",
    summary="Save the check-in setup form.",
    access=Access.PM,
    writes=True,
    forms={SETUP: from_setup_form},
    hidden=True,
    command="checkin setup save",
)
def save_setup(ctx: Context, args: SetupArgs) -> Reply:
    from skills.status.forms import read_setup

    project = ctx.project_for(args.project)
    change = read_setup(args.values)
    note = under_way_note(ctx.session, project, change)
    try:
        config = settings.apply_settings(
            ctx.session, project, change, actor=ctx.user, seen=args.version
        )
    except (FieldErrors, ChangedMeanwhile):
        raise
    except settings.RemindersDontFit as exc:
        raise FieldErrors({"remind_before": str(exc)}) from None
    except UserError as exc:
        field = "participants" if change.participants or change.reset_participants else "enabled"
        raise FieldErrors({field: str(exc)}) from None
    ctx.audit("checkin.config", project=project, target="setup")
    text = saved_text(ctx.session, project, config, note)
    return Reply(text=text, to_user=ctx.user)
