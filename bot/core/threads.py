"""Where named threads live: `Reply.thread_key` -> the channel and ts of the post that opened it.

A transport that posts a reply with `thread_key` and `starts_thread` calls `remember`
with what Slack answered; later replies with the same key `find` it and are posted
in that thread. The record is in the database, so the scheduler (which posts a
report) and the bot (which posts a late update) share it across processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.models import PostedThread


class ThreadRef(NamedTuple):
    """A message that opened a thread: its channel and its ts."""

    channel: str
    ts: str


@contextmanager
def _session(session_or_url: Session | str) -> Iterator[Session]:
    """The caller's session (it commits), or one of our own on a database URL."""
    if isinstance(session_or_url, Session):
        yield session_or_url
    else:
        with session_scope(session_or_url) as session:
            yield session


def remember(session_or_url: Session | str, key: str, channel: str, ts: str) -> None:
    """Record that the thread `key` was opened by message `ts` in `channel`.

    Opening the same key again (a re-posted opener) moves the thread to the newest post.
    One `INSERT … ON CONFLICT DO UPDATE`, so two processes never trip over each other and
    the caller's transaction is left whole.
    """
    values = {"key": key, "channel": channel, "ts": ts, "created_at": clock.now()}
    with _session(session_or_url) as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(PostedThread).values(**values)
        changes = {name: statement.excluded[name] for name in ("channel", "ts", "created_at")}
        upsert = statement.on_conflict_do_update(index_elements=["key"], set_=changes)
        session.exec(upsert)  # type: ignore[call-overload]


def find(session_or_url: Session | str, key: str) -> ThreadRef | None:
    """The channel and ts of the post that opened `key`, or None if none was recorded."""
    with _session(session_or_url) as session:
        row = session.exec(select(PostedThread).where(PostedThread.key == key)).first()
        return ThreadRef(row.channel, row.ts) if row else None
