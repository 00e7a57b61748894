"""Who may receive a scheduled post with project data: the one authorization rule
(`bot.core.access`) applied to recipients. A DM about a project goes only to someone with
at least the viewer role in it; the project's own channels are its audience already."""

from __future__ import annotations

import logging

from bot.core.access import permits
from bot.core.messages import Reply
from bot.core.operations import Access
from scheduler.plan import PlanContext, Planned

log = logging.getLogger(__name__)


def may_receive(ctx: PlanContext, project_id: int, user_id: str) -> bool:
    """Whether `user_id` may read `project_id`'s data (viewer, member or PM)."""
    role = ctx.role(project_id, user_id)
    return permits(Access.VIEWER, role, admin=False, owns=False, owned=False)


def allowed_replies(ctx: PlanContext, firing: Planned, replies: list[Reply]) -> list[Reply]:
    """The firing's replies less any DM about its project to someone who may not read it."""
    if firing.project_id is None:
        return replies
    kept = []
    for reply in replies:
        dm = reply.to_user and not reply.to_channel
        if dm and not may_receive(ctx, firing.project_id, reply.to_user):
            log.warning(
                "scheduler: %s not sent to %s, who cannot read project %s",
                firing.kind,
                reply.to_user,
                firing.project_id,
            )
            continue
        kept.append(reply)
    return kept
