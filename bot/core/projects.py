"""Project services: create, link channels, members and roles, lookups."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from bot.core.messages import UserError
from bot.core.models import AuditEntry, Membership, Project, ProjectChannel, Role
from bot.core.text import USER_ID, escape, mention

PROJECT_KEY = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


def normalise_key(key: str) -> str:
    """Project keys are lower-case slugs like `apollo`; explain the rule when broken."""
    key = key.strip().lower()
    if not PROJECT_KEY.match(key):
        raise UserError(
            f"`{escape(key) or ' '}` is not a valid project key: use 2-31 letters, digits "
            "or dashes, starting with a letter (e.g. `apollo`)."
        )
    return key


def check_timezone(timezone: str) -> str:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"`{escape(timezone)}` is not a timezone I know: use an IANA name such as "
            "`Europe/London` or `America/New_York`."
        ) from None
    return timezone


def check_user_id(user_id: str) -> str:
    user_id = user_id.strip().removeprefix("<@").removesuffix(">").split("|")[0].lstrip("@")
    if not USER_ID.match(user_id):
        raise UserError(f"`{escape(user_id)}` is not a Slack user: mention them, like @sam.")
    return user_id


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    project: Project | None = None,
    target: str | None = None,
    **detail: object,
) -> None:
    """Append a line to the audit log (in the caller's transaction)."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            target=target,
            project_id=project.id if project else None,
            detail=detail,
        )
    )


def get_project(session: Session, key: str) -> Project | None:
    return session.exec(select(Project).where(Project.key == key.strip().lower())).first()


def require_project(session: Session, key: str) -> Project:
    project = get_project(session, key)
    if project is None:  # never a list of keys: whoever asks may be in none of them
        raise UserError(
            f"There is no project `{escape(key)}`. `/pmo project list` shows yours; "
            "`/pmo project create KEY Name` makes one."
        )
    return project


def project_for_channel(session: Session, channel_id: str | None) -> Project | None:
    if not channel_id:
        return None
    link = session.get(ProjectChannel, channel_id)
    return session.get(Project, link.project_id) if link else None


def projects_for_user(session: Session, user_id: str) -> list[Project]:
    query = (
        select(Project)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user_id)
        .order_by(Project.key)
    )
    return list(session.exec(query))


def channels_of(session: Session, project: Project) -> list[str]:
    query = select(ProjectChannel.channel_id).where(ProjectChannel.project_id == project.id)
    return sorted(session.exec(query))


def role_of(session: Session, project: Project, user_id: str) -> Role | None:
    query = select(Membership).where(
        Membership.project_id == project.id, Membership.user_id == user_id
    )
    membership = session.exec(query).first()
    return Role(membership.role) if membership else None


def members_of(session: Session, project: Project, role: Role | None = None) -> list[Membership]:
    query = select(Membership).where(Membership.project_id == project.id)
    if role:
        query = query.where(Membership.role == role.value)
    return list(session.exec(query.order_by(Membership.role, Membership.user_id)))


def create_project(
    session: Session,
    *,
    key: str,
    name: str,
    actor: str,
    timezone: str = "UTC",
    channels: list[str] | None = None,
    pms: list[str] | None = None,
    members: list[str] | None = None,
) -> Project:
    """Create a project with its channels and people; raises `UserError` on bad input."""
    key = normalise_key(key)
    name = name.strip()
    if not name:
        raise UserError("Give the project a name, e.g. `/pmo project create apollo Apollo launch`.")
    if len(name) > 200:
        raise UserError("That project name is too long: keep it under 200 characters.")
    check_timezone(timezone)
    if get_project(session, key):
        raise UserError(f"Project `{key}` already exists.")
    project = Project(key=key, name=name, timezone=timezone, created_by=actor)
    session.add(project)
    session.flush()
    for channel in channels or []:
        link_channel(session, project=project, channel_id=channel, actor=actor)
    for user in pms or []:
        set_member(session, project=project, user_id=user, role=Role.PM, actor=actor)
    for user in members or []:
        if user not in (pms or []):
            set_member(session, project=project, user_id=user, role=Role.MEMBER, actor=actor)
    audit(session, actor=actor, action="project.create", project=project, target=key, name=name)
    return project


def link_channel(session: Session, *, project: Project, channel_id: str, actor: str) -> None:
    if not CHANNEL_ID.match(channel_id):
        raise UserError(f"`{escape(channel_id)}` is not a Slack channel id (like C0123ABCD).")
    existing = session.get(ProjectChannel, channel_id)
    if existing and existing.project_id != project.id:
        other = session.get(Project, existing.project_id)
        raise UserError(
            f"That channel is already linked to project `{other.key if other else '?'}`."
        )
    if not existing:
        session.add(ProjectChannel(channel_id=channel_id, project_id=project.id))
        audit(session, actor=actor, action="project.link", project=project, target=channel_id)


def set_member(
    session: Session, *, project: Project, user_id: str, role: Role, actor: str
) -> Membership:
    """Add someone to a project or change their role."""
    user_id = check_user_id(user_id)
    query = select(Membership).where(
        Membership.project_id == project.id, Membership.user_id == user_id
    )
    membership = session.exec(query).first()
    if membership is None:
        membership = Membership(project_id=project.id, user_id=user_id, role=role.value)
    else:
        if role != Role.PM:
            keep_a_pm(session, project, membership)
        membership.role = role.value
    session.add(membership)
    session.flush()
    audit(
        session,
        actor=actor,
        action="project.member",
        project=project,
        target=user_id,
        role=role.value,
    )
    return membership


def keep_a_pm(session: Session, project: Project, leaving: Membership) -> None:
    """Refuse to take away the project's last PM (nobody could manage it then)."""
    if leaving.role != Role.PM.value:
        return
    pms = members_of(session, project, Role.PM)
    if len(pms) <= 1:
        raise UserError(
            f"{mention(leaving.user_id)} is the only PM of `{project.key}`: make someone else "
            f"PM first (`project members add @them pm`)."
        )


def remove_member(session: Session, *, project: Project, user_id: str, actor: str) -> bool:
    query = select(Membership).where(
        Membership.project_id == project.id, Membership.user_id == user_id
    )
    membership = session.exec(query).first()
    if membership is None:
        return False
    keep_a_pm(session, project, membership)
    session.delete(membership)
    audit(session, actor=actor, action="project.member.remove", project=project, target=user_id)
    return True
