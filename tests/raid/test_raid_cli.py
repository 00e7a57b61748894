"""`livepmo raid export|import` as an operator runs them: output, files, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from bot.core.db import session_scope
from bot.core.projects import create_project
from skills.raid import service
from skills.raid.cli import raid_app
from skills.raid.scoring import RaidType
from tests.helpers import BOB, PM

app = typer.Typer()
app.add_typer(raid_app, name="raid")


def livepmo(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["raid", *args], env={"DATABASE_URL": database_url})


@pytest.fixture
def apollo(database_url: str) -> str:
    """Project `apollo` with a scored risk owned by Bob and an open issue."""
    with session_scope(database_url) as session:
        project = create_project(session, key="apollo", name="Apollo", actor=PM)
        service.create_item(
            session,
            project=project,
            raid_type=RaidType.RISK,
            actor=PM,
            title="Vendor may slip",
            owner=BOB,
            probability=4,
            impact=3,
        )
        service.create_item(
            session, project=project, raid_type=RaidType.ISSUE, actor=PM, title="Build is broken"
        )
    return database_url


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr.strip()


def test_export_csv_goes_to_stdout(apollo: str) -> None:
    result = livepmo(apollo, "export", "--project", "apollo", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["key"], r["owner"], r["score"]) for r in rows] == [
        ("APOLLO-R1", BOB, "12"),
        ("APOLLO-I1", "", ""),
    ]
    assert result.stderr == "Wrote 2 items of apollo to stdout as csv.\n"


def test_export_xlsx_defaults_to_a_file_named_after_the_project(
    apollo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = livepmo(apollo, "export", "--project", "APOLLO", "--format", "xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Wrote 2 items of apollo to apollo-raid.xlsx.\n"
    sheet = openpyxl.load_workbook(tmp_path / "apollo-raid.xlsx").active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "key",
        "APOLLO-R1",
        "APOLLO-I1",
    ]


def test_export_json_to_a_chosen_file(apollo: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "raid.json"
    target.parent.mkdir()
    result = livepmo(
        apollo, "export", "--project", "apollo", "--format", "json", "--output", str(target)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 2 items of apollo to {target}.\n"
    assert [item["title"] for item in json.loads(target.read_text())] == [
        "Vendor may slip",
        "Build is broken",
    ]


def test_export_problems_are_one_line(apollo: str, tmp_path: Path) -> None:
    unknown = one_line_error(livepmo(apollo, "export", "--project", "nope", "--format", "csv"))
    assert unknown.startswith("There is no project nope.") and "apollo" not in unknown
    bad_format = one_line_error(livepmo(apollo, "export", "--project", "apollo", "--format", "pdf"))
    assert bad_format == "--format must be one of csv, xlsx, json, not pdf."
    missing_dir = tmp_path / "missing" / "x.csv"
    unwritable = one_line_error(
        livepmo(
            apollo, "export", "--project", "apollo", "--format", "csv", "--output", str(missing_dir)
        )
    )
    assert unwritable.startswith(f"Cannot write {missing_dir}")


def test_export_then_import_is_all_unchanged(apollo: str, tmp_path: Path) -> None:
    target = tmp_path / "apollo.xlsx"
    assert livepmo(apollo, "export", "--project", "apollo", "--output", str(target)).exit_code == 0
    result = livepmo(apollo, "import", str(target), "--project", "apollo")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Imported apollo.xlsx into apollo: 0 created, 0 updated, 2 unchanged, 0 rows with errors.\n"
    )


def test_import_prints_a_summary_then_each_bad_row(apollo: str, tmp_path: Path) -> None:
    sheet = tmp_path / "changes.csv"
    sheet.write_text(
        "Key,Type,Title,Owner,Likelihood\n"
        "APOLLO-R1,risk,Vendor may slip,,5\n"
        ",dependency,Legal sign-off,,\n"
        ",risk,,,\n"
        ",risk,Too likely,,9\n"
    )
    result = livepmo(apollo, "import", str(sheet), "--project", "apollo")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Imported changes.csv into apollo: 1 created, 1 updated, 0 unchanged, 2 rows with errors.",
        "row 4: missing title",
        "row 5: probability must be a whole number from 1 to 5, not 9",
    ]
    with session_scope(apollo) as session:
        risk = service.find_item(session, "APOLLO-R1")
        assert (risk.owner, risk.probability, risk.score) == (None, 5, 15)
        assert service.find_item(session, "APOLLO-D1").title == "Legal sign-off"


def test_import_where_every_row_fails_exits_1(apollo: str, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("type,title\nhazard,Odd\nrisk,\n")
    result = livepmo(apollo, "import", str(sheet), "--project", "apollo")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "row 2: unknown type 'hazard': use risk, assumption, issue, dependency, action or decision",
        "row 3: missing title",
    ]


def test_import_of_an_empty_file_exits_0(apollo: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = livepmo(apollo, "import", str(empty), "--project", "apollo")
    assert result.exit_code == 0, result.output
    assert result.stdout == "empty.csv has no rows to import: nothing changed in apollo.\n"


def test_import_problems_are_one_line_and_exit_2(apollo: str, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + bytes(range(200)))
    message = one_line_error(livepmo(apollo, "import", str(corrupt), "--project", "apollo"))
    assert message.startswith("corrupt.xlsx is not a readable Excel workbook")
    message = one_line_error(livepmo(apollo, "import", str(corrupt), "--project", "nope"))
    assert message.startswith("There is no project nope.")
    missing = tmp_path / "missing.csv"
    message = one_line_error(livepmo(apollo, "import", str(missing), "--project", "apollo"))
    assert message == f"Cannot read {missing}: No such file or directory."


def test_deleted_items_are_exported_only_when_asked(apollo: str) -> None:
    with session_scope(apollo) as session:
        service.delete_item(session, item=service.find_item(session, "APOLLO-I1"), actor=PM)
    live = livepmo(apollo, "export", "--project", "apollo", "--format", "json")
    every = livepmo(
        apollo, "export", "--project", "apollo", "--format", "json", "--include-deleted"
    )
    assert [i["key"] for i in json.loads(live.stdout)] == ["APOLLO-R1"]
    assert [(i["key"], i["deleted"]) for i in json.loads(every.stdout)] == [
        ("APOLLO-R1", False),
        ("APOLLO-I1", True),
    ]
