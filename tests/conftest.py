"""Shared fixtures: a fresh database on SQLite and PostgreSQL, settings, the pinned clock.

PostgreSQL tests run in a schema of their own at 127.0.0.1:5432 (database
`test`); they are skipped when the server is unreachable, unless
LIVEPMO_REQUIRE_POSTGRES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.core import clock
from bot.core.db import get_engine, migrate
from bot.core.settings import Settings, load_settings

POSTGRES_URL = os.environ.get(
    "LIVEPMO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MODEL_DIR = Path(__file__).resolve().parents[1].parent / "shared/models/all-MiniLM-L6-v2/onnx"
if MODEL_DIR.exists():
    os.environ.setdefault("LIVEPMO_EMBEDDING_MODEL_DIR", str(MODEL_DIR))
for name in (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "OPENAI_API_KEY",
    "LIVEPMO_NOW",
    "DATABASE_URL",
):
    os.environ.pop(name, None)


def postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else the reason."""
    import psycopg

    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(plain, connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    reason = postgres_reachable()
    if reason:
        if os.environ.get("LIVEPMO_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    schema = f"lp_{uuid.uuid4().hex[:10]}"
    admin = get_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    migrate(url)
    yield url
    get_engine(url).dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'livepmo.db'}"
    migrate(url)
    return url


def empty_tables(url: str) -> None:
    with get_engine(url).begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated, empty database: every test using it runs on both backends."""
    url = request.getfixturevalue(
        f"{request.param}_url" if request.param == "sqlite" else "postgres_schema_url"
    )
    empty_tables(url)
    yield url


@pytest.fixture
def sqlite_only_url(sqlite_url: str) -> Iterator[str]:
    """A migrated, empty SQLite database, for tests about logic rather than storage."""
    empty_tables(sqlite_url)
    yield sqlite_url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        database_url=database_url, chroma_path=tmp_path / "chroma", livepmo_timezone="Europe/London"
    )


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    """Every test starts at Monday 2026-11-23 09:00 UTC unless it pins another time."""
    clock.pin("2026-11-23T09:00:00+00:00")
    yield
    clock.pin(None)
