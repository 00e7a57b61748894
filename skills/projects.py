"""Project administration: create a project, link channels, manage members."""

from __future__ import annotations

from sqlmodel import select

from bot.core import projects, ui
from bot.core.args import parse_flags
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project, Role
from bot.core.skills import Skill
from bot.core.text import escape, mention

skill = Skill(
    "project",
    "Create projects, link channels and manage who is in them.",
    examples=[
        "project create apollo Apollo launch --timezone Europe/London",
        "project link apollo",
        "project members add @sam pm",
        "project",
    ],
    aliases=("projects",),
    details=(
        "`project` shows this channel's project; `project list` shows all.\n"
        "`project create KEY NAME [--timezone TZ] [--pm @u] [--member @u ...]` links this channel "
        "and makes you its PM.\n`project link KEY` links this channel.\n"
        "`project members [add @user [pm|member|viewer] | remove @user]`."
    ),
    priority=80,
)

USAGE = "Try `/pmo project create KEY Name`, `/pmo project link KEY` or `/pmo project members`."


def describe(ctx: Context, project: Project) -> str:
    members = projects.members_of(ctx.session, project)
    pms = [mention(m.user_id) for m in members if m.role == Role.PM.value]
    others = [mention(m.user_id) for m in members if m.role != Role.PM.value]
    channels = [f"<#{c}>" for c in projects.channels_of(ctx.session, project)]
    return "\n".join(
        [
            f"*{escape(project.name)}* (`{project.key}`) · timezone {project.timezone}",
            f"PMs: {', '.join(pms) or 'none yet'}",
            f"Members: {', '.join(others) or 'none yet'}",
            f"Channels: {', '.join(channels) or 'none linked'}",
        ]
    )


def create(ctx: Context, words: list[str], flags: dict) -> Reply:
    if not words:
        raise UserError("Name the project: `/pmo project create apollo Apollo launch`.")
    key, name = words[0], " ".join(words[1:]) or str(flags.get("name") or "")
    channels = [c for c in [flags.get("channel") or ctx.channel] if c and not ctx.is_dm]
    pms = [projects.check_user_id(u) for u in flags["pm"]] or [ctx.user]
    members = [projects.check_user_id(u) for u in flags["member"]]
    project = projects.create_project(
        ctx.session,
        key=key,
        name=name or key.title(),
        actor=ctx.user,
        timezone=str(flags.get("timezone") or ctx.settings.livepmo_timezone),
        channels=channels,
        pms=pms,
        members=members,
    )
    return Reply(
        text=f"Created project `{project.key}`.\n{describe(ctx, project)}", ephemeral=False
    )


def link(ctx: Context, words: list[str]) -> Reply:
    if not words:
        raise UserError("Which project? `/pmo project link apollo`.")
    if not ctx.channel or ctx.is_dm:
        raise UserError("Run `/pmo project link KEY` in the channel you want to link.")
    project = projects.require_project(ctx.session, words[0])
    ctx.require_pm(project)
    projects.link_channel(ctx.session, project=project, channel_id=ctx.channel, actor=ctx.user)
    return Reply(text=f"This channel now belongs to `{project.key}`.", ephemeral=False)


def members(ctx: Context, words: list[str], flags: dict) -> Reply:
    project = ctx.project_for(flags.get("project"))
    action = words[0].lower() if words else "list"
    if action == "list":
        return Reply(text=describe(ctx, project))
    ctx.require_pm(project)
    if action == "add":
        if len(words) < 2:
            raise UserError("Who? `/pmo project members add @sam [pm|member|viewer]`.")
        role_word = words[-1].lower() if len(words) > 2 else "member"
        try:
            role = Role(role_word)
        except ValueError:
            raise UserError(
                f"`{escape(role_word)}` is not a role: use pm, member or viewer."
            ) from None
        targets = words[1:-1] if len(words) > 2 else words[1:]
        added = [
            projects.set_member(
                ctx.session, project=project, user_id=u, role=role, actor=ctx.user
            ).user_id
            for u in targets
        ]
        who = ", ".join(mention(u) for u in added)
        return Reply(
            text=f"{who} {'is' if len(added) == 1 else 'are'} now {role.value} in `{project.key}`."
        )
    if action == "remove":
        if len(words) < 2:
            raise UserError("Who? `/pmo project members remove @sam`.")
        user = projects.check_user_id(words[1])
        if not projects.remove_member(ctx.session, project=project, user_id=user, actor=ctx.user):
            raise UserError(f"{mention(user)} is not in `{project.key}`.")
        return Reply(text=f"Removed {mention(user)} from `{project.key}`.")
    raise UserError(f"I don't know `members {escape(action)}`. {USAGE}")


@skill.command
def handle(ctx: Context, args: str) -> Reply:
    first, _, rest = args.strip().partition(" ")
    summary = ctx.registry.get("summary")
    if first.lower() in ("health", "summary") and summary and summary.handler:
        return summary.handler(ctx, rest)
    words, flags = parse_flags(
        args, single=("name", "timezone", "channel", "project"), multiple=("pm", "member")
    )
    sub = words[0].lower() if words else "info"
    rest = words[1:]
    if sub == "create":
        return create(ctx, rest, flags)
    if sub == "link":
        return link(ctx, rest)
    if sub in ("members", "member"):
        return members(ctx, rest, flags)
    if sub == "list":
        everything = list(ctx.session.exec(select(Project).order_by(Project.key)))
        if not everything:
            return Reply(text=f"No projects yet. {USAGE}")
        lines = [f"• `{row.key}` — {escape(row.name)}" for row in everything]
        return Reply(text="\n".join(["*Projects*", *lines]))
    if sub in ("info", "show"):
        project = ctx.project_for(rest[0] if rest else flags.get("project"))
        text = describe(ctx, project)
        return Reply(text=text, blocks=[ui.section(text)])
    raise UserError(f"I don't know `project {escape(sub)}`. {USAGE}")
