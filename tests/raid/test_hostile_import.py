"""`livepmo raid import` of hostile files: one line saying what is wrong, in bounded memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.db import session_scope
from bot.core.projects import create_project
from knowledge.untrusted import run_bounded
from skills.raid.spreadsheets import ImportFileError, read_table
from tests.helpers import PM
from tests.knowledge import hostile
from tests.raid.test_raid_cli import livepmo, one_line_error

PEAK_MB = 300


@pytest.fixture(scope="module", autouse=True)
def warm_fork_server() -> None:
    run_bounded(len, b"")


def test_xlsx_with_a_huge_shared_strings_part_is_refused(database_url: str, tmp_path: Path) -> None:
    with session_scope(database_url) as session:
        create_project(session, key="apollo", name="Apollo", actor=PM)
    path = tmp_path / "raid.xlsx"
    path.write_bytes(hostile.shared_strings_xlsx(1000))
    assert path.stat().st_size < 20 * 1024 * 1024
    with hostile.peak_memory() as peak:
        result = livepmo(database_url, "import", str(path), "--project", "apollo")
    assert one_line_error(result) == (
        "raid.xlsx unpacks to 997 MB, over the 100 MB I read; "
        "split it into smaller files and upload those."
    )
    assert peak.mb < PEAK_MB, peak.mb


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("raid.json", b"[" * 200_000 + b"]" * 200_000, "is nested too deeply to read"),
        ("raid.xlsx", hostile.bomb_docx(200), "unpacks to 201 MB"),  # any zip: checked first
        ("raid.csv", b"title\n" + b"x" * (21 * 1024 * 1024), "over the 20 MB limit"),
    ],
)
def test_other_hostile_tables_are_refused_with_what_is_wrong(
    name: str, content: bytes, problem: str
) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_table(content, name)
    assert str(refused.value).startswith(f"{name} ") and problem in str(refused.value)


def test_ordinary_tables_are_read_alike_in_the_child() -> None:
    table = read_table(b"title,type\nVendor may slip,risk\n", "raid.csv")
    assert table == [(2, {"title": "Vendor may slip", "type": "risk"})]
    with pytest.raises(ImportFileError, match="has no title column"):
        read_table(b"name_of_thing\nx\n", "raid.csv")
