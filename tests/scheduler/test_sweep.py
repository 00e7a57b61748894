"""A sweep claims ahead of its workers, and a failure on either side ends it, never hangs;
workers kept across ticks never take back their own firings still in flight."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

import scheduler.claims
import scheduler.engine
from bot.core.people import StaticPeople
from bot.scheduling import dispatcher, run_due
from tests.scheduler.faults import DUE, add_reminders


class Outbox(list):
    def __call__(self, replies) -> None:  # noqa: ANN001
        self.extend(replies)


def test_every_firing_of_several_batches_posts_once(sqlite_only_url) -> None:
    count = 2 * scheduler.engine.CLAIM_BATCH + 5
    users = add_reminders(sqlite_only_url, count)
    outbox = Outbox()
    report = run_due(sqlite_only_url, StaticPeople("UTC"), outbox, now=DUE, workers=3)
    assert len(report.posted) == count and sorted(r.to_user for r in outbox) == users
    again = run_due(sqlite_only_url, StaticPeople("UTC"), outbox, now=DUE + timedelta(minutes=1))
    assert not again.posted and len(outbox) == count


def test_a_worker_that_fails_stops_the_sweep(sqlite_only_url, monkeypatch) -> None:
    add_reminders(sqlite_only_url, 4 * scheduler.engine.CLAIM_BATCH)  # beyond the queue

    def broken(*_args) -> None:  # noqa: ANN002
        raise RuntimeError("a bug while recording")

    monkeypatch.setattr(scheduler.engine, "record_outcomes", broken)
    with pytest.raises(RuntimeError, match="a bug while recording"):
        run_due(sqlite_only_url, StaticPeople("UTC"), Outbox(), now=DUE, workers=2)


def test_a_database_gone_while_claiming_ends_the_sweep(sqlite_only_url, monkeypatch) -> None:
    add_reminders(sqlite_only_url, 10)

    def gone(*_args) -> None:  # noqa: ANN002
        raise OperationalError("INSERT", {}, Exception("the database went away"))

    monkeypatch.setattr(scheduler.engine, "claim_batch", gone)
    outbox = Outbox()
    with pytest.raises(OperationalError):
        run_due(sqlite_only_url, StaticPeople("UTC"), outbox, now=DUE, workers=4)
    assert not outbox


class HeldOutbox(Outbox):
    """Posts only once `release` is set: the firings of a tick stay in flight until then."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def __call__(self, replies) -> None:  # noqa: ANN001
        self.release.wait(10)
        super().__call__(replies)


def test_a_tick_leaves_alone_the_firings_of_the_last_still_in_flight(sqlite_only_url) -> None:
    users = add_reminders(sqlite_only_url, 6)
    outbox = HeldOutbox()
    with dispatcher(sqlite_only_url, StaticPeople("UTC"), outbox, workers=2) as engine:
        first = engine.run(now=DUE)
        # the clock jumps past the claims' lease while they are still being posted
        later = engine.run(now=DUE + scheduler.claims.LEASE + timedelta(minutes=1))
        outbox.release.set()
    assert sorted(r.to_user for r in outbox) == users
    assert len(first.posted) == 6 and not later.posted and len(later.skipped) == 6
