"""Start-up migration: a database already at the newest revision is left without Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.core.db import ALEMBIC_DIR, get_engine, is_current, migrate, script_heads


def test_the_newest_revision_is_read_as_alembic_reads_it() -> None:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    assert script_heads() == set(ScriptDirectory.from_config(config).get_heads())


def test_a_current_database_is_not_migrated_again_and_an_older_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    assert not is_current(url)
    migrate(url)
    assert is_current(url)
    upgrades: list[str] = []
    monkeypatch.setattr(command, "upgrade", lambda config, target: upgrades.append(target))
    migrate(url)
    assert upgrades == []
    with get_engine(url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not is_current(url)
    migrate(url)
    assert upgrades == ["head"]
