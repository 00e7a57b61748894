"""RAID job kinds (`Skill.jobs`): a grouped reminder to each owner, and a digest to each PM.

Reminders carry project data, so an owner hears only about the projects where they hold at
least the viewer role (the one rule, `bot.core.access`); an owner who left a project, or one
kept as text, is not DMed about it.

Both go at most once a day per person (`Policy.once_per`), so a time or quiet hours changed
after the day's DM went out do not send it again. One missed by more than the engine's grace
(an outage) is not sent late: the next working day's replaces it, and hours late it would
likely land in the person's quiet hours.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.core import ui
from bot.core.messages import Reply
from bot.core.models import Membership, Project, Role
from bot.core.text import escape, mention, shorten
from scheduler.models import PersonPrefs, ProjectSchedule
from scheduler.plan import (
    PlanContext,
    Planned,
    local_instants,
    out_of_quiet_hours,
    working_days,
)
from scheduler.policy import Policy
from scheduler.recipients import may_receive
from skills.raid import attention as raid
from skills.raid.models import RaidItem
from skills.raid.views import nudge_blocks


def working_day_instants(
    ctx: PlanContext, user: str, at: str, start: datetime, end: datetime
) -> list[datetime]:
    """The instants in [start, end) at `at` `user`'s time on their working days, moved out
    of their quiet hours."""
    person, prefs = ctx.people.get(user), ctx.prefs(user)
    return ctx.memo(  # the same for everyone with this timezone, time and preferences
        ("instants", person.timezone, at, *prefs_hours(prefs), start, end),
        lambda: list(
            local_instants(
                person.timezone,
                out_of_quiet_hours(prefs, at),
                start,
                end,
                weekdays=working_days(prefs),
            )
        ),
    )


def prefs_hours(prefs: PersonPrefs) -> tuple[str, str, bool]:
    """What of a person's preferences decides when they may be messaged."""
    return prefs.quiet_start, prefs.quiet_end, prefs.weekends_off


def each_working_day(
    ctx: PlanContext,
    kind: str,
    key: str,
    user: str,
    projects: list[tuple[Project, ProjectSchedule]],
    start: datetime,
    end: datetime,
) -> list[Planned]:
    """A DM to `user` about `projects` (by key) at the first one's `schedule reminders` time,
    their time, on each of their working days in [start, end), moved out of their quiet
    hours."""
    timezone = ctx.people.get(user).timezone
    instants = working_day_instants(ctx, user, projects[0][1].nudge_time, start, end)
    about = tuple(project.id for project, _ in projects)
    return [Planned(kind, key, due, user, timezone, projects=about) for due in instants]


def reminding(ctx: PlanContext) -> dict[int, tuple[Project, ProjectSchedule]]:
    """The projects whose RAID reminders are on, by key, with their schedules."""
    return {project.id: (project, c) for project, c in ctx.schedules() if c.nudges_enabled}


def attention(
    ctx: PlanContext, project: Project, config: ProjectSchedule, today: date
) -> list[tuple[RaidItem, str]]:
    """The project's items needing attention on `today` (worst first), read once per tick
    for all the PM digests that list them."""
    return ctx.memo(
        ("raid-attention", project.id, today, config.stale_days),
        lambda: raid.needing_attention(
            ctx.session, project, today=today, stale_days=config.stale_days
        ),
    )


class RaidReminders:
    """One grouped DM a working day to each owner with overdue or stale items."""

    name = "raid-reminder"
    policy = Policy(once_per="day")

    def owners(
        self, ctx: PlanContext, start: datetime, end: datetime
    ) -> dict[str, list[tuple[Project, ProjectSchedule]]]:
        """Each owner to remind in [start, end), with their projects (by key), from one
        query over the items of those who may be due then."""
        enabled = reminding(ctx)
        rank = {pid: n for n, pid in enumerate(enabled)}
        due = self.maybe_due(ctx, enabled, start, end)
        found: dict[str, list[tuple[Project, ProjectSchedule]]] = defaultdict(list)
        for project_id, owner in sorted(
            self.needing_attention(ctx, enabled, due), key=lambda w: (rank[w[0]], w[1])
        ):
            if may_receive(ctx, project_id, owner):
                found[owner].append(enabled[project_id])
        return found

    @staticmethod
    def needing_attention(
        ctx: PlanContext,
        enabled: dict[int, tuple[Project, ProjectSchedule]],
        owners: dict[str, date],
    ) -> set[tuple[int, str]]:
        """Each (project id, owner) of `owners` with an item needing attention on the owner's
        own date (so one ahead of the project hears at their time, not at the project's
        midnight; `run` checks again), a query per date."""
        by_day: dict[date, set[str]] = defaultdict(set)
        for owner, day in owners.items():
            by_day[day].add(owner)
        found: set[tuple[int, str]] = set()
        for day, group in by_day.items():
            days = {pid: (day, config.stale_days) for pid, (_, config) in enabled.items()}
            found |= raid.owners_needing_attention(ctx.session, days, owners=group)
        return found

    @staticmethod
    def maybe_due(
        ctx: PlanContext,
        enabled: dict[int, tuple[Project, ProjectSchedule]],
        start: datetime,
        end: datetime,
    ) -> dict[str, date]:
        """Who may get a reminder in [start, end), with their own date at the first time:
        the members of an enabled project whose nudge time there falls in the window on one
        of their working days. A first cut, so that a tick reads only their items; `plan`
        picks each owner's time exactly."""
        due: dict[str, date] = {}
        seen: dict[tuple[str, str, str, str, bool], date | None] = {}  # same hours, same day
        for project_id, user in ctx.members():
            if project_id not in enabled or user in due:
                continue
            at, prefs = enabled[project_id][1].nudge_time, ctx.prefs(user)
            zone = ctx.people.get(user).timezone
            hours = (zone, at, *prefs_hours(prefs))
            if hours not in seen:
                instants = working_day_instants(ctx, user, at, start, end)
                seen[hours] = instants[0].astimezone(ZoneInfo(zone)).date() if instants else None
            if (day := seen[hours]) is not None:
                due[user] = day
        return due

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        return [
            firing
            for owner, projects in self.owners(ctx, start, end).items()
            for firing in each_working_day(
                ctx, self.name, f"reminder:{owner}", owner, projects, start, end
            )
        ]

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        # the hub imports the RAID skill
        from skills.hub.urgency import milestones_at_stake, most_urgent_first

        owner = firing.recipient
        if ctx.away(owner, firing.local_due().date()):
            return []  # the PM digest flags an away owner's items instead
        today = firing.due.astimezone(firing.local_due().tzinfo).date()
        readable = [
            (project, config)
            for project, config in ctx.schedules()
            if config.nudges_enabled and may_receive(ctx, project.id, owner)
        ]
        # only the owner's items: a firing reads what its own message lists
        entries = [
            entry
            for project, config in readable
            for entry in raid.needing_attention(
                ctx.session, project, today=today, stale_days=config.stale_days, owner=owner
            )
        ]
        if not entries:
            return []
        stakes = milestones_at_stake(ctx.session, [item for item, _ in entries])
        zones = {project.id: project.timezone for project, _ in readable}
        entries = most_urgent_first(ctx.session, entries, person=owner, stakes=stakes, zones=zones)
        count = (
            "1 of your RAID items needs"
            if len(entries) == 1
            else (f"{len(entries)} of your RAID items need")
        )
        intro = f"Hi {mention(owner)}, {count} a look:"
        return [Reply(text=intro, blocks=nudge_blocks(entries, intro), to_user=owner)]


class PmDigest:
    """Daily to each PM of a project with RAID reminders on, at that project's reminder time
    (the first by key, when they run several): high risks with no owner or mitigation, and
    away owners' items. None while the PM is away."""

    name = "pm-digest"
    policy = Policy(once_per="day")

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        return [
            firing
            for pm, projects in self.pms(ctx).items()
            for firing in each_working_day(
                ctx, self.name, f"pm-digest:{pm}", pm, projects, start, end
            )
        ]

    @staticmethod
    def pms(ctx: PlanContext) -> dict[str, list[tuple[Project, ProjectSchedule]]]:
        """Each PM (by id) with their projects whose RAID reminders are on (by key)."""
        enabled = reminding(ctx)
        rank = {pid: n for n, pid in enumerate(enabled)}
        found: dict[str, list[int]] = defaultdict(list)
        for (project_id, user), role in ctx.members().items():
            if role == Role.PM and project_id in enabled:
                found[user].append(project_id)
        return {
            pm: [enabled[pid] for pid in sorted(pids, key=rank.__getitem__)]
            for pm, pids in sorted(found.items())
        }

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        pm = firing.recipient
        if ctx.away(pm, firing.local_due().date()):
            return []
        lines: list[str] = []
        projects = ctx.session.exec(
            select(Project)
            .join(Membership, Membership.project_id == Project.id)
            .where(Membership.user_id == pm, Membership.role == Role.PM.value)
        ).all()
        for project in projects:
            config = ctx.schedule_of(project.id)
            if not config.nudges_enabled:
                continue
            today = firing.local_due().date()
            for risk in raid.unguarded_risks(ctx.session, project):
                missing = "no owner" if not risk.owner else "no mitigation"
                lines.append(
                    f"• *{risk.key}* {escape(shorten(risk.title, 90))} — score "
                    f"{risk.score}, {missing}"
                )
            for item, reason in attention(ctx, project, config, today):
                if item.owner and ctx.away(item.owner, today):
                    lines.append(
                        f"• *{item.key}* {escape(shorten(item.title, 90))} — {reason}, "
                        f"owner {mention(item.owner)} is away"
                    )
        if not lines:
            return []
        text = "RAID items that need a PM's eye today:\n" + "\n".join(lines[:30])
        return [Reply(text=text, blocks=[ui.section(text)], to_user=pm)]
