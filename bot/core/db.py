"""Database engines, sessions and migrations (SQLite by default, PostgreSQL supported).

PostgreSQL connections time out after a few seconds to connect and per statement; SQLite
waits up to 30 s for its write lock (it has no statement timeout)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, create_engine

from bot.core import clock
from bot.core.models import ProcessedDelivery

log = logging.getLogger(__name__)

ALEMBIC_DIR = Path(__file__).resolve().parents[2] / "alembic"
PRUNE_EVERY = timedelta(minutes=10)  # how often one process deletes expired delivery keys


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per database URL; SQLite gets WAL and a busy timeout for threads."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        open_transaction_before_savepoints(engine)
        return engine
    connect, statement = database_timeouts()
    options = " ".join([*_query_values(parsed, "options"), f"-c statement_timeout={statement}s"])
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=connect,
        connect_args={"connect_timeout": connect, "options": options},
    )


def _query_values(url: URL, name: str) -> list[str]:
    value = url.query.get(name)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def database_timeouts() -> tuple[int, int]:
    """Seconds to connect to PostgreSQL and to run one statement (settings
    `LIVEPMO_DB_CONNECT_TIMEOUT`, `LIVEPMO_DB_STATEMENT_TIMEOUT`), so a hung database
    fails a request in seconds instead of holding it."""
    from bot.core.settings import ConfigError, Settings, cached_settings

    try:
        settings = cached_settings()
    except ConfigError:
        settings = Settings.model_construct()
    return settings.livepmo_db_connect_timeout, settings.livepmo_db_statement_timeout


def open_transaction_before_savepoints(engine: Engine) -> None:
    """Make a SQLite SAVEPOINT always nest inside a transaction.

    pysqlite opens a transaction only before INSERT, UPDATE or DELETE, so a SAVEPOINT
    issued before any of those is itself the outermost transaction: its RELEASE commits,
    and a later rollback of the request keeps what the savepoint wrote. This is the
    savepoint half of SQLAlchemy's documented pysqlite recipe; the other half (BEGIN before
    every statement) would make concurrent writers fail with "database is locked" where
    they now wait for the lock. The BEGIN is IMMEDIATE: code opening a savepoint is about
    to write, and holding the write lock from there makes what it re-reads current, the
    way `SELECT ... FOR UPDATE` does on PostgreSQL.
    """

    @event.listens_for(engine, "savepoint")
    def _begin_first(connection, _name) -> None:  # noqa: ANN001
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)


def script_heads() -> set[str]:
    """The revisions no other builds on, read from the version files' text: the newest,
    known without importing Alembic (which costs a noticeable share of a CLI start)."""
    revisions: set[str] = set()
    built_on: set[str] = set()
    for path in (ALEMBIC_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        if down := _DOWN_REVISION.search(source):
            built_on.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - built_on


def is_current(url: str) -> bool:
    """Whether the database at `url` is already at the newest revision (False if unsure)."""
    try:
        with get_engine(url).connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            stored = set(rows.scalars())
    except SQLAlchemyError:
        return False
    heads = script_heads()
    return bool(heads) and stored == heads


def migrate(url: str) -> None:
    """Bring the schema at `url` to the newest Alembic revision (nothing to do: no Alembic)."""
    if is_current(url):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.attributes["connection_url"] = url
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def claim_delivery(url: str, key: str) -> bool:
    """Record a delivery key; False if it was already recorded (a retry or a twin).

    Every `PRUNE_EVERY` or so, a claim also deletes the keys older than the retention
    (`LIVEPMO_DELIVERY_RETENTION_HOURS`), long after Slack's last retry or replay."""
    try:
        with session_scope(url) as session:
            session.add(ProcessedDelivery(key=key))
    except IntegrityError:
        return False
    prune_now_and_then(url)
    return True


def prune_deliveries(url: str, *, before: datetime) -> int:
    """Delete the delivery keys received before `before` (any replica's); how many went."""
    received = ProcessedDelivery.__table__.c.received_at  # type: ignore[attr-defined]
    with get_engine(url).begin() as connection:
        deleted = connection.execute(delete(ProcessedDelivery).where(received < before))
    return deleted.rowcount


_pruned_at: dict[str, datetime] = {}  # database URL: when this process last pruned it
_pruning = threading.Lock()


def prune_now_and_then(url: str) -> None:
    """`prune_deliveries` past the retention, unless this process did it in the last
    `PRUNE_EVERY`; one indexed delete, and a failure only waits for the next time."""
    now = clock.now()
    with _pruning:
        last = _pruned_at.get(url)
        if last is not None and abs(now - last) < PRUNE_EVERY:
            return
        _pruned_at[url] = now
    hours = delivery_retention_hours()
    try:
        deleted = prune_deliveries(url, before=now - timedelta(hours=hours))
    except SQLAlchemyError as exc:
        log.warning("could not prune delivery keys: %s", str(exc).splitlines()[0])
        return
    if deleted:
        log.info("pruned %s delivery keys older than %s h", deleted, hours)


def delivery_retention_hours() -> int:
    """Hours a delivery key is kept (`LIVEPMO_DELIVERY_RETENTION_HOURS`)."""
    from bot.core.settings import ConfigError, Settings, cached_settings

    try:
        return cached_settings().livepmo_delivery_retention_hours
    except ConfigError:
        return Settings.model_construct().livepmo_delivery_retention_hours
