"""Claiming firings and recording what became of them, a batch per transaction.

A firing is claimed by inserting its (job key, due time) row under a unique constraint
*before* anything is posted, with a token naming this claim; a failed one whose retry time
has come, or one whose claimer died (claimed longer than `LEASE` ago), is taken back with a
new token. Outcomes and the posts each firing made are written together, a batch at a
time, and only while the claim is still ours (a lease taken over is not overwritten).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.engine import Connection

from bot.core import clock
from bot.core.db import get_engine
from scheduler.models import Firing, FiringPost
from scheduler.plan import Planned
from scheduler.posting import Journal

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a claim not finished by then (the process died) is retried
MAX_ATTEMPTS = 6
LOOKUP_BATCH = 400  # job keys per query, well under any bind-parameter limit
DONE = ("posted", "empty", "stale")  # a firing in one of these is not claimed again
FIRINGS = Firing.__table__.c  # type: ignore[attr-defined]


@dataclass
class Claim:
    """A firing this process holds: its row, the token it holds it by, and its posts."""

    firing_id: int
    token: str
    attempts: int
    journal: Journal


@dataclass
class Outcome:
    planned: Planned
    claim: Claim
    status: str  # posted, empty, stale or failed
    error: str | None = None


def label(firing: Planned) -> str:
    return f"{firing.key}@{firing.due:%Y-%m-%dT%H:%M}Z"


def insert_new(connection: Connection, table, rows: list[dict], keys: list[str]) -> None:  # noqa: ANN001
    """Insert rows, leaving alone those whose `keys` exist already (SQLite and PostgreSQL)."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    connection.execute(insert(table).on_conflict_do_nothing(index_elements=keys), rows)


def records(url: str, firings: list[Planned], margin: timedelta = timedelta(0)) -> list:
    """The rows of `firings`' job keys due within their due range widened by `margin`: one
    read, so a tick claims only what may still need posting."""
    if not firings:
        return []
    with get_engine(url).connect() as connection:
        return rows_of(connection, firings, margin)


def finished(rows: list, firings: list[Planned]) -> set[tuple[str, datetime]]:
    """The (job key, due) of those of `firings` that `rows` show done (posted, empty, stale)."""
    done = {(r.job_key, clock.as_utc(r.due)) for r in rows if r.status in DONE}
    return done & {(f.key, f.due) for f in firings}


def looking_back_to(url: str, now: datetime) -> datetime | None:
    """How far back a tick must look (None: nothing was ever claimed): to the newest claim
    (an outage missed what came after it), or to the oldest failed firing whose retry is
    due about now (one posted late after an outage, older than the usual window)."""
    with get_engine(url).connect() as connection:
        newest = connection.execute(
            select(FIRINGS.claimed_at).order_by(FIRINGS.id.desc()).limit(1)
        ).scalar()
        retried = connection.execute(
            select(func.min(FIRINGS.due)).where(
                FIRINGS.status == "failed",
                FIRINGS.attempts < MAX_ATTEMPTS,
                FIRINGS.next_attempt_at >= now - LEASE,
            )
        ).scalar()
    found = [clock.as_utc(moment) for moment in (newest, retried) if moment is not None]
    return min(found, default=None)


def rows_of(
    connection: Connection, firings: list[Planned], margin: timedelta = timedelta(0)
) -> list:
    """The rows (id, job key, due, status, attempts, token) of `firings`' job keys within
    their due range (widened by `margin`), which the caller narrows to the pairs it wants:
    this reads the `uq_firing` index by key then a range of dues, where a list of (key, due)
    pairs in SQL costs PostgreSQL a plan of one index probe per pair (300 ms for 800 pairs)."""
    keys = sorted({f.key for f in firings})
    first = min(f.due for f in firings) - margin
    last = max(f.due for f in firings) + margin
    columns = (FIRINGS.id, FIRINGS.job_key, FIRINGS.due, FIRINGS.status, FIRINGS.attempts)
    found = []
    for start in range(0, len(keys), LOOKUP_BATCH):
        found += connection.execute(
            select(*columns, FIRINGS.claim_token).where(
                FIRINGS.job_key.in_(keys[start : start + LOOKUP_BATCH]),
                FIRINGS.due >= first,
                FIRINGS.due <= last,
            )
        ).all()
    return found


def claim_batch(
    url: str, firings: list[Planned], now: datetime
) -> dict[tuple[str, datetime], Claim]:
    """Claim what can be claimed of `firings` in one transaction, keyed by (job key, due)."""
    if not firings:
        return {}
    token = uuid.uuid4().hex
    firings = sorted(firings, key=lambda f: (f.key, f.due))  # one lock order among replicas
    wanted = {(f.key, f.due) for f in firings}
    with get_engine(url).begin() as connection:
        insert_new(
            connection,
            Firing.__table__,
            [
                {
                    "job_key": f.key,
                    "kind": f.kind,
                    "due": f.due,
                    "project_id": f.project_id,
                    "status": "claimed",
                    "attempts": 1,
                    "claimed_at": now,
                    "claim_token": token,
                }
                for f in firings
            ],
            ["job_key", "due"],
        )
        rows = [
            r for r in rows_of(connection, firings) if (r.job_key, clock.as_utc(r.due)) in wanted
        ]
        # rows held by another claim that may be taken back: failed and due for a retry, or
        # their claimer died (the conditions are checked again by the update, atomically)
        others = [
            r.id
            for r in rows
            if r.claim_token != token
            and r.status in ("failed", "claimed")
            and r.attempts < MAX_ATTEMPTS
        ]
        if others:
            connection.execute(
                update(Firing.__table__)
                .where(
                    FIRINGS.id.in_(others),
                    FIRINGS.attempts < MAX_ATTEMPTS,
                    or_(
                        and_(FIRINGS.status == "failed", FIRINGS.next_attempt_at <= now),
                        and_(FIRINGS.status == "claimed", FIRINGS.claimed_at <= now - LEASE),
                    ),
                )
                .values(
                    status="claimed",
                    attempts=FIRINGS.attempts + 1,
                    claimed_at=now,
                    claim_token=token,
                )
            )
            rows = [r for r in rows_of(connection, firings) if r.claim_token == token]
        mine = [r for r in rows if r.claim_token == token]
        retried = [row.id for row in mine if row.attempts > 1]
        recorded: dict[int, dict[str, tuple[str | None, str | None]]] = {}
        if retried:
            posts = FiringPost.__table__.c  # type: ignore[attr-defined]
            for post in connection.execute(
                select(posts.firing_id, posts.step, posts.channel, posts.ts).where(
                    posts.firing_id.in_(retried)
                )
            ):
                recorded.setdefault(post.firing_id, {})[post.step] = (post.channel, post.ts)
    claims = {}
    for row in mine:
        due = clock.as_utc(row.due)
        journal = Journal(
            f"{row.job_key}@{due.isoformat()}",
            retry=row.attempts > 1,
            recorded=recorded.get(row.id, {}),
        )
        claims[(row.job_key, due)] = Claim(row.id, token, row.attempts, journal)
    return claims


def set_aside(url: str, firings: list[Planned], now: datetime) -> list[Planned]:
    """Claim `firings` and record them `stale`, posting nothing; returns those set aside
    here (one another claim holds is left to it)."""
    claims = claim_batch(url, firings, now)
    taken = [f for f in firings if (f.key, f.due) in claims]
    record_outcomes(url, [Outcome(f, claims[(f.key, f.due)], "stale") for f in taken], now)
    return taken


def record_outcomes(url: str, outcomes: list[Outcome], now: datetime) -> None:
    """Write the posts made and each firing's status, in one transaction."""
    if not outcomes:
        return
    posts = [
        {
            "firing_id": o.claim.firing_id,
            "step": step,
            "channel": channel,
            "ts": ts,
            "posted_at": now,
        }
        for o in outcomes
        for step, channel, ts in o.claim.journal.made
    ]
    rows = []
    for o in outcomes:
        failed = o.status == "failed"
        rows.append(
            {
                "b_id": o.claim.firing_id,
                "b_token": o.claim.token,
                "b_status": o.status,
                "b_posted_at": now if o.status in ("posted", "empty") else None,
                "b_error": (o.error or "")[:2000] if failed else None,
                "b_next": now + timedelta(minutes=2**o.claim.attempts) if failed else None,
            }
        )
    with get_engine(url).begin() as connection:
        insert_new(connection, FiringPost.__table__, posts, ["firing_id", "step"])
        connection.execute(
            update(Firing.__table__)
            .where(FIRINGS.id == bindparam("b_id"), FIRINGS.claim_token == bindparam("b_token"))
            .values(
                status=bindparam("b_status"),
                posted_at=bindparam("b_posted_at"),
                last_error=bindparam("b_error"),
                next_attempt_at=bindparam("b_next"),
            ),
            rows,
        )
    for o in outcomes:
        if o.status == "failed":
            level = logging.ERROR if o.claim.attempts >= MAX_ATTEMPTS else logging.WARNING
            log.log(
                level,
                "firing %s failed (attempt %s): %s",
                label(o.planned),
                o.claim.attempts,
                o.error,
            )
