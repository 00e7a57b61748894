"""Project administration: create a project, link channels, manage members."""

from __future__ import annotations

import re

from bot.core import access, projects, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project, Role
from bot.core.operations import (
    Access,
    Args,
    ProjectArgs,
    Scope,
    flag,
    no_scope,
    positional,
    rest,
)
from bot.core.skills import Skill
from bot.core.text import escape, mention

skill = Skill(
    "project",
    "Create projects, link channels and manage who is in them.",
    aliases=("projects",),
    priority=80,
    bare_operation="project.info",
)

NOT_A_KEY = re.compile(r"[^a-z0-9-]+")
MENTION_OR_ID = re.compile(r"^(<@[UW][A-Z0-9]+(\|[^>]*)?>|@?[UW][A-Z0-9]{2,})$")


def describe(ctx: Context, project: Project) -> str:
    members = projects.members_of(ctx.session, project)
    pms = [mention(m.user_id) for m in members if m.role == Role.PM.value]
    others = [
        f"{mention(m.user_id)}{' (viewer)' if m.role == Role.VIEWER.value else ''}"
        for m in members
        if m.role != Role.PM.value
    ]
    channels = [f"<#{c}>" for c in projects.channels_of(ctx.session, project)]
    return "\n".join(
        [
            f"*{escape(project.name)}* (`{project.key}`) · timezone {project.timezone}",
            f"PMs: {', '.join(pms) or 'none yet'}",
            f"Members: {', '.join(others) or 'none yet'}",
            f"Channels: {', '.join(channels) or 'none linked'}",
        ]
    )


class CreateArgs(Args):
    key: str = positional(description="A short lower-case key like apollo")
    name: str = rest(default="", description="The project's name")
    timezone: str | None = flag(description="IANA timezone, e.g. Europe/London")
    pm: list[str] = flag(default_factory=list, description="PMs (default: you)")
    member: list[str] = flag(default_factory=list, description="Members")
    channel: str | None = flag(description="Channel to link (default: this one)")


def key_and_name(key: str, name: str) -> tuple[str, str]:
    """`apollo Apollo launch` and `ORI Orion` (a key as item keys show it: ORI-R1) are a key
    and a name; `Orion DW` is a name to make a key from."""
    if key.isupper() and name and not NOT_A_KEY.search(key.lower()):
        return key.lower(), name
    if key != key.lower() and key[:1].isupper():
        full = " ".join([key, name]).strip()
        return NOT_A_KEY.sub("-", full.lower()).strip("-")[:31], full
    return key, name


@skill.operation(
    "project.create",
    summary="Create a project, link this channel and make you its PM.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    examples=["project create apollo Apollo launch --timezone Europe/London"],
)
def create(ctx: Context, args: CreateArgs) -> Reply:
    key, name = key_and_name(args.key, args.name)
    channels = [c for c in [args.channel or ctx.channel] if c and not ctx.is_dm]
    pms = [projects.check_user_id(u) for u in args.pm] or [ctx.user]
    members = [projects.check_user_id(u) for u in args.member]
    project = projects.create_project(
        ctx.session,
        key=key,
        name=name or key.title(),
        actor=ctx.user,
        timezone=args.timezone or ctx.settings.livepmo_timezone,
        channels=channels,
        pms=pms,
        members=members,
    )
    project.team_id = ctx.team
    ctx.session.add(project)
    return Reply(
        text=f"Created project `{project.key}`.\n{describe(ctx, project)}", ephemeral=False
    )


class KeyArgs(Args):
    key: str = positional(description="The project's key")


def named_project(ctx: Context, args: KeyArgs) -> Scope:
    return Scope(project=projects.require_project(ctx.session, args.key))


@skill.operation(
    "project.link",
    summary="Link this channel to a project (its PMs).",
    access=Access.PM,
    scope=named_project,
    writes=True,
    examples=["project link apollo"],
)
def link(ctx: Context, args: KeyArgs) -> Reply:
    if not ctx.channel or ctx.is_dm:
        raise UserError("Run `/pmo project link KEY` in the channel you want to link.")
    project = ctx.project
    projects.link_channel(ctx.session, project=project, channel_id=ctx.channel, actor=ctx.user)
    return Reply(text=f"This channel now belongs to `{project.key}`.", ephemeral=False)


class InfoArgs(ProjectArgs):
    project: str | None = positional(default=None, description="Project key (default: here)")


@skill.operation(
    "project.info",
    summary="The project's people and channels.",
    access=Access.VIEWER,
    aliases={"project show": {}, "project members": {}, "project members list": {}},
    examples=["project", "project members"],
)
def info(ctx: Context, args: InfoArgs) -> Reply:
    text = describe(ctx, ctx.project_for(args.project))
    return Reply(text=text, blocks=[ui.section(text)])


@skill.operation(
    "project.list",
    summary="The projects you are in (every project for an admin).",
    access=Access.ANYONE,
    scope=no_scope,
    examples=["project list"],
)
def list_projects(ctx: Context, args: Args) -> Reply:
    visible = access.visible_projects(ctx.session, ctx.user, ctx.team, admin=ctx.person.is_admin)
    if not visible:
        return Reply(
            text="You are in no project yet. Create one with `/pmo project create KEY Name`, "
            "or ask a PM to add you."
        )
    lines = [f"• `{row.key}` — {escape(row.name)}" for row in visible]
    return Reply(text="\n".join(["*Projects*", *lines]))


class AddMembersArgs(ProjectArgs):
    people: list[str] = rest(description="People to add, then optionally pm, member or viewer")

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        values = super().from_words(text)
        words = str(values.pop("people", "")).split()
        return {**values, "people": words}


def role_and_people(words: list[str]) -> tuple[Role, list[str]]:
    """`@a @b viewer` is two people and a role; the role defaults to member."""
    if not words:
        raise UserError("Who? `/pmo project members add @sam [pm|member|viewer]`.")
    last = words[-1]
    if len(words) > 1 and last.lower() in {r.value for r in Role}:
        return Role(last.lower()), words[:-1]
    if len(words) > 1 and not MENTION_OR_ID.match(last):
        raise UserError(f"`{escape(last)}` is not a role: use pm, member or viewer.")
    return Role.MEMBER, words


@skill.operation(
    "project.members_add",
    summary="Add people to the project, or change their role (its PMs).",
    access=Access.PM,
    writes=True,
    command="project members add",
    examples=["project members add @sam pm", "project members add @ana @bo viewer"],
)
def add_members(ctx: Context, args: AddMembersArgs) -> Reply:
    project = ctx.project_for(args.project)
    role, targets = role_and_people(args.people)
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


class RemoveMemberArgs(ProjectArgs):
    user: str = positional(description="Who to remove")


@skill.operation(
    "project.members_remove",
    summary="Remove someone from the project (its PMs).",
    access=Access.PM,
    writes=True,
    command="project members remove",
    examples=["project members remove @sam"],
)
def remove_member(ctx: Context, args: RemoveMemberArgs) -> Reply:
    project = ctx.project_for(args.project)
    user = projects.check_user_id(args.user)
    if not projects.remove_member(ctx.session, project=project, user_id=user, actor=ctx.user):
        raise UserError(f"{mention(user)} is not in `{project.key}`.")
    return Reply(text=f"Removed {mention(user)} from `{project.key}`.")


class TeamsArgs(ProjectArgs):
    allow: str = positional(description="`allow` or `deny` people of other Slack teams")


@skill.operation(
    "project.other_teams",
    summary="Let people of other Slack teams (shared channels) count as members, or not.",
    access=Access.PM,
    writes=True,
    command="project teams",
    examples=["project teams allow", "project teams deny"],
)
def other_teams(ctx: Context, args: TeamsArgs) -> Reply:
    project = ctx.project_for(args.project)
    word = args.allow.lower()
    if word not in ("allow", "deny"):
        raise UserError("Say `project teams allow` or `project teams deny`.")
    project.other_teams = word == "allow"
    ctx.session.add(project)
    ctx.audit("project.other_teams", project=project, target=word)
    state = "count as members when added" if project.other_teams else "are never members"
    return Reply(text=f"People of other Slack teams {state} in `{project.key}`.")
