"""The status skill: give an update, see your check-in, the team's history and stats.

`/pmo status …`, labelled updates ("Done: … Next: …", the skill's `leads`), a DM answering an
open check-in prompt (`routing.answers_open_prompt`) and updates the intent model recognises
all reach `status.submit`; "status of apollo" is still a question for the summary.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core import clock, projects, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project
from bot.core.operations import Access, ProjectArgs, Scope, flag, positional, rest
from bot.core.skills import Skill
from bot.core.text import mention
from bot.interpret import slots
from skills.status import config as settings
from skills.status import service
from skills.status.days import is_checkin_day, plan_day
from skills.status.parsing import StatusDraft
from skills.status.report import late_update_reply
from skills.status.routing import SECTION_LABEL, STATUS_COMMAND, answers_open_prompt
from skills.status.views import GIVE, checkin_value, history_text, saved_reply, stats_text

# "Skip today, in workshops all day", "skipping this one - sick": a skip, not an update
SKIPPING = re.compile(
    r"^\W*(?:skip(?:ping)?|no update)(?:\s+(?:for\s+)?(?:today|this one|(?:this|the|today's)"
    r"\s+check-?in|it))?\s*(?:[,.;:!\-\u2013\u2014]|$)",
    re.I,
)
skill = Skill(
    "status",
    "Give your status update (done, next, blockers) and see the team's history and stats.",
    aliases=("standup", "stand-up"),
    leads=(SECTION_LABEL,),
    claim_message=answers_open_prompt,
    claims_as=("status.skip", "ooo.set"),
    details=(
        "`status <your update>` any time, or reply to the check-in DM in your own words, or "
        "press *Give update*. Another message before the report adds to your update (what it "
        "says again replaces, the rest is kept); "
        '"skip today, …" skips the check-in.'
    ),
    priority=15,
    name_pattern=STATUS_COMMAND,
    text_operation=lambda text: "status.skip" if SKIPPING.match(text) else "status.submit",
    bare_operation="status.show",
)

PROJECT_FLAG = re.compile(r"(?:^|\s)--project[= ](\S+)")
# `status …` as a command; "Status: green" and "Status, week 3:" are updates that keep their label.
STATUS_PREFIX = re.compile(r"^\s*(?:status|standup|stand-up)(?=\s|$)\s*(?:-\s+)?", re.I)
# The heading of an update that may name its project: "apollo update from me:", "Update for
# apollo -", "Weekly status (apollo)\n", or after the command words "status update": "for
# apollo -".
UPDATE_HEADING = re.compile(
    r"^\s*(?P<heading>[^:\n–—]{0,60}?\b(?:update|status|standup|stand-up|progress|report)\b"
    r"[^:\n–—]{0,30}?|(?:for|on)\s[^:\n–—]{1,40}?)\s*(?:[:\n–—]|\s-\s)",
    re.I,
)
MENTION_WORD = re.compile(r"^<@[UW][A-Z0-9]+(?:\|[^>]*)?>$|^@\w+$")


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


def my_project(ctx: Context, args: ProjectArgs) -> Scope:
    """The project of the user's update: named, this channel's, or the one they owe."""
    return Scope(project=choose_project(ctx, args.project))


class SubmitArgs(ProjectArgs):
    text: str = rest(default="", description="The update in your own words")
    done: list[str] | None = flag(description="What was done (read from the text if absent)")
    next: list[str] | None = flag(description="What comes next")
    blockers: list[str] | None = flag(description="What blocks you")
    rag: str | None = flag(description="Overall status: green, amber or red")
    percent: int | None = flag(description="Overall completion, 0-100")


def read_update(ctx: Context, text: str) -> SubmitArgs:
    """Free text as an update: `--project` taken out, the words kept as written; the project
    is the flag's, or the one a heading names ("apollo update from me: …")."""
    body = STATUS_PREFIX.sub("", text, count=1)
    named = PROJECT_FLAG.search(body)
    if named:
        body = PROJECT_FLAG.sub(" ", body).strip()
        return SubmitArgs(project=named.group(1), text=body)
    heading = UPDATE_HEADING.match(body)
    project = slots.project_meant(ctx, heading.group("heading")) if heading else None
    return SubmitArgs(project=project, text=body)


@skill.operation(
    "status.submit",
    summary="Give your status update: done, next, blockers, overall status.",
    access=Access.MEMBER,
    scope=my_project,
    writes=True,
    text=read_update,
    aliases={"status update": {}, "status give": {}},
    usage="status TEXT... [--project KEY]",
    label="It's a status update",
    examples=["status Done: login page. Next: search. Blockers: waiting on API keys"],
)
def submit(ctx: Context, args: SubmitArgs) -> list[Reply]:
    project = ctx.project
    word = args.text.strip().strip("?")
    if " " not in word and not args.project and projects.get_project(ctx.session, word):
        return ctx.invoke("summary.project", {"project": word})  # "status apollo"
    if not args.text.strip() and not (args.done or args.next or args.blockers):
        return [my_checkin(ctx, project)]
    draft = None
    if any(v is not None for v in (args.done, args.next, args.blockers, args.rag, args.percent)):
        draft = StatusDraft(
            done=args.done or [],
            next=args.next or [],
            blockers=args.blockers or [],
            rag=args.rag,
            percent=args.percent,
        )
    saved = service.submit_update(
        ctx.session,
        ctx.people,
        project=project,
        user=ctx.user,
        text=args.text or "\n".join([*(args.done or []), *(args.next or [])]),
        draft=draft,
        source="message",
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


def my_checkin(ctx: Context, project: Project) -> Reply:
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


@skill.operation(
    "status.show",
    summary="Your check-in today: waiting, answered or skipped.",
    access=Access.MEMBER,
    scope=my_project,
    examples=["status"],
    command="status mine",
)
def show(ctx: Context, args: ProjectArgs) -> Reply:
    return my_checkin(ctx, ctx.project)


class HistoryArgs(ProjectArgs):
    who: str | None = positional(default=None, description="Whose history (default: yours)")


@skill.operation(
    "status.history",
    summary="The last updates of one person (you by default).",
    access=Access.VIEWER,
    scope=my_project,
    examples=["status history @ana"],
)
def history(ctx: Context, args: HistoryArgs) -> Reply:
    project = ctx.project
    if args.who and not MENTION_WORD.match(args.who):
        raise UserError("Try `status history` for yours, or `status history @user`.")
    who = projects.check_user_id(args.who) if args.who else None
    if who and projects.role_of(ctx.session, project, who) is None:
        raise UserError(
            f"<@{who}> is not in `{project.key}`, so they have no status history there."
        )
    rows = service.history(ctx.session, project, user=who or ctx.user, limit=10)
    text = history_text(project, rows, who or ctx.user)
    return Reply(text=text, blocks=[ui.section(text)], ephemeral=not ctx.is_dm)


class StatsArgs(ProjectArgs):
    days: int = flag(default=30, description="How many days back (1-366)")


@skill.operation(
    "status.stats",
    summary="Check-in participation per person over the last days.",
    access=Access.VIEWER,
    scope=my_project,
    aliases={"status participation": {}},
    examples=["status stats", "status stats --days 7"],
)
def stats(ctx: Context, args: StatsArgs) -> Reply:
    if not 1 <= args.days <= 366:
        raise UserError(f"`--days {args.days}` needs a number of days from 1 to 366.")
    project, now = ctx.project, clock.now()
    rows = service.participation(
        ctx.session, project, since=now - timedelta(days=args.days), until=now
    )
    text = stats_text(project, rows, args.days)
    return Reply(text=text, blocks=[ui.section(text)], ephemeral=not ctx.is_dm)


@skill.operation(
    "status.missing",
    summary="Who hasn't answered today's check-in yet (and who was not asked).",
    access=Access.VIEWER,
    aliases={"checkin missing": {}},
    examples=["status missing", "who hasn't answered the check-in?"],
)
def missing(ctx: Context, args: ProjectArgs) -> Reply:
    project = ctx.project_for(args.project)
    config = settings.get_config(ctx.session, project)
    if config is None or not config.enabled:
        raise UserError(f"`{project.key}` has no check-in. A PM can start one: `checkin on`.")
    today = clock.today(project.timezone)
    if not is_checkin_day(config, today, settings.holidays(ctx.session, project)):
        return Reply(text=f"There is no `{project.key}` check-in today ({today:%a %d %b}).")
    plan = plan_day(ctx.session, ctx.people, project, config, today)
    answered = service.updates_of(ctx.session, plan.checkin) if plan.checkin else {}
    now = clock.now()
    waiting = [s for s in plan.asked if s.user not in answered and s.prompt_at <= now]
    later = [s for s in plan.asked if s.user not in answered and s.prompt_at > now]
    away = [s for s in plan.slots if s.away]
    lines = [f"*Check-in of `{project.key}`, {today:%a %d %b}*"]
    if waiting:
        lines.append("Not answered yet: " + ", ".join(mention(s.user) for s in waiting))
    if later:
        lines.append(
            "Not asked yet (later in their day): " + ", ".join(mention(s.user) for s in later)
        )
    if away:
        lines.append("Away: " + ", ".join(mention(s.user) for s in away))
    if not (waiting or later):
        lines.append("Everyone asked has answered. :white_check_mark:")
    text = "\n".join(lines)
    return Reply(text=text, blocks=[ui.section(text)])
