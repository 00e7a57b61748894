"""Running what is due, exactly once per firing and once per post.

A tick plans every firing due in the last `GRACE` (see `scheduler.plan`), leaves out
those already done, then claims the rest a batch at a time (`scheduler.claims`) while
workers take the firings claimed so far one by one from a `Sweep`. Each firing's replies
are built, checked against the authorization rule (`scheduler.recipients`) and posted
through the poster, which records each post in the firing's journal; outcomes and posts
are written a batch at a time. A firing whose post failed (Slack down) is retried with
exponential backoff from the last recorded post, never dropped silently: after the last
attempt it stays `failed` and is logged as an error.

The engine imports no skill and no transport: the kinds (`Skill.jobs`) and the poster
are handed to it (`bot.scheduling`).
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.core import clock
from bot.core.db import session_scope
from bot.core.people import People
from scheduler.claims import Claim, Outcome, claim_batch, finished, label, record_outcomes
from scheduler.plan import JobKind, PlanContext, Planned, TickCache
from scheduler.posting import Poster, post_recorded
from scheduler.recipients import allowed_replies

log = logging.getLogger(__name__)

GRACE = timedelta(hours=6)  # a firing missed by longer than this (a long outage) is skipped
WORKERS = 16  # firings in flight at once; the poster paces them to Slack's limits
CLAIM_BATCH = 48  # firings per claim; a crash leaves at most two batches to the lease
RECORD_BATCH = 32  # outcomes written per transaction


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
    kinds: list[JobKind],
    cache: TickCache | None = None,
) -> list[Planned]:
    """Every firing of every kind in [start, end), by due time."""
    ctx = PlanContext(session, people, cache or TickCache())
    found = [f for kind in kinds for f in kind.plan(ctx, start, end)]
    return sorted(found, key=lambda f: (f.due, f.key))


def fire(
    url: str,
    people: People,
    post: Poster,
    kind: JobKind,
    firing: Planned,
    claim: Claim,
    cache: TickCache,
) -> Outcome:
    """Build, authorize and post one claimed firing; returns what became of it."""
    try:
        with session_scope(url) as session:
            ctx = PlanContext(session, people, cache)
            replies = allowed_replies(ctx, firing, kind.run(ctx, firing))
        if replies:
            post_recorded(post, replies, claim.journal)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
        return Outcome(firing, claim, "failed", f"{type(exc).__name__}: {exc}")
    return Outcome(firing, claim, "posted" if replies else "empty")


class Sweep:
    """The firings of one tick: claimed a batch at a time by one thread while the workers
    post what was claimed before (at most a batch ahead of them), and their outcomes
    written back a batch at a time (kept and retried if the database is away)."""

    def __init__(self, url: str, due: list[Planned], now: datetime, report: RunReport) -> None:
        self.url, self.now, self.report = url, now, report
        self.due = due
        self.ready: queue.Queue[tuple[Planned, Claim] | None] = queue.Queue(CLAIM_BATCH)
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.writing = threading.Lock()
        self.stopped = threading.Event()  # a worker failed: claim and take no more

    def claim(self, workers: int) -> None:
        """Claim the firings a batch at a time, handing each one claimed to the workers;
        then tell each of the `workers` to stop."""
        try:
            for start in range(0, len(self.due), CLAIM_BATCH):
                batch = self.due[start : start + CLAIM_BATCH]
                claims = claim_batch(self.url, batch, self.now)
                for firing in batch:
                    claim = claims.get((firing.key, firing.due))
                    if claim is None:
                        with self.lock:
                            self.report.skipped.append(label(firing))
                    elif not self.hand((firing, claim)):
                        return
        finally:
            for _ in range(workers):
                self.hand(None)

    def hand(self, taken: tuple[Planned, Claim] | None) -> bool:
        """Queue a claimed firing (None: stop) for the workers; False once they stopped."""
        while not self.stopped.is_set():
            try:
                self.ready.put(taken, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def next(self) -> tuple[Planned, Claim] | None:
        """The next claimed firing; None when there are no more, or a worker failed."""
        while not self.stopped.is_set():
            try:
                return self.ready.get(timeout=0.1)
            except queue.Empty:
                continue
        return None

    def done(self, outcome: Outcome) -> None:
        with self.lock:
            getattr(self.report, outcome.status).append(label(outcome.planned))
            self.outcomes.append(outcome)
            full = len(self.outcomes) >= RECORD_BATCH
        if full:
            self.write(strict=False)

    def write(self, *, strict: bool) -> None:
        """Record the outcomes so far; if the database is away, keep them for next time
        (`strict`: raise instead, at the end of the sweep)."""
        with self.writing:
            with self.lock:
                batch, self.outcomes = self.outcomes, []
            try:
                record_outcomes(self.url, batch, self.now)
            except SQLAlchemyError:
                with self.lock:
                    self.outcomes = batch + self.outcomes
                if strict:
                    raise
                log.exception("scheduler: could not record %s outcomes; will retry", len(batch))


def run_due(
    url: str,
    people: People,
    post: Poster,
    *,
    kinds: list[JobKind],
    now: datetime | None = None,
    workers: int = WORKERS,
) -> RunReport:
    """Run, once, every firing due in the last `GRACE` up to `now`.

    Firings run on `workers` threads so that posting keeps up with Slack's rate limit
    (the poster paces them).
    """
    now = now or clock.now()
    by_name = {kind.name: kind for kind in kinds}
    report = RunReport()
    cache = TickCache()
    with session_scope(url) as session:
        due = planned(session, people, now - GRACE, now + timedelta(microseconds=1), kinds, cache)
    done = finished(url, due)
    report.skipped += [label(f) for f in due if (f.key, f.due) in done]
    sweep = Sweep(url, [f for f in due if (f.key, f.due) not in done], now, report)

    def work() -> None:
        try:
            while (taken := sweep.next()) is not None:
                firing, claim = taken
                sweep.done(fire(url, people, post, by_name[firing.kind], firing, claim, cache))
        except BaseException:
            sweep.stopped.set()
            raise

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            jobs = [pool.submit(work) for _ in range(max(1, workers))]
            sweep.claim(len(jobs))
            for job in jobs:
                job.result()
    finally:
        sweep.write(strict=True)
    return report
