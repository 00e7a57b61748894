"""Running what is due, exactly once.

Each due firing is claimed by inserting its (job key, due time) row under a
unique constraint *before* anything is posted: a restart, a repeated run-due
with the same clock or a second replica finds the row and does nothing. A
firing whose post failed (Slack down) is retried with exponential backoff
and is never dropped silently: after the last attempt it stays `failed` and
is logged as an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core import clock
from bot.core.db import get_engine, session_scope
from bot.core.messages import Reply
from bot.core.people import People
from scheduler.kinds import KINDS
from scheduler.models import Firing
from scheduler.plan import JobKind, PlanContext, Planned

log = logging.getLogger(__name__)

GRACE = timedelta(hours=6)  # a firing missed by longer than this (a long outage) is skipped
LEASE = timedelta(minutes=10)  # a claim not finished by then (the process died) is retried
MAX_ATTEMPTS = 6
WORKERS = 8  # firings posted at once; the poster's pacing keeps to Slack's limits
Poster = Callable[[list[Reply]], None]


@dataclass
class RunReport:
    posted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # claimed elsewhere or already done
    empty: list[str] = field(default_factory=list)  # due, but nothing to say
    failed: list[str] = field(default_factory=list)


def planned(
    session: Session,
    people: People,
    start: datetime,
    end: datetime,
    kinds: list[JobKind] | None = None,
) -> list[Planned]:
    """Every firing of every kind in [start, end), by due time."""
    ctx = PlanContext(session, people)
    found = [f for kind in (kinds or KINDS) for f in kind.plan(ctx, start, end)]
    return sorted(found, key=lambda f: (f.due, f.key))


def claim(url: str, firing: Planned, now: datetime) -> bool:
    """Insert the firing's row; or take back a failed one whose retry time has come, or
    one whose claimer died (claimed longer than `LEASE` ago without finishing)."""
    try:
        with session_scope(url) as session:
            session.add(
                Firing(
                    job_key=firing.key,
                    kind=firing.kind,
                    due=firing.due,
                    project_id=firing.project_id,
                    claimed_at=now,
                )
            )
        return True
    except IntegrityError:
        pass
    with get_engine(url).begin() as connection:
        retried = connection.execute(
            update(Firing)
            .where(
                Firing.job_key == firing.key,
                Firing.due == firing.due,  # type: ignore[arg-type]
                Firing.attempts < MAX_ATTEMPTS,
                or_(
                    and_(Firing.status == "failed", Firing.next_attempt_at <= now),  # type: ignore[operator]
                    and_(Firing.status == "claimed", Firing.claimed_at <= now - LEASE),
                ),
            )
            .values(status="claimed", attempts=Firing.attempts + 1, claimed_at=now)
        )
    return retried.rowcount == 1


def finish(
    url: str, firing: Planned, *, status: str, now: datetime, error: str | None = None
) -> None:
    with session_scope(url) as session:
        row = session.exec(
            select(Firing).where(Firing.job_key == firing.key, Firing.due == firing.due)
        ).one()
        row.status = status
        if status == "posted":
            row.posted_at = now
        if status == "failed":
            row.last_error = (error or "")[:2000]
            row.next_attempt_at = now + timedelta(minutes=2**row.attempts)
            level = logging.ERROR if row.attempts >= MAX_ATTEMPTS else logging.WARNING
            log.log(
                level,
                "firing %s @ %s failed (attempt %s): %s",
                firing.key,
                firing.due.isoformat(),
                row.attempts,
                error,
            )
        session.add(row)


def fire(
    url: str, people: People, post: Poster, kind: JobKind, firing: Planned, now: datetime
) -> str:
    """Claim, build, post and record one firing; returns what became of it."""
    if not claim(url, firing, now):
        return "skipped"
    try:
        with session_scope(url) as session:
            replies = kind.run(PlanContext(session, people), firing)
        if replies:
            post(replies)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
        finish(url, firing, status="failed", now=now, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    finish(url, firing, status="posted" if replies else "empty", now=now)
    return "posted" if replies else "empty"


def run_due(
    url: str,
    people: People,
    post: Poster,
    *,
    now: datetime | None = None,
    kinds: list[JobKind] | None = None,
    workers: int = WORKERS,
) -> RunReport:
    """Run, once, every firing due in the last `GRACE` up to `now`.

    Firings run on `workers` threads so that posting keeps up with Slack's
    rate limit (the poster paces them); each one is claimed on its own.
    """
    now = now or clock.now()
    kinds = kinds or KINDS
    by_name = {kind.name: kind for kind in kinds}
    report = RunReport()
    with session_scope(url) as session:
        due = planned(session, people, now - GRACE, now + timedelta(microseconds=1), kinds)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        outcomes = pool.map(lambda f: fire(url, people, post, by_name[f.kind], f, now), due)
        for firing, outcome in zip(due, outcomes, strict=True):
            getattr(report, outcome).append(f"{firing.key}@{firing.due:%Y-%m-%dT%H:%M}Z")
    return report
