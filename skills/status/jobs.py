"""The check-in's scheduled posts: prompts, reminders and the report (`checkin_skill.jobs`).

Each is planned from the database on every tick and fired exactly once by the
engine. `run` checks again at firing time (answered, away, the person's own window
ended, a holiday added, settings changed) and asks the engine's own record (`Firing`)
whether the same job already went out at another time, so a firing re-planned after a
settings change never posts twice, while a retry of a failed post does. A reminder
goes out only after the person's prompt did. The first prompt that goes out records
the day's check-in and its roster (`ensure_checkin`), so a day nobody answered still
counts in participation; a day with no check-in (nobody was asked) has no report.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from bot.core import clock
from bot.core.messages import Reply
from bot.core.models import Project
from scheduler.models import Firing
from scheduler.plan import PlanContext, Planned, out_of_quiet_hours
from scheduler.policy import Policy, marked_late
from skills.status.config import get_config, holidays
from skills.status.days import (
    DayPlan,
    Slot,
    ensure_checkin,
    is_checkin_day,
    is_closed,
    plan_day,
    plans_between,
    report_channel,
    report_key,
)
from skills.status.models import CheckinConfig
from skills.status.report import build_report, report_replies
from skills.status.service import update_for, updates_of
from skills.status.views import prompt_reply, reminder_reply


def _target(ctx: PlanContext, firing: Planned) -> DayPlan | None:
    """The day plan of a firing keyed `kind:project:YYYY-MM-DD[:user]`, while it is on."""
    project = ctx.session.get(Project, firing.project_id)
    config = get_config(ctx.session, project) if project else None
    if project is None or config is None or not config.enabled:
        return None
    day = date.fromisoformat(firing.key.split(":")[2])
    if not is_checkin_day(config, day, holidays(ctx.session, project)):
        return None
    return plan_day(ctx.session, ctx.people, project, config, day)


def _owing(ctx: PlanContext, firing: Planned) -> tuple[DayPlan, Slot] | None:
    """The plan and slot of the participant a prompt or reminder is for, while they owe one:
    on the roster, not away, not answered, and their own window not ended."""
    plan = _target(ctx, firing)
    slot = next((s for s in plan.slots if s.user == firing.recipient), None) if plan else None
    if plan is None or slot is None or slot.away:
        return None
    if max(clock.now(), firing.due) >= slot.window_end:
        return None
    if plan.checkin is not None and is_closed(plan.checkin):
        return None
    if plan.checkin is not None and update_for(ctx.session, plan.checkin, slot.user):
        return None
    return plan, slot


def prompted_before(ctx: PlanContext, plan: DayPlan, slot: Slot, moment: datetime) -> bool:
    """Whether the participant's prompt of the day went out before `moment` (a reminder
    never comes first, nor right after a prompt that went out late)."""
    query = select(Firing.id).where(
        Firing.job_key == f"{CheckinPrompts.name}:{plan.key}:{slot.user}",
        Firing.status == "posted",
        Firing.posted_at < moment,
    )
    return ctx.session.exec(query).first() is not None


def sent_at_other_times(ctx: PlanContext, firing: Planned) -> int:
    """How often this job (same key) was posted at another due time."""
    query = select(func.count()).where(
        Firing.job_key == firing.key, Firing.status == "posted", Firing.due != firing.due
    )
    return ctx.session.exec(query).one()


class CheckinPrompts:
    """Each participant is asked at the check-in time in their own timezone."""

    name = "checkin-prompt"

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        return [
            Planned(
                self.name,
                f"{self.name}:{plan.key}:{slot.user}",
                slot.prompt_at,
                slot.user,
                slot.timezone,
                plan.project.id,
            )
            for plan in plans_between(ctx.session, ctx.people, start, end)
            for slot in plan.asked
            if start <= slot.prompt_at < end
        ]

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        found = _owing(ctx, firing)
        if found is None or sent_at_other_times(ctx, firing):
            return []  # answered, away, closed, or asked already before a settings change
        plan, slot = found
        ensure_checkin(ctx.session, ctx.people, plan.project, plan.config, plan.day)
        return [prompt_reply(plan.project, plan.config, plan.day, slot)]


def reminder_times(config: CheckinConfig, slot: Slot) -> list[datetime]:
    """`reminder_count` reminders, the last `reminder_before_minutes` before the window
    closes and the others spread evenly after the prompt."""
    last = slot.window_end - timedelta(minutes=config.reminder_before_minutes)
    if config.reminder_count < 1 or last <= slot.prompt_at:
        return []
    step = (last - slot.prompt_at) / config.reminder_count
    return [last - step * k for k in reversed(range(config.reminder_count))]


class CheckinReminders:
    """Non-responders are reminded before their window closes; never in quiet hours.
    Those who already answered (or skipped) are not planned, so listings leave them out."""

    name = "checkin-reminder"

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        planned = []
        for plan in plans_between(ctx.session, ctx.people, start, end):
            answered = updates_of(ctx.session, plan.checkin) if plan.checkin else {}
            for slot in plan.asked:
                if slot.user in answered:
                    continue
                prefs = ctx.prefs(slot.user)
                for due in reminder_times(plan.config, slot):
                    wall = f"{due.astimezone(ZoneInfo(slot.timezone)):%H:%M}"
                    if not start <= due < end or out_of_quiet_hours(prefs, wall) != wall:
                        continue  # quiet hours: skipped, not moved
                    key = f"{self.name}:{plan.key}:{slot.user}"
                    planned.append(
                        Planned(self.name, key, due, slot.user, slot.timezone, plan.project.id)
                    )
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        found = _owing(ctx, firing)
        if found is None:
            return []
        plan, slot = found
        if not prompted_before(ctx, plan, slot, firing.due):
            return []
        if sent_at_other_times(ctx, firing) >= plan.config.reminder_count:
            return []
        return [reminder_reply(plan.project, plan.day, slot)]


class CheckinReports:
    """One report per check-in, when the last participant's window closes."""

    name = "checkin-report"
    # After an outage, only each project's newest missed report is posted, marked late.
    policy = Policy(catch_up=timedelta(days=1), series=lambda firing: str(firing.project_id))

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        planned = []
        for plan in plans_between(ctx.session, ctx.people, start, end):
            closes = plan.closes_at
            if closes is None or not start <= closes < end:
                continue
            key = report_key(plan.project, plan.day)
            where = report_channel(ctx.session, plan.project) or "PMs"
            planned.append(
                Planned(self.name, key, closes, where, plan.project.timezone, plan.project.id)
            )
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        plan = _target(ctx, firing)
        if plan is None or plan.checkin is None or sent_at_other_times(ctx, firing):
            return []  # off, nobody was asked (no check-in), or sent before a settings change
        replies = report_replies(ctx.session, build_report(ctx.session, plan))
        return [marked_late(reply, firing) for reply in replies] if firing.late else replies


KINDS = [CheckinPrompts(), CheckinReminders(), CheckinReports()]
