"""What a project summary can show about check-ins: statuses, participation, recurring blockers.

`skills.summary.builder.project_summary(..., statuses=latest_statuses(...))` takes the
statuses today; `checkin_digest` gives the other two as mrkdwn lines for a summary
section (the builder has no hook for them yet).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.models import Project
from bot.core.text import escape, mention, shorten
from skills.status.blockers import RECURRING_RUN, logged_issues, recurring
from skills.status.models import StatusUpdate
from skills.status.service import latest_statuses, participation

__all__ = ["checkin_digest", "latest_statuses", "recurring_blockers"]


def recurring_blockers(
    session: Session, project: Project, *, since: datetime, now: datetime
) -> list[tuple[StatusUpdate, int]]:
    """(update, blocker index) for each blocker in a person's latest update since `since`
    that was also in their previous updates (`RECURRING_RUN` in a row)."""
    query = (
        select(StatusUpdate)
        .where(
            StatusUpdate.project_id == project.id,
            StatusUpdate.skipped == False,  # noqa: E712
            StatusUpdate.created_at >= since,
            StatusUpdate.created_at <= now,
        )
        .order_by(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc())
    )
    latest: dict[str, StatusUpdate] = {}
    for update in session.exec(query):
        latest.setdefault(update.user_id, update)
    return [
        (update, index)
        for _, update in sorted(latest.items())
        for index in sorted(recurring(session, update))
    ]


def checkin_digest(
    session: Session, project: Project, *, since: datetime, now: datetime
) -> list[str]:
    """Participation over the check-ins that closed in [since, now] and recurring blockers."""
    lines: list[str] = []
    rows = participation(session, project, since=since, until=now)
    asked = sum(r.asked for r in rows)
    if asked:
        given = sum(r.answered + r.late for r in rows)
        quiet = [mention(r.user) for r in rows if r.asked and not (r.answered + r.late + r.skipped)]
        skipped = [mention(r.user) for r in rows if r.skipped and not (r.answered + r.late)]
        line = f"*Check-ins:* {given} of {asked} answers given ({given / asked:.0%})"
        line += f"; skipped by {', '.join(skipped)}" if skipped else ""
        lines.append(line + (f"; nothing from {', '.join(quiet)}" if quiet else "") + ".")
    found = recurring_blockers(session, project, since=since, now=now)
    issues = logged_issues(session, [u.id or 0 for u, _ in found])
    for update, index in found:
        item = issues.get((update.id or 0, index))
        where = f" → *{item.key}*" if item else " — not in the RAID log yet"
        lines.append(
            f":repeat: {mention(update.user_id)}: {escape(shorten(update.blockers[index], 120))} "
            f"({RECURRING_RUN}+ updates in a row){where}"
        )
    return lines
