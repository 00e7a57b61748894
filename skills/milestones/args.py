"""Arguments of the milestone operations, and the scope of an operation on one milestone."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.context import Context
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.operations import Args, Scope, flag, positional
from bot.core.projects import get_project
from bot.core.text import escape
from skills.milestones import service
from skills.milestones.models import Milestone

STALE = "That button is out of date: {key} has moved to {now} since it was shown ({then})."


class MilestoneArgs(Args):
    key: str = positional(description="The milestone: APOLLO-M2, or M2 in the project's channel")
    project: str | None = flag(description="Project key, for a short key outside its channel")
    shown: str | None = flag(description="The forecast the button showed", internal=True)


def milestone_scope(ctx: Context, args: MilestoneArgs) -> Scope:
    """The milestone named by `args.key`: its project's rule; its owner and author own it."""
    hint = get_project(ctx.session, args.project) if args.project else ctx.project
    if args.project and hint is None:
        hint = ctx.project_for(args.project)  # says there is no such project
    milestone = service.find_milestone(ctx.session, args.key, hint)
    project = ctx.session.get(Project, milestone.project_id)
    return Scope(
        project=project,
        owners=tuple(u for u in (milestone.owner, milestone.created_by) if u),
        owned=bool(milestone.owner),
        target=milestone,
        label=milestone.key,
    )


def target_milestone(ctx: Context, args: MilestoneArgs | None = None) -> Milestone:
    """The milestone the scope loaded; a stale button (the date moved since) is refused."""
    assert ctx.scope is not None and isinstance(ctx.scope.target, Milestone)
    milestone = ctx.scope.target
    shown = args.shown if args else None
    if shown and shown != milestone.forecast_on.isoformat():
        try:
            then = f"{date.fromisoformat(shown):%a %d %b}"
        except ValueError:
            then = "another date"
        raise UserError(
            STALE.format(key=milestone.key, now=f"{milestone.forecast_on:%a %d %b}", then=then)
            + f" Nothing was changed: look again with `milestone show {milestone.key}`."
        )
    return milestone


def read_day(value: Any) -> date | None:
    """A date from a form or flag (YYYY-MM-DD), else None."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"`{escape(str(value))}` is not a date: use YYYY-MM-DD.") from None
