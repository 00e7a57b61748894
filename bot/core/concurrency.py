"""Records several people edit: changed under a lock, checked by version, or refused.

`editing(session, row)` re-reads the row under a lock before the caller changes it, so a
change is always made to what is stored now, never to what the request read earlier:
PostgreSQL locks the row (`SELECT ... FOR UPDATE`); on SQLite the savepoint it opens
takes the database's write lock first (see `bot.core.db`).

`get_or_add` creates a row two requests may create at once (a unique key decides which
wins; the other gets the winner's row to edit).

Tables edited by several people also carry a `Versioned.version` the ORM checks and bumps
on every UPDATE (`... WHERE version = :seen`), so a write from a stale read anywhere is
refused instead of stored. A person who worked from an older view (a form opened a minute
ago) passes the version they saw, and is refused the same way: `ChangedMeanwhile` says
"someone changed it" and shows the new state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Field, Session, SQLModel

from bot.core.messages import UserError

Row = TypeVar("Row", bound="Versioned")


class Versioned(SQLModel):
    """A table whose rows the ORM writes only over the version it read."""

    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declarative class attribute
        return {"version_id_col": cls.__table__.c.version}


class ChangedMeanwhile(UserError):
    """Someone changed the record since it was read; nothing was saved."""


@contextmanager
def editing(
    session: Session,
    row: Row,
    *,
    conflict: Callable[[Session, Row], str],
    seen: int | None = None,
) -> Iterator[Row]:
    """Lock and re-read `row`, let the caller change it, and write it in a savepoint.

    Changes the caller made before are flushed first (SQLAlchemy flushes before every
    SAVEPOINT), version-checked like the rest.

    Args:
        conflict: The reply when someone else changed the row: says so and shows the row
            as stored now (it is given a usable session and that row).
        seen: The version the person saw (e.g. when their form was opened); a row changed
            since is refused before anything is changed.

    Raises:
        ChangedMeanwhile: the row changed since `seen`, or since it was read (the version
            check at write time; nothing of the caller's change is kept).
    """
    try:
        with session.begin_nested():
            session.refresh(row, with_for_update=True)
            if seen is not None and row.version != seen:
                raise ChangedMeanwhile(conflict(session, row))
            yield row
    except StaleDataError:
        raise ChangedMeanwhile(_as_stored_now(session, row, conflict)) from None


def _as_stored_now(session: Session, row: Row, conflict: Callable[[Session, Row], str]) -> str:
    """The conflict reply from a session of its own: a failed write leaves this one unusable
    until the request rolls back."""
    with Session(session.get_bind()) as fresh:
        now = fresh.get(type(row), inspect(row).identity)
        return conflict(fresh, now) if now is not None else "Someone deleted it meanwhile."


def get_or_add(
    session: Session, find: Callable[[], Row | None], new: Callable[[], Row]
) -> tuple[Row, bool]:
    """The row `find` returns, else `new()` added in a savepoint; if another request added
    it first (its unique key refuses ours), the row it added. Returns (row, created)."""
    row = find()
    if row is not None:
        return row, False
    try:
        with session.begin_nested():
            row = new()
            session.add(row)
    except IntegrityError:
        row = find()
        if row is None:
            raise
        return row, False
    return row, True
