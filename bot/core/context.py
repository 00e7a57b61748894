"""What a skill handler gets: the database session, who is asking, where, and helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.core import projects
from bot.core.messages import Reply, UserError, Via
from bot.core.models import Project, Role
from bot.core.operations import Args, Operation
from bot.core.people import People, Person
from bot.core.settings import Settings

if TYPE_CHECKING:
    from bot.core.operations import Scope
    from bot.core.skills import SkillRegistry


@dataclass
class Context:
    """One request's view of the world; the session commits when the handler returns."""

    session: Session
    settings: Settings
    people: People
    registry: SkillRegistry
    user: str
    channel: str | None = None
    via: Via = "console"
    is_dm: bool = False
    message_ts: str | None = None
    thread_ts: str | None = None
    trigger_id: str | None = None
    permalink: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    team: str | None = None
    project: Project | None = field(default=None)
    role: Role | None = None  # the user's role in the operation's project, once authorized
    scope: Scope | None = None  # what the running operation touches (its `target` is loaded)
    operation: Operation | None = None  # the operation running
    # Shows the reply so far, where it will be posted (the transport's; the final reply
    # replaces it). None where there is no such place or the reply will not be public.
    draft: Callable[[str], None] | None = None

    def authorize(self, scope: Scope) -> Role | None:
        """The one rule, for the running operation on `scope` (an operation that touches a
        second record checks it too); `Refused` if it says no."""
        from bot.core import access

        assert self.operation is not None
        return access.authorize(
            self.session,
            self.operation,
            scope,
            user=self.user,
            team=self.team,
            admin=self.person.is_admin,
        )

    def invoke(self, name: str, args: dict[str, Any] | Args) -> list[Reply]:
        """Run another operation for the same person, through the same authorization rule."""
        from bot.core.dispatch import call

        op = self.registry.operation(name)
        return call(self, op, lambda _: args if isinstance(args, Args) else op.validate(args))

    @property
    def person(self) -> Person:
        return self.people.get(self.user)

    def project_for(self, key: str | None = None) -> Project:
        """The project named by `key`, else this channel's, else (in a DM) the user's only one."""
        if key:
            return projects.require_project(self.session, key)
        if self.project:
            return self.project
        if not self.is_dm:
            raise UserError(
                "This channel is not linked to a project. Link it with `/pmo project link KEY`, "
                "create one with `/pmo project create KEY Project name`, or add `--project KEY`."
            )
        mine = projects.projects_for_user(self.session, self.user)
        if len(mine) == 1:
            return mine[0]
        if mine:
            keys = ", ".join(f"`{p.key}`" for p in mine)
            raise UserError(f"Which project? You are in {keys}: add `--project KEY`.")
        raise UserError(
            "You are not in any project yet: ask a PM to add you, or create one "
            "with `/pmo project create KEY Project name`."
        )

    def role_in(self, project: Project) -> Role | None:
        return projects.role_of(self.session, project, self.user)

    def require_member(self, project: Project) -> Role:
        """The user's role; a `UserError` if they are not in the project."""
        role = self.role_in(project)
        if role is None and not self.person.is_admin:
            raise UserError(
                f"You are not a member of `{project.key}`. Ask its PM to add you with "
                f"`/pmo project members add @you`."
            )
        return role or Role.PM

    def require_pm(self, project: Project) -> None:
        """Only a PM of the project or a workspace admin may go on."""
        if self.role_in(project) != Role.PM and not self.person.is_admin:
            raise UserError(f"Only a PM of `{project.key}` or a workspace admin can do that.")

    def audit(
        self,
        action: str,
        *,
        project: Project | None = None,
        target: str | None = None,
        **detail: object,
    ) -> None:
        projects.audit(
            self.session,
            actor=self.user,
            action=action,
            project=project or self.project,
            target=target,
            **detail,
        )
