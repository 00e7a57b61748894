"""A project's summary: the facts (`project_summary`) and the message (`summary_reply`).

Offline it is a template; `Summary.narrative` is the seam for a written
paragraph (e.g. from an LLM) shown above the facts when present.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import ui
from bot.core.messages import Reply
from bot.core.models import Project
from bot.core.text import escape
from skills.cost.service import picture
from skills.milestones.service import list_milestones
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidStatus, RaidType
from skills.raid.views import DATE_LABEL, item_line
from skills.summary import views
from skills.summary.health import (
    HEALTH_ICON,
    Health,
    HealthFacts,
    assess,
    facts_from_items,
    is_open,
    is_overdue,
)
from skills.summary.snapshot import project_items, states_as_of

DUE_WINDOW = timedelta(days=14)
TOP_RISKS = 5


@dataclass(frozen=True)
class Change:
    """Something that happened to an item since `since`, e.g. a score `12 → 20`."""

    item: RaidItem
    detail: str


@dataclass
class Summary:
    """The facts of a project's summary, ready to render."""

    project: Project
    since: datetime
    now: datetime
    today: date
    facts: HealthFacts
    health: Health
    open_items: list[RaidItem]
    top_risks: list[RaidItem]
    open_issues: list[RaidItem]
    overdue: list[RaidItem]
    due_soon: list[RaidItem]
    dependencies_at_risk: list[RaidItem]
    new: list[Change] = field(default_factory=list)
    closed: list[Change] = field(default_factory=list)
    rescored: list[Change] = field(default_factory=list)
    slipped: list[Change] = field(default_factory=list)
    narrative: str | None = None
    checkins: list[str] = field(default_factory=list)

    @property
    def open_risks(self) -> int:
        return sum(1 for i in self.open_items if i.type == RaidType.RISK.value)

    @property
    def changes(self) -> int:
        return len(self.new) + len(self.closed) + len(self.rescored) + len(self.slipped)


def _by_score(item: RaidItem) -> tuple[int, date, int]:
    return (-(item.score or 0), item.due_on or date.max, item.id or 0)


def live_facts(
    session: Session,
    project: Project,
    open_items: Sequence[RaidItem],
    *,
    today: date,
    statuses: Sequence[str] | None = None,
) -> HealthFacts:
    """The health rule's facts as they stand: the open items', the milestones past their
    dates and the cost forecast's overrun (history rebuilds only the items, so past colours
    count those alone)."""
    milestones = list_milestones(session, project, include_finished=False)
    money = picture(session, project)
    budget = money.plan.budget_cents if money.plan else 0
    over = (money.forecast or 0) / budget - 1 if budget and money.forecast else 0.0
    facts = facts_from_items(open_items, today=today, statuses=statuses)
    late = sum(1 for m in milestones if m.forecast_on < today)
    return replace(facts, late_milestones=late, forecast_over=max(over, 0.0))


def project_summary(
    session: Session,
    project: Project,
    *,
    since: datetime,
    now: datetime,
    statuses: Sequence[str] | None = None,
) -> Summary:
    """Gather a project's open RAID picture, its check-ins, and what changed since `since`.

    `statuses` (people's latest green/amber/red) default to the project's check-ins.
    """
    from skills.status.digest import checkin_digest
    from skills.status.service import latest_statuses

    if statuses is None:
        statuses = latest_statuses(session, project, now=now)
    today = now.astimezone(ZoneInfo(project.timezone)).date()
    items = project_items(session, project)
    live = [i for i in items if not i.deleted]
    open_items = [i for i in live if is_open(i)]
    facts = live_facts(session, project, open_items, today=today, statuses=statuses)
    risks = sorted((i for i in open_items if i.type == RaidType.RISK.value), key=_by_score)
    summary = Summary(
        project=project,
        since=since,
        now=now,
        today=today,
        facts=facts,
        health=assess(facts),
        open_items=open_items,
        top_risks=risks[:TOP_RISKS],
        open_issues=sorted(
            (i for i in open_items if i.type == RaidType.ISSUE.value), key=_by_score
        ),
        overdue=sorted((i for i in open_items if is_overdue(i, today)), key=lambda i: i.due_on),
        due_soon=sorted(
            (i for i in open_items if i.due_on and today <= i.due_on <= today + DUE_WINDOW),
            key=lambda i: (i.due_on, i.id or 0),
        ),
        dependencies_at_risk=[i for i in open_items if i.status == RaidStatus.AT_RISK.value],
    )
    summary.checkins = checkin_digest(session, project, since=since, now=now)
    add_changes(session, summary, items)
    return summary


def add_changes(session: Session, summary: Summary, items: list[RaidItem]) -> None:
    """Compare each item now with its state just before `since` (rebuilt from history)."""
    before = states_as_of(session, summary.project, summary.since, items)
    for item in items:
        if item.deleted:
            continue
        old = before.get(item.id or 0)
        logged_taken = old is None and item.type == RaidType.DECISION.value  # decided as logged
        if old is None:
            kind = RaidType(item.type).label.lower()
            score = f" · score {item.score}" if item.score else ""
            taken = f" · {item.status}" if logged_taken else ""
            summary.new.append(Change(item, f"new {kind}{score}{taken}"))
        if not is_open(item) and (old is None or is_open(old)) and not logged_taken:
            summary.closed.append(Change(item, item.status.replace("_", " ")))
        if old is None:
            continue
        if old.score != item.score:
            was, now = old.score or "unscored", item.score or "unscored"
            summary.rescored.append(Change(item, f"score {was} → {now}"))
        if old.due_on and item.due_on and item.due_on > old.due_on:
            days = (item.due_on - old.due_on).days
            label = DATE_LABEL[item.type].lower()
            summary.slipped.append(
                Change(item, f"{label} {old.due_on:%a %d %b} → {item.due_on:%a %d %b} (+{days}d)")
            )


def change_lines(changes: list[Change]) -> list[str]:
    return [
        f"• {views.key_and_title(c.item)} · {c.detail}{views.source_link(c.item)}" for c in changes
    ]


def headline(summary: Summary) -> str:
    colour, reasons = summary.health
    why = "; ".join(reasons) if reasons else "no warning signs in the RAID log"
    return (
        f"{HEALTH_ICON[colour]} *{escape(summary.project.name)}* (`{summary.project.key}`) — "
        f"health *{colour}*: {why}."
    )


def item_sections(summary: Summary) -> list[str]:
    day, key = summary.today, summary.project.key
    sections = []
    if summary.top_risks:
        title = f"*Top risks* ({len(summary.top_risks)} of {summary.open_risks} open)"
        lines = [f"{item_line(i, day)} · score *{i.score or '—'}*" for i in summary.top_risks]
        sections.append(views.listing(title, lines))
    parts = [
        ("Open issues", summary.open_issues, " — `raid list issues`"),
        ("Overdue", summary.overdue, " — `raid list overdue`"),
        (f"Due in the next {DUE_WINDOW.days} days", summary.due_soon, " — `raid list`"),
        ("Dependencies at risk", summary.dependencies_at_risk, " — `raid list dependencies`"),
    ]
    for title, items, more in parts:
        if items:
            lines = [item_line(i, day) for i in items]
            sections.append(views.listing(f"*{title}* ({len(items)})", lines, more=more))
    if not summary.open_items:
        sections.append(f"No open RAID items in `{key}`. Log one: `raid add risk: …`.")
    return sections


def change_sections(summary: Summary, *, in_project: bool = False) -> list[str]:
    """The title, then new, closed, rescored and slipped items; ``in_project`` names the
    project in the title (the answer to "what changed?")."""
    local = summary.since.astimezone(ZoneInfo(summary.project.timezone))
    where = f" in `{summary.project.key}`" if in_project else ""
    title = f"*What changed{where} since {local:%a %d %b}*"
    if not summary.changes:
        return [f"{title}: nothing new, closed, rescored or slipped."]
    sections = [title]
    for label, changes in (
        ("New", summary.new),
        ("Closed", summary.closed),
        ("Score changes", summary.rescored),
        ("Dates slipped", summary.slipped),
    ):
        if changes:
            sections.append(views.listing(f"_{label}_ ({len(changes)})", change_lines(changes)))
    return sections


def summary_reply(summary: Summary) -> Reply:
    """Block Kit and text for a summary, with the heat map attached when anything is scored."""
    project = summary.project
    top = headline(summary)
    narrative = [escape(summary.narrative.strip())] if summary.narrative else []
    facts = item_sections(summary)
    if summary.checkins:
        facts.append("*Check-ins*\n" + "\n".join(summary.checkins))
    changes = change_sections(summary)
    footer = "How health is worked out: `summary rule` · portfolio: `summary portfolio`"
    blocks = [
        ui.header(f"{HEALTH_ICON[summary.health.colour]} {project.name}"),
        ui.section(top),
        *[ui.section(t) for t in narrative],
        *[ui.section(t) for t in facts],
        ui.divider(),
        *[ui.section(t) for t in changes],
        ui.context(footer),
    ]
    text = views.clip_lines("\n\n".join([top, *narrative, *facts, *changes]))
    text, clamped = ui.within_limits(text, blocks)
    upload = views.heatmap_upload(
        summary.open_items,
        title=f"{project.name} — open RAID items",
        filename=f"{project.key}-heatmap-{summary.today:%Y%m%d}.png",
    )
    return Reply(text=text, blocks=clamped, upload=upload, ephemeral=False)
