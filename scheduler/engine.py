"""Running what is due, exactly once per firing and once per post.

A tick plans every firing due in the last `GRACE` (or, after an outage, since the last
claim: see `scheduler.policy`), leaves out those already done, sorts the rest by their
kind's policy (a job key that already posted this day or week is left out; one missed by
more than its grace is posted late or recorded `stale` and logged), then claims those to
post a batch at a time (`scheduler.claims`) while workers take the firings claimed so far
one by one from a `Sweep`. Each firing's replies are built, checked against the
authorization rule (`scheduler.recipients`) and posted through the poster, which records
each post in the firing's journal; outcomes and posts are written a batch at a time. A
firing whose post failed (Slack down) is retried with exponential backoff from the last
recorded post, never dropped silently: after the last attempt it stays `failed` and is
logged as an error.

The engine imports no skill and no transport: the kinds (`Skill.jobs`) and the poster
are handed to it (`bot.scheduling`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.core import clock
from bot.core.db import session_scope
from bot.core.people import People
from scheduler.claims import (
    Claim,
    Outcome,
    claim_batch,
    finished,
    label,
    looking_back_to,
    record_outcomes,
    set_aside,
)
from scheduler.plan import JobKind, PlanContext, Planned, TickCache
from scheduler.policy import (
    GRACE,  # noqa: F401 - re-exported (benchmarks.scheduler)
    Triage,
    history,
    log_stale,
    policy_of,
    triage,
    window_start,
)
from scheduler.posting import Poster, post_recorded
from scheduler.recipients import allowed_replies

log = logging.getLogger(__name__)

WORKERS = 16  # firings in flight at once; the poster paces them to Slack's limits
CLAIM_BATCH = 48  # firings per claim; a crash leaves at most two batches to the lease
RECORD_BATCH = 32  # outcomes written per transaction


@dataclass
class RunReport:
    posted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # claimed elsewhere or already done
    empty: list[str] = field(default_factory=list)  # due, but nothing to say
    failed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # missed in an outage, not posted late


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
    """The firings of one tick: claimed a batch at a time by the thread that runs the tick,
    at most a batch ahead of the workers posting them, and their outcomes written back a
    batch at a time (kept and retried if the database is away)."""

    def __init__(self, url: str, now: datetime, report: RunReport, cache: TickCache) -> None:
        self.url, self.now, self.report, self.cache = url, now, report, cache
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.writing = threading.Lock()
        self.settled = threading.Condition(self.lock)
        self.handed = self.finished = 0
        self.claiming = True
        self.held: set[tuple[str, datetime]] = set()  # handed out, outcome not yet written

    def claim(self, due: list[Planned], hand: Callable[[tuple | None], bool]) -> None:
        """Claim `due` a batch at a time, handing each firing claimed to the workers; stop
        early when `hand` says they stopped."""
        try:
            for start in range(0, len(due), CLAIM_BATCH):
                batch = due[start : start + CLAIM_BATCH]
                claims = claim_batch(self.url, batch, self.now)
                for firing in batch:
                    claim = claims.get((firing.key, firing.due))
                    if claim is None:
                        with self.lock:
                            self.report.skipped.append(label(firing))
                        continue
                    with self.lock:
                        self.handed += 1
                        self.held.add((firing.key, firing.due))
                    if not hand((self, firing, claim)):
                        return
        finally:
            with self.lock:
                self.claiming = False
                self.settled.notify_all()
            if self.complete():
                self.write(strict=False)

    def done(self, outcome: Outcome) -> None:
        with self.lock:
            getattr(self.report, outcome.status).append(label(outcome.planned))
            self.outcomes.append(outcome)
            self.finished += 1
            self.settled.notify_all()
            full = len(self.outcomes) >= RECORD_BATCH
            last = not self.claiming and self.finished == self.handed
        if full or last:  # a batch, or the last of the tick
            self.write(strict=False)
        if last and (self.report.posted or self.report.failed):
            log.info(
                "scheduler: posted %s, failed %s (due by %s)",
                len(self.report.posted),
                len(self.report.failed),
                f"{self.now:%Y-%m-%dT%H:%M}Z",
            )

    def complete(self) -> bool:
        """Whether every firing of the tick is claimed and done (written or not)."""
        with self.lock:
            return not self.claiming and self.finished == self.handed

    def wait(self, stopped: threading.Event) -> None:
        """Until every firing claimed is done (or the workers stopped)."""
        with self.lock:
            while (self.claiming or self.finished < self.handed) and not stopped.is_set():
                self.settled.wait(0.1)

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
                return
            with self.lock:
                self.held.difference_update((o.planned.key, o.planned.due) for o in batch)


class Dispatcher:
    """Workers that post claimed firings, kept across ticks: a tick (`run`) returns once all
    it found due is claimed, so the next tick plans while the last firings of this one post
    (the queue holds at most a batch, so a crash leaves at most two to the lease).

    Firings run on `workers` threads so that posting keeps up with Slack's rate limit
    (the poster paces them). `close` (or leaving the `with` block) waits for every firing
    handed out, writes the outcomes left, and raises a worker's failure.
    """

    def __init__(
        self,
        url: str,
        people: People,
        post: Poster,
        *,
        kinds: list[JobKind],
        workers: int = WORKERS,
    ) -> None:
        self.url, self.people, self.post, self.kinds = url, people, post, kinds
        self.by_name = {kind.name: kind for kind in kinds}
        self.policies = {kind.name: policy_of(kind) for kind in kinds}
        self.ready: queue.Queue[tuple[Sweep, Planned, Claim] | None] = queue.Queue(CLAIM_BATCH)
        self.stopped = threading.Event()  # a worker failed: claim and take no more
        self.sweeps: list[Sweep] = []
        self.failure: BaseException | None = None
        # daemon threads: a process that exits without `close` cuts them as a crash would
        # (the claims and the markers keep that exactly-once)
        self.threads = [
            threading.Thread(target=self.work, name=f"scheduler-worker-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self.threads:
            thread.start()

    def __enter__(self) -> Dispatcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run(self, now: datetime | None = None) -> RunReport:
        """Claim and hand out, once, every firing due in the last `GRACE` (or missed since
        the last claim) up to `now`; the report fills in as the workers finish them (all
        there after `drain`)."""
        self.raise_failure()
        self.settle()
        now = now or clock.now()
        report = RunReport()
        cache = TickCache()
        since = window_start(now, looking_back_to(self.url, now), self.policies.values())
        with session_scope(self.url) as session:
            due = planned(
                session, self.people, since, now + timedelta(microseconds=1), self.kinds, cache
            )
        sorted_out = self.triage(due, now, report)
        report.stale += [label(f) for f in self.set_aside(sorted_out.stale, now)]
        sweep = Sweep(self.url, now, report, cache)
        self.sweeps.append(sweep)
        sweep.claim(sorted_out.post, self.hand)
        return report

    def triage(self, due: list[Planned], now: datetime, report: RunReport) -> Triage:
        """Leave out what is done, or still ours from a tick before (its claim may look
        expired to a clock that jumped, as in the benchmark; taking it back would post it
        twice), and what its job key already posted this period; sort the rest."""
        rows = history(self.url, due, self.policies)
        done = finished(rows, due) | self.holding()
        sorted_out = triage(self.policies, due, done, rows, now)
        report.skipped += [label(f) for f in due if (f.key, f.due) in done]
        report.skipped += [label(f) for f in sorted_out.repeated]
        return sorted_out

    def set_aside(self, stale: list[Planned], now: datetime) -> list[Planned]:
        """Record as `stale` (and log) the firings missed by more than their grace."""
        taken = [
            firing
            for start in range(0, len(stale), CLAIM_BATCH)
            for firing in set_aside(self.url, stale[start : start + CLAIM_BATCH], now)
        ]
        log_stale(taken, self.policies)
        return taken

    def settle(self) -> None:
        """Retry writing the outcomes the database refused, and forget the ticks done."""
        for sweep in self.sweeps:
            if sweep.complete():
                sweep.write(strict=False)
        self.sweeps = [s for s in self.sweeps if not s.complete() or s.held]

    def holding(self) -> set[tuple[str, datetime]]:
        """The (job key, due) of the firings handed out whose outcome is not yet written."""
        held: set[tuple[str, datetime]] = set()
        for sweep in self.sweeps:
            with sweep.lock:
                held |= sweep.held
        return held

    def hand(self, taken: tuple[Sweep, Planned, Claim] | None) -> bool:
        """Queue a claimed firing (None: stop) for the workers; False once they stopped."""
        while not self.stopped.is_set():
            try:
                self.ready.put(taken, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def next(self) -> tuple[Sweep, Planned, Claim] | None:
        """The next claimed firing; None when there are no more, or a worker failed."""
        while not self.stopped.is_set():
            try:
                return self.ready.get(timeout=0.1)
            except queue.Empty:
                continue
        return None

    def work(self) -> None:
        try:
            while (taken := self.next()) is not None:
                sweep, firing, claim = taken
                kind = self.by_name[firing.kind]
                sweep.done(fire(self.url, self.people, self.post, kind, firing, claim, sweep.cache))
        except BaseException as exc:  # noqa: BLE001 - raised again by `close`
            self.failure = self.failure or exc
            self.stopped.set()

    def drain(self) -> None:
        """Wait until every firing handed out is done, and record the outcomes left."""
        for sweep in self.sweeps:
            sweep.wait(self.stopped)
        self.raise_failure()
        sweeps, self.sweeps = self.sweeps, []
        for sweep in sweeps:
            sweep.write(strict=True)

    def close(self) -> None:
        try:
            self.drain()
        finally:
            for _ in self.threads:
                self.hand(None)
            for thread in self.threads:
                thread.join()
            for sweep in self.sweeps:
                sweep.write(strict=True)
            self.raise_failure()

    def raise_failure(self) -> None:
        """Raise what stopped a worker, if one stopped."""
        if self.failure is not None:
            raise self.failure


def run_due(
    url: str,
    people: People,
    post: Poster,
    *,
    kinds: list[JobKind],
    now: datetime | None = None,
    workers: int = WORKERS,
) -> RunReport:
    """Run, once, every firing due in the last `GRACE` (or missed since the last claim) up
    to `now`, and wait for them."""
    with Dispatcher(url, people, post, kinds=kinds, workers=workers) as dispatcher:
        return dispatcher.run(now)
