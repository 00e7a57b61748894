"""APScheduler drives the engine: a persistent job store, one leader among replicas.

The job store (SQLAlchemy, on DATABASE_URL) keeps one interval job, the tick,
under a stable id (`replace_existing`), coalescing missed runs into one. Each
tick plans from the database and hands what is due to workers kept across ticks
(`scheduler.engine.Dispatcher`), so a tick that finds the last one still posting plans
meanwhile. With
PostgreSQL, a session-level advisory lock makes one replica the leader; if
it dies its connection closes, the lock is released, and another replica
takes over at its next tick (within a minute).
"""

from __future__ import annotations

import atexit
import logging
import threading

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from bot.core.db import get_engine
from bot.core.people import People
from scheduler.engine import Dispatcher
from scheduler.plan import JobKind
from scheduler.posting import Poster

log = logging.getLogger(__name__)
TICK_JOB_ID = "livepmo-tick"
LOCK_KEY = 734_271_119  # any fixed number; names the scheduler's advisory lock


class Leadership:
    """Holds PostgreSQL's advisory lock on a dedicated connection (SQLite: always leader)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection: Connection | None = None
        self.lock = threading.Lock()

    def held(self) -> bool:
        if make_url(self.url).get_backend_name() != "postgresql":
            return True
        with self.lock:
            try:
                if self.connection is None:
                    self.connection = get_engine(self.url).connect()
                    self.connection.commit()
                if self.connection.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}
                ).scalar():
                    self.connection.commit()
                    return True
                self.connection.commit()
            except Exception as exc:  # noqa: BLE001 - a lost connection means not leader
                log.warning("scheduler leadership check failed: %s", exc)
                self.release()
            return False

    def release(self) -> None:
        """Drop the lock by closing the real connection (a pooled one would keep it)."""
        if self.connection is not None:
            try:
                self.connection.invalidate()
                self.connection.close()
            finally:
                self.connection = None


_runtime: dict[str, object] = {}


def tick() -> None:
    """The scheduled job (module-level so the job store can persist it by reference)."""
    leadership: Leadership = _runtime["leadership"]  # type: ignore[assignment]
    if not leadership.held():
        return
    dispatcher: Dispatcher = _runtime["dispatcher"]  # type: ignore[assignment]
    dispatcher.run()  # the workers log what they posted once a tick is done


def start_scheduler(
    url: str,
    people: People,
    post: Poster,
    *,
    kinds: list[JobKind],
    interval_seconds: int = 60,
) -> BackgroundScheduler:
    """Start the background scheduler with its persistent tick job, running `kinds`."""
    previous = _runtime.get("dispatcher")
    if previous is not None:  # started again in this process: finish with the old workers
        previous.close()  # type: ignore[attr-defined]
    dispatcher = Dispatcher(url, people, post, kinds=kinds)
    atexit.register(dispatcher.close)  # what was handed out still posts at exit
    _runtime.update(dispatcher=dispatcher, leadership=Leadership(url))
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(url))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(
        tick, "interval", seconds=interval_seconds, id=TICK_JOB_ID, replace_existing=True
    )
    scheduler.start()
    return scheduler
