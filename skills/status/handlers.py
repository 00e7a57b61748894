"""The check-in skills: `checkin` configures them, `standup` takes and shows status updates.

`/pmo status …`, labelled updates ("Done: … Next: …") and prose the offline parser
reads as an update all reach `standup` (its patterns and `claim`, see `routing`);
"status of apollo" is still a question for the summary.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core import clock, projects, ui
from bot.core.args import parse_flags, split_args
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project
from bot.core.skills import Skill
from bot.core.text import escape
from skills.status import config as settings
from skills.status import service
from skills.status.report import late_update_reply
from skills.status.routing import (
    RAG_LINE,
    SECTION_LABEL,
    STATUS_COMMAND,
    answers_open_prompt,
    looks_like_status,
)
from skills.status.views import (
    GIVE,
    checkin_value,
    history_text,
    saved_reply,
    setup_form,
    stats_text,
)

checkin_skill = Skill(
    "checkin",
    "Set up the daily check-in: who is asked, when (their own time), and where the report goes.",
    examples=[
        "checkin",
        "checkin setup",
        "checkin participants @ana @bo",
        "checkin time 10:00",
        "checkin days mon,wed,fri",
        "checkin window 3h",
        "checkin holiday 2026-12-25",
    ],
    aliases=("check-in", "checkins"),
    details=(
        "`checkin` shows the settings; `checkin setup` opens a form with all of them. PMs change "
        "them: `checkin on|off`, `checkin participants @a @b` (or `members`), `checkin observers "
        "@c` (or `none`), `checkin time 09:30`, `checkin days mon-fri`, `checkin window 4h`, "
        "`checkin reminders 1 before 1h` (or `off`), `checkin where channel|thread`, `checkin "
        "questions Q1 | Q2 | Q3` (or `default`), `checkin timezone @a Europe/Paris` (or `slack`), "
        "`checkin holiday 2026-12-25` (`holiday remove DATE`, `holidays`)."
    ),
    priority=46,
)

skill = Skill(
    "standup",
    "Give your status update (done, next, blockers) and see the team's history and stats.",
    examples=[
        "status Done: login page. Next: search. Blockers: waiting on API keys",
        "status history @ana",
        "status stats",
        "status skip",
    ],
    aliases=("stand-up",),
    patterns=(STATUS_COMMAND, SECTION_LABEL, RAG_LINE),
    claim=looks_like_status,
    claim_message=answers_open_prompt,
    details=(
        "`status <your update>` any time, or reply to the check-in DM in your own words, or "
        "press *Give update*. Sending again before the report replaces your update. "
        "`status edit` opens the form, `status skip` skips today's check-in, `status history "
        "[@user]`, `status stats [--days 30]`. Add `--project KEY` when you are in several."
    ),
    priority=15,
)

PROJECT_FLAG = re.compile(r"(?:^|\s)--project[= ](\S+)")
# `status …` as a command; "Status: green" and "Status, week 3:" are updates that keep their label.
STATUS_PREFIX = re.compile(r"^\s*(?:status|standup|stand-up)(?=\s|$)\s*(?:-\s+)?", re.I)
MENTION_WORD = re.compile(r"^<@[UW][A-Z0-9]+(?:\|[^>]*)?>$|^@\w+$")
USAGE = (
    "Try `checkin`, `checkin setup`, `checkin on|off`, `checkin participants @a @b`, "
    "`checkin time 09:30`, `checkin days mon-fri`, `checkin window 4h` or "
    "`checkin holiday 2026-12-25` (`help checkin` has them all)."
)


def split_project(args: str) -> tuple[str | None, str]:
    named = PROJECT_FLAG.search(args)
    return (named.group(1), PROJECT_FLAG.sub(" ", args).strip()) if named else (None, args)


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


@checkin_skill.command
def configure(ctx: Context, args: str) -> Reply:
    named, args = split_project(args)
    project = ctx.project_for(named)
    words = split_args(args)
    sub = words[0].lower() if words else "show"
    if sub in ("show", "config", "settings", "status"):
        ctx.require_member(project)
        config = settings.get_config(ctx.session, project)
        return Reply(text=settings.describe(ctx.session, project, config))
    ctx.require_pm(project)
    if sub in ("setup", "form", "edit"):
        config = settings.config_or_new(ctx.session, project)
        return Reply(
            text="Opening the check-in setup…",
            modal=setup_form(project, config, config.participants),
        )
    if sub == "holidays":
        days = settings.holidays(ctx.session, project, upcoming=True)
        listed = ", ".join(f"{d:%a %d %b %Y}" for d in days) or "none planned"
        return Reply(text=f"Check-in holidays of `{project.key}`: {listed}.")
    change = checkin_settings(ctx, project, sub, words[1:])
    config = settings.apply_settings(ctx.session, project, change, actor=ctx.user)
    ctx.audit("checkin.config", project=project, target=sub, value=" ".join(words[1:])[:200])
    text = f"Saved.\n{settings.describe(ctx.session, project, config)}"
    return Reply(text=text, blocks=[ui.section(text)])


def choose_project(ctx: Context, named: str | None) -> Project:
    """`--project`, this channel's project, or (in a DM) the one the user owes an update."""
    if named or ctx.project or not ctx.is_dm:
        return ctx.project_for(named)
    mine = projects.projects_for_user(ctx.session, ctx.user)
    waiting = [p for p in mine if service.open_checkins_for(ctx.session, p, ctx.user)]
    if len(waiting) == 1:
        return waiting[0]
    keys = {p.key for p in mine}
    prompted = [p for p in service.prompted_projects(ctx.session, ctx.user) if p.key in keys]
    if len(prompted) == 1:  # asked today, check-in not created yet (nobody has answered)
        return prompted[0]
    running = [p for p in (waiting or mine) if _takes_part(ctx, p)]
    if len(running) == 1:
        return running[0]
    return ctx.project_for(None)


def _takes_part(ctx: Context, project: Project) -> bool:
    config = settings.get_config(ctx.session, project)
    return bool(
        config
        and config.enabled
        and ctx.user in settings.participants(ctx.session, project, config)
    )


def give_update(ctx: Context, project: Project, text: str) -> list[Reply]:
    ctx.require_member(project)
    saved = service.submit_update(
        ctx.session, ctx.people, project=project, user=ctx.user, text=text, source="message"
    )
    ctx.audit("status.update", project=project, target=str(saved.update.id), late=saved.late)
    reply = saved_reply(
        project, saved.update, saved.checkin, replaced=saved.replaced, late=saved.late
    )
    reply.ephemeral = not ctx.is_dm
    replies = [reply]
    if saved.late and saved.checkin is not None:
        posted = late_update_reply(ctx.session, project, saved.checkin, saved.update)
        replies += [posted] if posted else []
    return replies


def my_status(ctx: Context, project: Project) -> Reply:
    ctx.require_member(project)
    checkin = service.checkin_for(ctx.session, ctx.people, project, ctx.user)
    if checkin is None:
        text = (
            f"No check-in of `{project.key}` is waiting for you. Send an update any time: "
            "`/pmo status Done: … Next: … Blockers: …`."
        )
        return Reply(text=text, ephemeral=True)
    update = service.update_for(ctx.session, checkin, ctx.user)
    state = (
        "you skipped it"
        if update and update.skipped
        else (
            "you have answered (sending again replaces it)" if update else "waiting for your answer"
        )
    )
    text = f"The `{project.key}` check-in of {checkin.day:%a %d %b}: {state}."
    button = ui.button("Give update", GIVE, checkin_value(project, checkin.day), style="primary")
    return Reply(text=text, blocks=[ui.section(text), ui.actions(button)], ephemeral=True)


@skill.command
def handle(ctx: Context, args: str) -> Reply | list[Reply]:
    named, body = split_project(STATUS_PREFIX.sub("", args, count=1))
    words = body.split()
    sub = words[0].lower() if words else ""
    rest = words[1:]
    if sub == "history" and len(rest) <= 3:
        return history_reply(ctx, named, rest)
    if sub in ("stats", "participation") and len(rest) <= 3:
        return stats_reply(ctx, named, body)
    if len(words) == 1 and sub in ("skip", "edit", "form"):
        from skills.status.interactions import open_form, skip_today

        project = choose_project(ctx, named)
        return skip_today(ctx, project) if sub == "skip" else open_form(ctx, project)
    if len(words) == 1 and not named and projects.get_project(ctx.session, sub.strip("?")):
        summary = ctx.registry.get("summary")  # "status apollo": the project's summary
        if summary and summary.handler:
            return summary.handler(ctx, sub.strip("?"))
    project = choose_project(ctx, named)
    if not body.strip():
        return my_status(ctx, project)
    return give_update(ctx, project, body)


def history_reply(ctx: Context, named: str | None, rest: list[str]) -> Reply:
    project = choose_project(ctx, named)
    ctx.require_member(project)
    if len(rest) > 1 or (rest and not MENTION_WORD.match(rest[0])):
        raise UserError("Try `status history` for yours, or `status history @user`.")
    who = projects.check_user_id(rest[0]) if rest else None
    if who and projects.role_of(ctx.session, project, who) is None:
        raise UserError(
            f"<@{who}> is not in `{project.key}`, so they have no status history there."
        )
    rows = service.history(ctx.session, project, user=who or ctx.user, limit=10)
    text = history_text(project, rows, who or ctx.user)
    return Reply(text=text, blocks=[ui.section(text)], ephemeral=not ctx.is_dm)


def stats_reply(ctx: Context, named: str | None, body: str) -> Reply:
    project = choose_project(ctx, named)
    ctx.require_member(project)
    words, flags = parse_flags(body, single=("days",))
    if words[1:]:
        raise UserError("Try `status stats`, or `status stats --days 7`.")
    raw = str(flags.get("days") or "30")
    if not raw.isdigit() or not 1 <= int(raw) <= 366:
        raise UserError(f"`--days {escape(raw)}` needs a number of days from 1 to 366.")
    days, now = int(raw), clock.now()
    rows = service.participation(ctx.session, project, since=now - timedelta(days=days), until=now)
    text = stats_text(project, rows, days)
    return Reply(text=text, blocks=[ui.section(text)], ephemeral=not ctx.is_dm)
