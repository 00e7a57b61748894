"""The check-in report: one post when the last window closes, blockers first, then people.

Participation (x of y, who is away, who skipped, who did not answer), the overall
status rolled up from the stated ones, every blocker with a [Log as issue] button
(recurring ones flagged), then one compact line per person. Observers get it by DM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from bot.core import ui
from bot.core.messages import Reply
from bot.core.models import Project, Role
from bot.core.projects import members_of
from bot.core.text import escape, mention, shorten
from skills.raid.models import RaidItem
from skills.status.blockers import blocker_value, logged_issues, recurring
from skills.status.days import DayPlan, report_channel, report_sent
from skills.status.models import Checkin, StatusUpdate
from skills.status.service import RAG_WORDS, updates_of
from skills.status.views import (
    LOG_BLOCKER,
    RAG_ICON,
    items_text,
    rag_text,
    thread_key,
)

MAX_BLOCKERS = 15
ROLLUP_LABEL = {"green": "On track", "amber": "At risk", "red": "Off track"}


@dataclass
class BlockerLine:
    update: StatusUpdate
    index: int
    text: str
    recurring: bool = False
    issue: RaidItem | None = None


@dataclass
class CheckinReport:
    project: Project
    day: date
    channel: str | None
    destination: str
    observers: list[str]
    asked: list[str] = field(default_factory=list)
    answered: list[StatusUpdate] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    away: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    blockers: list[BlockerLine] = field(default_factory=list)

    @property
    def statuses(self) -> list[str]:
        return [u.rag for u in self.answered if u.rag in RAG_WORDS]  # type: ignore[misc]

    @property
    def rollup(self) -> str | None:
        """Off track when most stated statuses are, at risk when any is off track or at
        risk, on track when all are; None when nobody stated one."""
        stated = self.statuses
        if not stated:
            return None
        if stated.count("red") * 2 > len(stated):
            return "red"
        return "amber" if {"red", "amber"} & set(stated) else "green"


def build_report(session: Session, plan: DayPlan) -> CheckinReport:
    """The facts of a day's report, from its roster (or planned slots) and its updates."""
    checkin = plan.checkin
    report = CheckinReport(
        plan.project,
        plan.day,
        report_channel(session, plan.project),
        plan.config.destination,
        list(plan.config.observers),
    )
    updates = updates_of(session, checkin) if checkin else {}
    for slot in plan.slots:
        update = updates.get(slot.user)
        if update is None and slot.away:
            report.away.append(slot.user)
            continue
        report.asked.append(slot.user)
        if update is None:
            report.missing.append(slot.user)
        elif update.skipped:
            report.skipped.append(slot.user)
        else:
            report.answered.append(update)
    issues = logged_issues(session, [u.id or 0 for u in report.answered])
    for update in report.answered:
        repeats = recurring(session, update)
        for index, text in enumerate(update.blockers):
            line = BlockerLine(
                update, index, text, index in repeats, issues.get((update.id, index))
            )
            report.blockers.append(line)
    report.blockers.sort(key=lambda b: (not b.recurring, b.update.user_id, b.index))
    return report


def headline(report: CheckinReport) -> str:
    project = report.project
    colour = report.rollup
    if colour:
        counts = " · ".join(
            f"{report.statuses.count(c)} {RAG_WORDS[c]}" for c in RAG_WORDS if c in report.statuses
        )
        overall = f"{RAG_ICON[colour]} *{ROLLUP_LABEL[colour]}* overall ({counts})"
    else:
        overall = "No overall status stated"
    return (
        f"*{escape(project.name)} check-in · {report.day:%a %d %b}* — {overall} · "
        f"*{len(report.answered)} of {len(report.asked)}* answered"
    )


def participation_line(report: CheckinReport) -> str:
    parts = [
        ("away", report.away),
        ("skipped", report.skipped),
        ("no answer", report.missing),
    ]
    shown = [f"{label}: {', '.join(mention(u) for u in users)}" for label, users in parts if users]
    late = [u.user_id for u in report.answered if u.late]
    if late:
        shown.append(f"late: {', '.join(mention(u) for u in late)}")
    return " · ".join(shown) or "Everyone answered."


def blocker_block(line: BlockerLine) -> dict:
    text = f"• {mention(line.update.user_id)}: {escape(shorten(line.text, 300))}"
    if line.recurring:
        text = f":repeat: *Recurring* (3 updates in a row) {text[2:]}"
    if line.issue is not None:
        return ui.section(f"{text} → *{line.issue.key}*")
    label = "Log as issue"
    button = ui.button(label, LOG_BLOCKER, blocker_value(line.update, line.index))
    if line.recurring:
        button["style"] = "primary"
    return ui.section(text, accessory=button)


def person_line(update: StatusUpdate) -> str:
    parts = [
        rag_text(update),
        items_text("Done", update.done),
        items_text("Next", update.next),
    ]
    body = " · ".join(p for p in parts if p) or escape(shorten(update.text, 150))
    late = " _(late)_" if update.late else ""
    return f"• {mention(update.user_id)}{late} — {body}"


def report_blocks(report: CheckinReport) -> list[dict]:
    blocks = [ui.section(headline(report)), ui.context(participation_line(report))]
    if report.blockers:
        blocks.append(ui.section(f"*Blockers ({len(report.blockers)})*"))
        blocks += [blocker_block(b) for b in report.blockers[:MAX_BLOCKERS]]
        if len(report.blockers) > MAX_BLOCKERS:
            more = len(report.blockers) - MAX_BLOCKERS
            blocks.append(ui.context(f"…and {more} more blockers: `/pmo status history`"))
    else:
        blocks.append(ui.context("No blockers reported."))
    if report.answered:
        from skills.summary.views import chunks

        blocks.append(ui.divider())
        blocks += [ui.section(t) for t in chunks([person_line(u) for u in report.answered])]
    return blocks


def report_text(report: CheckinReport) -> str:
    lines = [headline(report), participation_line(report)]
    for line in report.blockers[:MAX_BLOCKERS]:
        flag = " (recurring)" if line.recurring else ""
        lines.append(
            f"Blocker{flag}: {mention(line.update.user_id)} {escape(shorten(line.text, 200))}"
        )
    lines += [person_line(u) for u in report.answered]
    return "\n".join(lines)


def report_replies(session: Session, report: CheckinReport) -> list[Reply]:
    """The post (or a short post and the report in its thread) and a DM to each observer."""
    text, blocks = ui.within_limits(report_text(report), report_blocks(report))
    key = thread_key(report.project, report.day)
    replies: list[Reply] = []
    channel = report.channel
    if channel and report.destination == "thread":
        count = f"{len(report.blockers)} blocker{'s' if len(report.blockers) != 1 else ''}"
        opener = (
            f"{headline(report)}\n{participation_line(report)}\n"
            f"_{count} and every update in the thread._"
        )
        replies.append(
            Reply(
                text=opener,
                blocks=[ui.section(opener)],
                to_channel=channel,
                thread_key=key,
                starts_thread=True,
            )
        )
        replies.append(Reply(text=text, blocks=blocks, to_channel=channel, thread_key=key))
    elif channel:
        replies.append(
            Reply(text=text, blocks=blocks, to_channel=channel, thread_key=key, starts_thread=True)
        )
    readers = list(report.observers)
    if not channel:  # no channel to post in: the PMs get it too
        readers += [m.user_id for m in members_of(session, report.project, Role.PM)]
    for user in dict.fromkeys(readers):
        replies.append(Reply(text=text, blocks=blocks, to_user=user))
    return replies


def late_update_reply(
    session: Session, project: Project, checkin: Checkin, update: StatusUpdate
) -> Reply | None:
    """A late update, posted in the thread of the report that already went out."""
    channel = report_channel(session, project)
    if not channel or not report_sent(session, project, checkin.day):
        return None  # not posted yet: the report will include it
    intro = f"Late update for the check-in of {checkin.day:%a %d %b}:"
    line = person_line(update)
    blockers = [f"Blocker: {escape(shorten(b, 200))}" for b in update.blockers]
    text = "\n".join([intro, line, *blockers])
    blocks = [ui.section(f"{intro}\n{line}")]
    blocks += [
        ui.section(
            f"• {escape(shorten(b, 300))}",
            accessory=ui.button("Log as issue", LOG_BLOCKER, blocker_value(update, i)),
        )
        for i, b in enumerate(update.blockers[:MAX_BLOCKERS])
    ]
    return Reply(
        text=text,
        blocks=blocks,
        to_channel=channel,
        thread_key=thread_key(project, checkin.day),
    )
