"""The weekly summary, posted in the project's first channel (a job kind, `Skill.jobs`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from bot.core import clock
from bot.core.messages import Reply
from bot.core.models import Project
from bot.core.projects import channels_of
from scheduler.models import Firing
from scheduler.plan import PlanContext, Planned, local_instants
from scheduler.policy import Policy, marked_late


class WeeklySummary:
    """The project summary, posted weekly in the project's first channel: once a week even
    when its day or time changes after it went out, and after an outage still posted late
    (marked so) for up to 4 days, when the next one is near enough to wait for."""

    name = "summary"
    policy = Policy(catch_up=timedelta(days=4), once_per="week")

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        planned = []
        for project, config in ctx.schedules():
            if not config.summary_enabled:
                continue
            dues = list(
                local_instants(
                    project.timezone,
                    config.summary_time,
                    start,
                    end,
                    weekdays={config.summary_weekday},
                )
            )
            channels = channels_of(ctx.session, project) if dues else []  # asked only when due
            for due in dues if channels else []:
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
        since = clock.as_utc(last) if last else firing.due - timedelta(days=7)  # SQLite: naive
        reply = summary_reply(project_summary(ctx.session, project, since=since, now=firing.due))
        reply.to_channel = firing.recipient
        return [marked_late(reply, firing) if firing.late else reply]
