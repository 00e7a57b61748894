"""Project schedule settings: the weekly summary and RAID reminders (`/pmo schedule`)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project
from bot.core.operations import Access, ProjectArgs, positional, rest
from bot.core.projects import channels_of
from bot.core.skills import Skill
from bot.core.text import escape
from scheduler.models import ProjectSchedule
from scheduler.plan import Planned, parse_hhmm
from scheduler.policy import still_to_post

skill = Skill(
    "schedule",
    "See and change what this project posts on its own, and when.",
    priority=45,
    text_operation="schedule.set",
    bare_operation="schedule.show",
)

SHOWN = 6  # upcoming posts listed one by one; the rest are counted by kind
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
USAGE = (
    "Try `schedule summary friday 16:00`, `schedule summary off`, "
    "`schedule reminders 09:30|off` or `schedule stale 14`."
)


def hhmm(text: str) -> str:
    try:
        return f"{parse_hhmm(text):%H:%M}"
    except ValueError:
        raise UserError(f"`{escape(text)}` is not a time: use 24-hour `HH:MM`.") from None


def weekday(text: str) -> int:
    matches = [i for i, name in enumerate(WEEKDAYS) if name.startswith(text.lower()[:3])]
    if len(text) < 3 or not matches:
        raise UserError(f"`{escape(text)}` is not a weekday.")
    return matches[0]


def upcoming(ctx: Context, project: Project) -> tuple[list[Planned], list[Planned]]:
    """The next 7 days' posts that concern `project`, and the asker's own other ones."""
    from bot.scheduling import job_kinds, planned

    now = clock.now()
    firings = planned(ctx.session, ctx.people, now, now + timedelta(days=7))
    channels = set(channels_of(ctx.session, project))
    shared: list[Planned] = []
    own: list[Planned] = []
    for firing in still_to_post(ctx.settings.database_url, firings, job_kinds()):
        if concerns(firing, project.id, channels):
            shared.append(firing)
        elif firing.recipient == ctx.user:
            own.append(firing)
    return shared, own


def concerns(firing: Planned, project_id: int, channels: set[str]) -> bool:
    """Whether a post is the project's: its own, in one of its channels, or a DM that draws
    on it (a RAID reminder, a PM digest). Anyone else's reminders and other projects' posts
    are not, even to a person in both."""
    in_it = firing.project_id == project_id or project_id in firing.projects
    return in_it or firing.recipient in channels


def listing(firings: list[Planned]) -> list[str]:
    """The first posts one by one, the rest counted by kind."""
    lines = [
        f"• {f.local_due():%a %d %b %H:%M} {f.timezone} — {f.kind} → {f.recipient}"
        for f in firings[:SHOWN]
    ]
    rest = Counter(f.kind for f in firings[SHOWN:])  # in order of their first firing
    if rest:
        kinds = ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in rest.items())
        lines.append(f"…and {rest.total()} more in the next 7 days: {kinds}.")
    return lines


def describe(config: ProjectSchedule, project: Project, posts: list[Planned]) -> str:
    """The project's schedule settings and its next `posts`."""
    summary = (
        f"weekly summary every {WEEKDAYS[config.summary_weekday].title()} at {config.summary_time}"
        if config.summary_enabled
        else "weekly summary off"
    )
    reminders = (
        f"RAID reminders each working day at {config.nudge_time} in each owner's "
        f"timezone; stale after {config.stale_days} days"
        if config.nudges_enabled
        else "RAID reminders off"
    )
    heading = f"*Schedule of `{project.key}`* ({project.timezone}): {summary}; {reminders}."
    return "\n".join([heading, *listing(posts)])


def config_of(ctx: Context, project: Project) -> ProjectSchedule:
    return ctx.session.get(ProjectSchedule, project.id) or ProjectSchedule(project_id=project.id)


@skill.operation(
    "schedule.show",
    summary="What this project posts on its own, and the next posts.",
    access=Access.VIEWER,
    examples=["schedule"],
)
def show(ctx: Context, args: ProjectArgs) -> list[Reply]:
    """The project's schedule for whoever is in the channel; the asker's own other posts
    (their reminders, say) to them alone."""
    project = ctx.project_for(args.project)
    shared, own = upcoming(ctx, project)
    replies = [Reply(text=describe(config_of(ctx, project), project, shared))]
    if own:
        text = "\n".join(["*Also coming to you* (only you see this):", *listing(own)])
        replies.append(Reply(text=text, ephemeral=True))
    return replies


class SetArgs(ProjectArgs):
    what: str = positional(description="summary, reminders or stale")
    value: str = rest(default="", description="e.g. `friday 16:00`, `09:30`, `off`, `14`")


@skill.operation(
    "schedule.set",
    summary="Change the weekly summary, RAID reminders or when items go stale (PMs).",
    access=Access.PM,
    writes=True,
    examples=[
        "schedule summary friday 16:00",
        "schedule summary off",
        "schedule reminders 09:30",
        "schedule stale 10",
    ],
    usage="schedule summary DAY HH:MM|off, schedule reminders HH:MM|off, schedule stale DAYS",
)
def set_schedule(ctx: Context, args: SetArgs) -> Reply:
    project = ctx.project_for(args.project)
    config = config_of(ctx, project)
    what, rest_words = args.what.lower(), args.value.lower().split()
    if what == "summary" and rest_words == ["off"]:
        config.summary_enabled = False
    elif what == "summary" and len(rest_words) == 2:
        config.summary_weekday, config.summary_time = weekday(rest_words[0]), hhmm(rest_words[1])
        config.summary_enabled = True
    elif what in ("reminders", "nudges") and rest_words == ["off"]:
        config.nudges_enabled = False
    elif what in ("reminders", "nudges") and len(rest_words) == 1:
        config.nudge_time, config.nudges_enabled = hhmm(rest_words[0]), True
    elif (
        what == "stale"
        and len(rest_words) == 1
        and rest_words[0].isdigit()
        and 0 < int(rest_words[0]) < 366
    ):
        config.stale_days = int(rest_words[0])
    else:
        raise UserError(USAGE)
    ctx.session.add(config)
    ctx.session.flush()
    ctx.audit("schedule.update", project=project, target=what, value=args.value)
    return Reply(text=describe(config, project, upcoming(ctx, project)[0]))
