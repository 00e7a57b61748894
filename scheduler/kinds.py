"""The job kinds: weekly summaries, RAID reminders to owners, and PM digests."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import select

from bot.core import clock, ui
from bot.core.messages import Reply
from bot.core.models import Membership, Project, Role
from bot.core.projects import channels_of
from bot.core.text import escape, mention, shorten
from scheduler.models import Firing, ProjectSchedule
from scheduler.plan import (
    JobKind,
    PlanContext,
    Planned,
    is_away,
    local_instants,
    out_of_quiet_hours,
    prefs_for,
    working_days,
)
from skills.hub.urgency import most_urgent_first
from skills.milestones.jobs import SlipAlerts
from skills.raid import attention as raid
from skills.raid.models import RaidItem
from skills.raid.views import nudge_blocks
from skills.status.jobs import KINDS as CHECKIN_KINDS

log = logging.getLogger(__name__)


def schedules(ctx: PlanContext) -> list[tuple[Project, ProjectSchedule]]:
    """Every project with its schedule (defaults when none was set)."""
    out = []
    for project in ctx.session.exec(select(Project).order_by(Project.key)):
        config = ctx.session.get(ProjectSchedule, project.id) or ProjectSchedule(
            project_id=project.id
        )
        out.append((project, config))
    return out


class WeeklySummary:
    """The project summary, posted weekly in the project's first channel."""

    name = "summary"

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        planned = []
        for project, config in schedules(ctx):
            channels = channels_of(ctx.session, project)
            if not (config.summary_enabled and channels):
                continue
            for due in local_instants(
                project.timezone, config.summary_time, start, end, weekdays={config.summary_weekday}
            ):
                planned.append(
                    Planned(
                        self.name,
                        f"summary:{project.key}",
                        due,
                        channels[0],
                        project.timezone,
                        project.id,
                    )
                )
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        from skills.summary.builder import project_summary, summary_reply

        project = ctx.session.get(Project, firing.project_id)
        if project is None:
            return []
        last = ctx.session.exec(
            select(Firing.due)
            .where(Firing.job_key == firing.key, Firing.status == "posted", Firing.due < firing.due)
            .order_by(Firing.due.desc())  # type: ignore[attr-defined]
        ).first()
        since = last or firing.due - timedelta(days=7)
        reply = summary_reply(project_summary(ctx.session, project, since=since, now=firing.due))
        reply.to_channel = firing.recipient
        return [reply]


class RaidReminders:
    """One grouped DM a working day to each owner with overdue or stale items."""

    name = "raid-reminder"

    def owners(self, ctx: PlanContext) -> dict[str, list[tuple[Project, ProjectSchedule]]]:
        found: dict[str, list[tuple[Project, ProjectSchedule]]] = defaultdict(list)
        for project, config in schedules(ctx):
            if not config.nudges_enabled:
                continue
            today = clock.today(project.timezone)  # today's state; `run` checks again
            for item, _ in raid.needing_attention(
                ctx.session, project, today=today, stale_days=config.stale_days
            ):
                if item.owner and (project, config) not in found[item.owner]:
                    found[item.owner].append((project, config))
        return found

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        planned = []
        for owner, projects in self.owners(ctx).items():
            person, prefs = ctx.people.get(owner), prefs_for(ctx.session, owner)
            at = out_of_quiet_hours(prefs, projects[0][1].nudge_time)
            for due in local_instants(
                person.timezone, at, start, end, weekdays=working_days(prefs)
            ):
                planned.append(Planned(self.name, f"reminder:{owner}", due, owner, person.timezone))
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        owner = firing.recipient
        if is_away(ctx.session, owner, firing.local_due().date()):
            return []  # the PM digest flags an away owner's items instead
        entries = []
        owned = select(RaidItem.project_id).where(
            RaidItem.owner == owner,
            RaidItem.deleted == False,  # noqa: E712
        )
        theirs = set(ctx.session.exec(owned.distinct()))
        for project, config in schedules(ctx):
            if not config.nudges_enabled or project.id not in theirs:
                continue
            today = firing.due.astimezone(firing.local_due().tzinfo).date()
            entries += raid.needing_attention(
                ctx.session, project, today=today, stale_days=config.stale_days, owner=owner
            )
        if not entries:
            return []
        entries = most_urgent_first(ctx.session, entries, person=owner)
        count = (
            "1 of your RAID items needs"
            if len(entries) == 1
            else (f"{len(entries)} of your RAID items need")
        )
        intro = f"Hi {mention(owner)}, {count} a look:"
        return [Reply(text=intro, blocks=nudge_blocks(entries, intro), to_user=owner)]


class PmDigest:
    """Daily to each PM: high risks with no owner or mitigation, and away owners' items."""

    name = "pm-digest"

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        planned = []
        pms = ctx.session.exec(
            select(Membership.user_id).where(Membership.role == Role.PM.value).distinct()
        ).all()
        nudge_time = "09:30"
        for pm in sorted(pms):
            person, prefs = ctx.people.get(pm), prefs_for(ctx.session, pm)
            at = out_of_quiet_hours(prefs, nudge_time)
            for due in local_instants(
                person.timezone, at, start, end, weekdays=working_days(prefs)
            ):
                planned.append(Planned(self.name, f"pm-digest:{pm}", due, pm, person.timezone))
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        pm = firing.recipient
        lines: list[str] = []
        projects = ctx.session.exec(
            select(Project)
            .join(Membership, Membership.project_id == Project.id)
            .where(Membership.user_id == pm, Membership.role == Role.PM.value)
        ).all()
        for project in projects:
            config = ctx.session.get(ProjectSchedule, project.id) or ProjectSchedule(
                project_id=project.id
            )
            if not config.nudges_enabled:
                continue
            today = firing.local_due().date()
            for risk in raid.unguarded_risks(ctx.session, project):
                missing = "no owner" if not risk.owner else "no mitigation"
                lines.append(
                    f"• *{risk.key}* {escape(shorten(risk.title, 90))} — score "
                    f"{risk.score}, {missing}"
                )
            for item, reason in raid.needing_attention(
                ctx.session, project, today=today, stale_days=config.stale_days
            ):
                if item.owner and is_away(ctx.session, item.owner, today):
                    lines.append(
                        f"• *{item.key}* {escape(shorten(item.title, 90))} — {reason}, "
                        f"owner {mention(item.owner)} is away"
                    )
        if not lines:
            return []
        text = "RAID items that need a PM's eye today:\n" + "\n".join(lines[:30])
        return [Reply(text=text, blocks=[ui.section(text)], to_user=pm)]


KINDS: list[JobKind] = [
    WeeklySummary(),
    RaidReminders(),
    PmDigest(),
    *CHECKIN_KINDS,
    SlipAlerts(),
]
