"""The one authorization rule. Every read and write of project data passes `authorize`.

Roles in a project are PM, member and viewer; anyone else is a non-member, and so is a
person from another Slack team (a shared channel) unless the project lets other teams in.
Workspace admins may do anything. What each access level allows:

| Access | Who |
|---|---|
| anyone | everyone (no project data: help, your own settings, creating a project) |
| viewer | the project's viewers, members and PMs: read its log, summaries, documents |
| member | its members and PMs: add items, give updates, escalate, comment |
| editor | the record's owner or author, or any member when it has no owner; its PMs |
| pm | its PMs: settings, members, removing documents |
| admin | workspace admins |
| self | the person a personal record belongs to (a reminder, a question asked of them) |

Admins pass every level. The rule is applied by the dispatcher before an operation runs,
whatever the transport (slash command, mention, DM, button, form, shortcut, App Home,
scheduler, CLI). Files with project data are never posted where non-members can see them:
asked outside the project's own channels, they go to the asker by DM (`guard_replies`).
"""

from __future__ import annotations

from sqlmodel import Session, select

from bot.core.messages import Reply, UserError
from bot.core.models import Membership, Project, ProjectChannel, Role
from bot.core.operations import Access, Operation, Scope
from bot.core.text import mention

RANKS = {Role.VIEWER: 1, Role.MEMBER: 2, Role.PM: 3}
NEEDS = {Access.VIEWER: 1, Access.MEMBER: 2, Access.EDITOR: 2, Access.PM: 3}


class Refused(UserError):
    """The user may not do this; the message says who may."""


def role_of(session: Session, project: Project, user: str, team: str | None = None) -> Role | None:
    """The user's role in the project; None for a non-member or another team's person."""
    if team and project.team_id and team != project.team_id and not project.other_teams:
        return None
    membership = session.exec(
        select(Membership).where(Membership.project_id == project.id, Membership.user_id == user)
    ).first()
    return Role(membership.role) if membership else None


def permits(access: Access, role: Role | None, *, admin: bool, owns: bool, owned: bool) -> bool:
    """The rule itself (see the module docstring)."""
    if admin or access == Access.ANYONE:
        return True
    if access == Access.ADMIN:
        return False
    if access == Access.SELF:
        return owns
    rank = RANKS.get(role, 0) if role else 0
    if rank < NEEDS[access]:
        return False
    if access == Access.EDITOR and role != Role.PM:
        return owns or not owned
    return True


def refusal(op: Operation, scope: Scope, role: Role | None) -> str:
    """Who may do it, in one sentence."""
    project = scope.project
    key = f"`{project.key}`" if project else "the workspace"
    if op.access == Access.SELF:
        return f"Only {scope.owner_label or 'the person it belongs to'} can do that."
    if op.access == Access.ADMIN or project is None:
        return "Only a workspace admin can do that."
    if role is None:
        return (
            f"You are not a member of {key}. Ask its PM to add you with "
            f"`/pmo project members add @you`."
        )
    if op.access == Access.PM:
        return f"Only a PM of {key} or a workspace admin can do that."
    if op.access == Access.EDITOR and role != Role.VIEWER:
        who = scope.owner_label or (
            f"{scope.label}'s owner or author" if scope.label else "its owner or author"
        )
        return f"Only {who}, a PM of {key} or a workspace admin can do that."
    return f"Viewers of {key} can read it but not change it. Ask its PM to make you a member."


def authorize(
    session: Session, op: Operation, scope: Scope, *, user: str, team: str | None, admin: bool
) -> Role | None:
    """The user's role in the scope's project; `Refused` if the rule says no."""
    role = role_of(session, scope.project, user, team) if scope.project else None
    if scope.project is None and op.access in (Access.VIEWER, Access.MEMBER):
        return None  # no single project: the operation shows only `visible_projects`
    owns = user in scope.owners
    if not permits(op.access, role, admin=admin, owns=owns, owned=scope.owned):
        raise Refused(refusal(op, scope, role))
    return role


def visible_projects(
    session: Session, user: str, team: str | None, *, admin: bool
) -> list[Project]:
    """The projects whose data the user may read (every project for an admin)."""
    everything = list(session.exec(select(Project).order_by(Project.key)))
    if admin:
        return everything
    return [p for p in everything if role_of(session, p, user, team) is not None]


def is_project_channel(session: Session, project: Project, channel: str | None) -> bool:
    if not channel:
        return False
    link = session.get(ProjectChannel, channel)
    return bool(link and link.project_id == project.id)


def guard_replies(
    session: Session,
    scope: Scope,
    replies: list[Reply],
    *,
    user: str,
    channel: str | None,
    is_dm: bool,
) -> list[Reply]:
    """Keep project data where only its people see it.

    Asked outside the project's own channels (and not in a DM), a reply that would be posted
    there becomes ephemeral, and a file goes to the asker by DM. A reply aimed at another
    channel must be one of the project's channels (a forged form cannot name any channel),
    and one aimed at another person must go to a member (the asker is told instead).
    """
    project = scope.project
    if project is None:
        return [_without_foreign_channel(r, user, session, None) for r in replies]
    public = public_here(session, scope, channel, is_dm=is_dm)
    guarded = []
    for reply in replies:
        reply = _without_foreign_channel(reply, user, session, project)
        to_user = reply.to_user
        if to_user and to_user != user and role_of(session, project, to_user) is None:
            note = (
                f"{mention(to_user)} is not a member of `{project.key}`, so I haven't sent them "
                f"this. Add them with `/pmo project members add {mention(to_user)}`."
            )
            guarded.append(Reply(text=note, ephemeral=True))
            continue
        if not public and not (reply.to_user or reply.to_channel):
            if reply.upload:
                reply.to_user = user
                note = f"I've sent it to you by DM: this isn't a `{project.key}` channel."
                guarded.append(Reply(text=note, ephemeral=True))
            elif not reply.modal:
                reply.ephemeral = True
        guarded.append(reply)
    return guarded


def public_here(session: Session, scope: Scope, channel: str | None, *, is_dm: bool) -> bool:
    """Whether replies about `scope` may be posted for all to see where the request came
    from: a DM, one of the project's channels, or no project."""
    project = scope.project
    return project is None or is_dm or is_project_channel(session, project, channel)


def _without_foreign_channel(
    reply: Reply, user: str, session: Session, project: Project | None
) -> Reply:
    if reply.to_channel and not (
        project and is_project_channel(session, project, reply.to_channel)
    ):
        reply.to_channel, reply.to_user = None, user
    return reply
