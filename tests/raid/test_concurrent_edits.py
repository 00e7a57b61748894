"""Two people editing one RAID item at once: the score is always P×I, history never forks,
and an edit from a stale form is refused with the item as it is now.

Each request's read of the item is held 50 ms (an ORM load hook), so the two requests of a
round always both read before either writes: before the fix every round lost an update.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from benchmarks.faults_files import concurrent_edits
from bot.core.concurrency import ChangedMeanwhile
from bot.core.db import ALEMBIC_DIR, get_engine, session_scope
from bot.core.settings import Settings
from skills.raid import service
from tests.conftest import POSTGRES_URL
from tests.helpers import BOB, PM, console, with_project


def test_twenty_rounds_of_two_threads(database_url: str, tmp_path: Path) -> None:
    counts = concurrent_edits(database_url, tmp_path, rounds=20)
    assert counts["bad_scores"] == 0
    assert counts["forked_history"] == 0
    assert counts["lost_updates"] == 0
    assert counts["edits"] == 80
    # P and I always both apply; of "monitoring" and "close" the second is refused only
    # when close went first (closed -> monitoring is no move a risk can make)
    assert counts["applied"] >= 60


def test_twenty_rounds_of_two_processes_on_postgres(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    from tests.conftest import empty_tables

    empty_tables(postgres_schema_url)
    counts = concurrent_edits(postgres_schema_url, tmp_path, rounds=20, processes=True)
    assert (counts["bad_scores"], counts["forked_history"], counts["lost_updates"]) == (0, 0, 0)
    assert counts["applied"] >= 60


def test_an_edit_form_opened_before_someone_else_changed_the_item_is_refused(
    settings: Settings,
) -> None:
    alice = with_project(settings)
    alice.send("/pmo raid add risk: vendor may slip, owner <@U0BOB>, P4 I3")
    with session_scope(settings.database_url) as session:
        title = service.find_item(session, "APOLLO-R1").title
    form = alice.send("!press raid_edit APOLLO-R1")[0].modal
    assert form and "Edit APOLLO-R1" in str(form)
    bob = console(settings, user=BOB)
    assert "updated p" in bob.send("/pmo raid update APOLLO-R1 p 1")[0].text

    [refused] = alice.send('!submit raid_form_edit {"title": "Vendor may slip badly"}')
    assert refused.text.startswith(
        "Someone changed APOLLO-R1 while you were editing it, so I saved nothing. It is now:"
    )
    assert "P1×I3=3" in refused.text
    with session_scope(settings.database_url) as session:
        item = service.find_item(session, "APOLLO-R1")
        assert (item.title, item.probability, item.score) == (title, 1, 3)

    alice.send("!press raid_edit APOLLO-R1")  # the form opened again shows the new state
    [saved] = alice.send('!submit raid_form_edit {"title": "Vendor may slip badly"}')
    assert "updated title" in saved.text
    with session_scope(settings.database_url) as session:
        item = service.find_item(session, "APOLLO-R1")
        assert (item.title, item.probability, item.score) == ("Vendor may slip badly", 1, 3)


def test_a_write_from_a_stale_read_is_refused_not_stored(settings: Settings) -> None:
    """Any code path that writes an item it read before someone else wrote it is refused by
    the version check (`UPDATE ... WHERE version = :seen`)."""
    with_project(settings).send("/pmo raid add risk: vendor may slip, P5 I1")
    refused = pytest.raises(ChangedMeanwhile, match="Someone changed APOLLO-R1")
    with refused, session_scope(settings.database_url) as first:
        stale = service.find_item(first, "APOLLO-R1")
        with session_scope(settings.database_url) as second:
            fresh = service.find_item(second, "APOLLO-R1")
            service.update_item(second, item=fresh, changes={"probability": 1}, actor=PM)
        stale.impact = 5
        service.rescore(stale)  # P5 × I5 = 25 from the stale read
        service.delete_item(first, item=stale, actor=BOB)
    assert "P1×I1=1" in str(refused.excinfo.value)  # the item as stored now
    with session_scope(settings.database_url) as session:
        item = service.find_item(session, "APOLLO-R1")
        assert (item.probability, item.impact, item.score, item.deleted) == (1, 1, 1, False)


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (a fresh PostgreSQL schema), for migrating step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    request.getfixturevalue("postgres_schema_url")  # skips when PostgreSQL is unreachable
    schema = f"lp_{uuid.uuid4().hex[:10]}"
    with get_engine(POSTGRES_URL).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    yield url
    get_engine(url).dispose()
    with get_engine(POSTGRES_URL).begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def upgrade(url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_the_migration_recomputes_scores_stored_from_a_stale_read(unmigrated_url: str) -> None:
    upgrade(unmigrated_url, "0009-1")
    with get_engine(unmigrated_url).begin() as connection:
        connection.execute(text("INSERT INTO projects (key, name, timezone, created_at, "
                                "created_by) VALUES ('apollo', 'Apollo', 'UTC', :at, 'U1')"),
                           {"at": datetime(2026, 11, 23, tzinfo=UTC)})  # fmt: skip
        rows = [("R", 1, 1, 5, 25, "critical"), ("R", 2, 2, None, 6, "medium")]
        for kind, seq, p, i, score, band in rows:
            connection.execute(
                text(
                    "INSERT INTO raid_items (project_id, type, seq, key, title, description, "
                    "raised_by, raised_at, probability, impact, score, severity, status, "
                    "updated_at, deleted) SELECT id, 'risk', :seq, :key, 'Vendor may slip', '', "
                    "'U1', :at, :p, :i, :score, :band, 'open', :at, false FROM projects"
                ),
                {"seq": seq, "key": f"APOLLO-{kind}{seq}", "at": datetime(2026, 11, 23, tzinfo=UTC),
                 "p": p, "i": i, "score": score, "band": band},
            )  # fmt: skip
    upgrade(unmigrated_url, "head")
    with session_scope(unmigrated_url) as session:
        first, second = (service.find_item(session, k) for k in ("APOLLO-R1", "APOLLO-R2"))
        assert (first.score, first.severity, first.version) == (5, "medium", 1)
        assert (second.score, second.severity) == (None, None)
