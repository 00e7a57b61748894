"""Slip alerts: when a move leaves a milestone's forecast more than its project's threshold
after the baseline, its PMs and followers get one DM about that move (not the person who made
it). A job kind for the scheduler (see `scheduler.plan.JobKind`): each (move, person) is one
firing, and the engine posts a firing once; an alert due in someone's quiet hours waits for
their end."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.core import clock, ui
from bot.core.messages import Reply
from bot.core.models import Project, Role
from bot.core.projects import members_of
from bot.core.text import escape, mention
from scheduler.models import Firing
from scheduler.plan import PlanContext, Planned, out_of_quiet_hours, parse_hhmm
from scheduler.policy import Policy, marked_late
from skills.milestones import service, views
from skills.milestones.models import Milestone, MilestoneChange

LOOKBACK = timedelta(days=1)  # quiet hours may hold an alert back this long at most


def is_alarming(change: MilestoneChange, milestone: Milestone, threshold: int) -> bool:
    """A move later whose new forecast is more than `threshold` days past the baseline."""
    if change.field != "forecast" or not (change.old and change.new):
        return False
    new = datetime.fromisoformat(change.new).date()
    moved_later = new > datetime.fromisoformat(change.old).date()
    return moved_later and (new - milestone.baseline_on).days > threshold


def is_alarming_now(milestone: Milestone, threshold: int) -> bool:
    """Whether its forecast, as it stands, is still more than `threshold` days late."""
    return (milestone.forecast_on - milestone.baseline_on).days > threshold


def recipients(ctx: PlanContext, project: Project, milestone: Milestone) -> list[str]:
    pms = [m.user_id for m in members_of(ctx.session, project, Role.PM)]
    return sorted({*pms, *service.followers(ctx.session, milestone)})


def due_for(ctx: PlanContext, user: str, moment: datetime) -> tuple[datetime, str]:
    """When `user` may hear of something that happened at `moment` (after quiet hours)."""
    timezone = ctx.people.get(user).timezone
    local = moment.astimezone(ZoneInfo(timezone))
    allowed = out_of_quiet_hours(ctx.prefs(user), f"{local:%H:%M}")
    if allowed == f"{local:%H:%M}":
        return moment, timezone
    later = datetime.combine(local.date(), parse_hhmm(allowed), tzinfo=local.tzinfo)
    if later < local:
        later += timedelta(days=1)
    return later.astimezone(moment.tzinfo), timezone


class SlipAlerts:
    """One DM per slipping move and person (see the module docstring)."""

    name = "milestone-slip"
    policy = Policy(catch_up=LOOKBACK)  # after an outage, a slip still worth telling, late

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        moves = ctx.session.exec(
            select(MilestoneChange, Milestone)
            .join(Milestone, col(Milestone.id) == MilestoneChange.milestone_id)
            .where(MilestoneChange.field == "forecast", Milestone.deleted == False)  # noqa: E712
            .where(MilestoneChange.at >= start - LOOKBACK, MilestoneChange.at < end)
            .order_by(col(MilestoneChange.id))
        )
        planned = []
        for change, milestone in moves:
            project = ctx.session.get(Project, milestone.project_id)
            threshold = service.slip_threshold(ctx.session, project)
            if project is None or not is_alarming(change, milestone, threshold):
                continue
            for user in recipients(ctx, project, milestone):
                if user == change.actor:
                    continue
                due, timezone = due_for(ctx, user, clock.as_utc(change.at))
                if start <= due < end:
                    key = f"milestone-slip:{change.id}:{user}"
                    planned.append(Planned(self.name, key, due, user, timezone, project.id))
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        _, change_id, user = firing.key.split(":")
        earlier = ctx.session.exec(
            select(Firing.id).where(
                Firing.job_key == firing.key, Firing.due != firing.due, Firing.status == "posted"
            )
        ).first()
        change = ctx.session.get(MilestoneChange, int(change_id))
        milestone = ctx.session.get(Milestone, change.milestone_id) if change else None
        if earlier or change is None or milestone is None or milestone.deleted:
            return []  # told already (their quiet hours changed), or it is gone
        if ctx.away(user, firing.local_due().date()):
            return []
        project = ctx.session.get(Project, milestone.project_id)
        threshold = service.slip_threshold(ctx.session, project)
        if milestone.status in service.FINISHED or not is_alarming_now(milestone, threshold):
            return []  # finished, or moved back within the threshold, before it could be sent
        why = f": {escape(change.reason)}" if change.reason else ""
        text = (
            f":warning: *{milestone.key}* {escape(milestone.name)} has slipped past "
            f"`{project.key}`'s {threshold}-day threshold: {views.slip_text(milestone)}.\n"
            f"{mention(change.actor)} moved it {views.move_text(change.old, change.new)}{why}"
        )
        blocks = [ui.section(text), views.buttons(milestone)]
        reply = Reply(text=text, blocks=blocks, to_user=user)
        return [marked_late(reply, firing) if firing.late else reply]
