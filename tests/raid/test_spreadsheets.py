"""RAID spreadsheets: export every field, import it back row by row, round trips on both DBs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlmodel import Session, func, select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.models import AuditEntry, Project
from bot.core.projects import create_project, require_project
from skills.raid import service
from skills.raid.models import RaidHistory, RaidItem, RaidLink
from skills.raid.scoring import RaidStatus, RaidType
from skills.raid.spreadsheets import (
    COLUMNS,
    ImportFileError,
    ImportReport,
    export_items,
    header_field,
    import_rows,
    project_items,
)
from tests.conftest import empty_tables
from tests.helpers import BOB, PM

LONG_TEXT = 'Line one, with "quotes"; and a comma.\nLine two: café ✓ — done'


def new_project(session: Session, key: str = "apollo") -> Project:
    return create_project(session, key=key, name=key.title(), actor=PM)


def build_register(url: str) -> None:
    """Project `apollo` with every field of every kind of item set (or left empty)."""
    clock.pin("2026-11-20T08:15:30.123456+00:00")
    with session_scope(url) as session:
        project = new_project(session)
        risk = service.create_item(
            session,
            project=project,
            raid_type=RaidType.RISK,
            actor=PM,
            title='=HYPERLINK("http://evil") vendor may slip',
            description=LONG_TEXT,
            owner=BOB,
            due_on=date(2026, 12, 4),
            probability=4,
            impact=3,
            strategy="reduce",
            mitigation="- weekly call with the vendor\n- escalate to the sponsor",
            source="https://example.slack.com/archives/C0APOLLO/p1",
            status="monitoring",
        )
        budget = service.create_item(
            session,
            project=project,
            raid_type=RaidType.RISK,
            title="Budget cut",
            actor=BOB,
            probability=5,
            impact=5,
        )
        assumption = service.create_item(
            session,
            project=project,
            raid_type=RaidType.ASSUMPTION,
            title="Budget approved",
            actor=BOB,
        )
        dependency = service.create_item(
            session,
            project=project,
            raid_type=RaidType.DEPENDENCY,
            actor=BOB,
            title="Data team delivers the extract",
            due_on=date(2026, 12, 15),
            description="'=SUM(A1) stays text",
            source="+44 20 7946 0000",
        )
    clock.pin("2026-11-22T17:45:00.5+00:00")
    with session_scope(url) as session:
        project = require_project(session, "apollo")
        budget, risk, assumption, dependency = (
            session.get(RaidItem, i.id) for i in (budget, risk, assumption, dependency)
        )
        service.convert_to_issue(session, item=budget, project=project, actor=PM)
        service.link_items(session, from_item=risk, to_item=assumption, actor=PM)
        service.link_items(
            session, from_item=risk, to_item=dependency, actor=PM, relation="depends_on"
        )
        service.delete_item(session, item=dependency, actor=PM)
    clock.pin("2026-11-23T09:00:00+00:00")


def export_project(url: str, fmt: str, key: str = "apollo") -> bytes:
    with session_scope(url) as session:
        project = require_project(session, key)
        return export_items(session, project_items(session, project, include_deleted=True), fmt)


def import_file(
    url: str, content: bytes, filename: str, key: str = "apollo", actor: str = "cli"
) -> ImportReport:
    with session_scope(url) as session:
        project = require_project(session, key)
        return import_rows(
            session, project=project, content=content, filename=filename, actor=actor
        )


def xlsx_values(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def comparable(content: bytes, fmt: str) -> object:
    return xlsx_values(content) if fmt == "xlsx" else content


def count(url: str, model: type) -> int:
    with session_scope(url) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def csv_bytes(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


# --------------------------------------------------------------------------- export


def test_csv_export_has_every_field_and_outgoing_links_only(database_url: str) -> None:
    build_register(database_url)
    rows = list(csv.DictReader(io.StringIO(export_project(database_url, "csv").decode())))
    assert tuple(rows[0]) == COLUMNS
    assert [r["key"] for r in rows] == [
        "APOLLO-R1",
        "APOLLO-R2",
        "APOLLO-A1",
        "APOLLO-I1",
        "APOLLO-D1",
    ]
    risk = rows[0]
    assert risk["title"] == '\'=HYPERLINK("http://evil") vendor may slip'  # never a formula
    assert risk["description"] == LONG_TEXT
    assert risk["mitigation"].startswith("'- weekly call")
    assert (risk["owner"], risk["raised_by"], risk["date"]) == (BOB, PM, "2026-12-04")
    assert risk["raised_at"] == "2026-11-20T08:15:30.123456+00:00"
    assert (risk["probability"], risk["impact"], risk["score"], risk["severity"]) == (
        "4",
        "3",
        "12",
        "high",
    )
    assert (risk["strategy"], risk["status"]) == ("reduce", "monitoring")
    assert risk["links"] == "depends_on APOLLO-D1; relates_to APOLLO-A1"
    assert rows[1]["links"] == "converted_to APOLLO-I1"
    assert rows[2]["links"] == ""  # the incoming link from R1 is R1's to write
    assert (rows[1]["status"], rows[1]["updated_at"]) == (
        "converted",
        "2026-11-22T17:45:00.500000+00:00",
    )
    assert rows[4]["deleted"] == "true" and rows[0]["deleted"] == "false"
    assert (rows[4]["description"], rows[4]["source"]) == (
        "''=SUM(A1) stays text",
        "'+44 20 7946 0000",
    )


def test_json_export_uses_null_for_empty_fields(database_url: str) -> None:
    build_register(database_url)
    data = json.loads(export_project(database_url, "json"))
    assumption = next(item for item in data if item["key"] == "APOLLO-A1")
    assert list(assumption) == list(COLUMNS)
    for name in (
        "description",
        "owner",
        "date",
        "probability",
        "impact",
        "score",
        "severity",
        "strategy",
        "mitigation",
        "source",
        "links",
    ):
        assert assumption[name] is None, name
    risk = data[0]
    assert (risk["probability"], risk["score"], risk["deleted"]) == (4, 12, False)
    assert risk["date"] == "2026-12-04"


def test_xlsx_export_is_a_real_sheet(database_url: str) -> None:
    build_register(database_url)
    sheet = openpyxl.load_workbook(io.BytesIO(export_project(database_url, "xlsx"))).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= 40  # title
    title = sheet.cell(row=2, column=COLUMNS.index("title") + 1)
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    due = sheet.cell(row=2, column=COLUMNS.index("date") + 1)
    raised = sheet.cell(row=2, column=COLUMNS.index("raised_at") + 1)
    assert due.is_date and due.value == datetime(2026, 12, 4)
    assert raised.is_date and raised.value == datetime(2026, 11, 20, 8, 15, 30)  # UTC, seconds
    assert sheet.cell(row=2, column=COLUMNS.index("probability") + 1).value == 4


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_keeps_every_field(database_url: str, fmt: str) -> None:
    build_register(database_url)
    first = export_project(database_url, fmt)
    history_before = count(database_url, RaidHistory)

    same = import_file(database_url, first, f"apollo.{fmt}")
    assert (same.created, same.updated, same.errors) == ([], [], [])
    assert (same.warnings, same.unused_columns) == ([], [])  # score, severity: recomputed
    assert same.unchanged == ["APOLLO-R1", "APOLLO-R2", "APOLLO-A1", "APOLLO-I1", "APOLLO-D1"]
    assert count(database_url, RaidHistory) == history_before  # nothing was touched

    empty_tables(database_url)
    with session_scope(database_url) as session:
        new_project(session)
    fresh = import_file(database_url, first, f"apollo.{fmt}")
    assert fresh.errors == [] and len(fresh.created) == 5
    again = export_project(database_url, fmt)
    assert comparable(again, fmt) == comparable(first, fmt)
    assert count(database_url, RaidLink) == 3


def test_round_trip_with_gaps_keeps_the_keys(database_url: str) -> None:
    """A filtered export (R2 and R5 only) into an empty project keeps R2 and R5."""
    content = csv_bytes(
        ["key", "type", "title", "raised_by"],
        ["APOLLO-R5", "risk", "Fifth", "U0CAROL"],
        ["APOLLO-R2", "risk", "Second", ""],
        ["", "risk", "Brand new"],
    )
    with session_scope(database_url) as session:
        new_project(session)
    report = import_file(database_url, content, "partial.csv")
    assert report.created == ["APOLLO-R5", "APOLLO-R2", "APOLLO-R6"] and report.errors == []
    with session_scope(database_url) as session:
        fifth = service.find_item(session, "APOLLO-R5")
        assert (fifth.title, fifth.seq, fifth.raised_by) == ("Fifth", 5, "U0CAROL")
        assert service.find_item(session, "APOLLO-R2").raised_by == "cli"
        created = [h.new for h in service.history(session, fifth)]
        assert created == ["APOLLO-R5"]
        targets = session.exec(select(AuditEntry.target).where(AuditEntry.action == "raid.create"))
        assert sorted(targets) == ["APOLLO-R2", "APOLLO-R5", "APOLLO-R6"]


# --------------------------------------------------------------------------- re-import


def test_reimport_without_keys_creates_no_duplicates(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = new_project(session)
        service.create_item(
            session,
            project=project,
            raid_type=RaidType.RISK,
            actor=PM,
            title="Vendor may slip the go-live",
        )
    content = csv_bytes(
        ["Type", "Title", "Owner", "Likelihood", "Impact"],
        ["Risk", "  vendor MAY  slip the go-live ", BOB, "high", "3"],
        ["Issue", "Build server is down", "", "", ""],
    )
    first = import_file(database_url, content, "log.csv", actor=PM)
    assert (first.updated, first.created, first.errors) == (["APOLLO-R1"], ["APOLLO-I1"], [])
    second = import_file(database_url, content, "log.csv", actor=PM)
    assert second.unchanged == ["APOLLO-R1", "APOLLO-I1"] and second.created == []
    assert count(database_url, RaidItem) == 2
    with session_scope(database_url) as session:
        risk = service.find_item(session, "APOLLO-R1")
        assert (risk.owner, risk.probability, risk.impact, risk.score) == (BOB, 4, 3, 12)
        changes = {h.field: h for h in service.history(session, risk) if h.field != "created"}
        assert set(changes) == {"owner", "probability", "impact"}
        assert changes["owner"].actor == PM and changes["owner"].note == "imported from log.csv"


def test_a_row_per_item_only(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    content = csv_bytes(
        ["key", "type", "title"],
        ["", "risk", "Vendor slip"],
        ["", "risk", "vendor slip"],
        ["APOLLO-A4", "assumption", "Budget"],
        ["apollo-a4", "assumption", "Budget again"],
    )
    report = import_file(database_url, content, "dupes.csv")
    assert report.created == ["APOLLO-R1", "APOLLO-A4"]
    assert report.errors == [
        (3, "same type and title as row 2 (APOLLO-R1): give one of them a key or another title"),
        (5, "APOLLO-A4 is also on row 4: keep one row per item"),
    ]


# --------------------------------------------------------------------------- bad rows


def test_good_rows_are_kept_and_bad_rows_leave_nothing(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = new_project(session)
        new_project(session, "hermes")
        service.create_item(
            session, project=project, raid_type=RaidType.ISSUE, actor=PM, title="Build is broken"
        )
    history_before, audit_before = count(database_url, RaidHistory), count(database_url, AuditEntry)
    content = csv_bytes(
        [
            "Key",
            "Type",
            "Title",
            "Owner",
            "Due date",
            "Likelihood",
            "Impact",
            "Strategy",
            "Status",
        ],
        ["", "risk", "Vendor may slip", BOB, "2026-12-04", "4", "3", "reduce", "open"],
        ["", "risk", "", BOB, "", "", "", "", ""],
        ["", "hazard", "Odd type", "", "", "", "", "", ""],
        ["", "risk", "Bad date", "", "31/13/2026", "", "", "", ""],
        ["", "risk", "Too likely", "", "", "7", "0", "", ""],
        ["", "risk", "Odd status", "", "", "", "", "", "purple"],
        ["", "risk", "Wrong strategy", "", "", "", "", "ignore", ""],
        ["HERMES-R1", "risk", "Someone else's", "", "", "", "", "", ""],
        ["", "risk", "Named owner", "Sam", "", "", "", "", ""],
        ["APOLLO-I1", "issue", "Build is broken", "", "", "", "", "", "in progress"],
    )
    report = import_file(database_url, content, "mixed.csv")
    assert report.created == ["APOLLO-R1", "APOLLO-R2", "APOLLO-R3"]
    assert report.updated == ["APOLLO-I1"]
    assert report.errors == [
        (3, "missing title"),
        (4, "unknown type 'hazard': use risk, assumption, issue, dependency, action or decision"),
        (5, "bad date '31/13/2026': use a date like 2026-12-15, 15/12/2026 or 15 Dec 2026"),
        (
            6,
            "probability must be a whole number from 1 to 5, not 7; "
            "impact must be a whole number from 1 to 5, not 0",
        ),
        (8, "unknown strategy 'ignore': use avoid, reduce, transfer, accept, share"),
        (
            9,
            "key HERMES-R1 belongs to another project, not apollo: clear the key to add the "
            "row as a new item",
        ),
    ]
    assert report.warnings == [  # an unknown status is no reason to lose the row
        (
            7,
            "unknown status 'purple' for a risk: use open, monitoring, closed, converted "
            "(status not imported: a new risk is open)",
        )
    ]
    assert report.summary() == (
        "3 created, 1 updated, 0 unchanged, 6 rows with errors, 1 row with warnings"
    )
    with session_scope(database_url) as session:
        titles = sorted(session.exec(select(RaidItem.title)))
        assert titles == ["Build is broken", "Named owner", "Odd status", "Vendor may slip"]
        assert service.find_item(session, "APOLLO-R2").status == "open"
        named = service.find_item(session, "APOLLO-R3")
        assert (named.owner, named.owner_name) == (None, "Sam")  # not a Slack user: kept as text
        risk = service.find_item(session, "APOLLO-R1")
        assert (risk.owner, risk.due_on, risk.score, risk.strategy) == (
            BOB,
            date(2026, 12, 4),
            12,
            "reduce",
        )
        assert service.find_item(session, "APOLLO-I1").status == "in_progress"
    # created lines for R1 to R3, one status line for I1, nothing from the bad rows
    assert count(database_url, RaidHistory) == history_before + 4
    assert count(database_url, AuditEntry) == audit_before + 4


def test_a_row_failing_halfway_is_rolled_back(database_url: str, monkeypatch) -> None:
    """The SAVEPOINT per row: an item created before a later step fails is not kept."""

    def failing_delete(*args: object, **kwargs: object) -> None:
        raise service.UserError("the delete step failed")

    monkeypatch.setattr("skills.raid.spreadsheets.importing.delete_item", failing_delete)
    with session_scope(database_url) as session:
        new_project(session)
    content = csv_bytes(
        ["key", "type", "title", "deleted"],
        ["APOLLO-R1", "risk", "Kept", "false"],
        ["APOLLO-R2", "risk", "Created then failed", "true"],
        ["APOLLO-R3", "risk", "Also kept", "no"],
    )
    report = import_file(database_url, content, "half.csv")
    assert report.created == ["APOLLO-R1", "APOLLO-R3"]
    assert report.errors == [(3, "the delete step failed")]
    with session_scope(database_url) as session:
        assert sorted(session.exec(select(RaidItem.key))) == ["APOLLO-R1", "APOLLO-R3"]
        assert "APOLLO-R2" not in set(session.exec(select(RaidHistory.new)))


def test_a_status_move_the_lifecycle_forbids_changes_nothing(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = new_project(session)
        risk = service.create_item(
            session, project=project, raid_type=RaidType.RISK, title="Vendor slip", actor=PM
        )
        service.convert_to_issue(session, item=risk, project=project, actor=PM)
    content = csv_bytes(
        ["key", "type", "title", "status"], ["APOLLO-R1", "risk", "Renamed", "open"]
    )
    report = import_file(database_url, content, "move.csv")
    assert report.errors == [(2, "APOLLO-R1 is converted; it can move to nothing (it is final).")]
    with session_scope(database_url) as session:
        assert service.find_item(session, "APOLLO-R1").title == "Vendor slip"


def test_links_to_missing_items_are_reported_but_the_row_is_kept(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    content = csv_bytes(
        ["key", "type", "title", "links"],
        ["APOLLO-R1", "risk", "Vendor slip", "relates_to APOLLO-R9; blocks APOLLO-I1"],
        ["APOLLO-I1", "issue", "Go-live late", "relates_to (from) APOLLO-R1"],
        ["APOLLO-R2", "risk", "Bad link", "relates_to HERMES-R1"],
    )
    report = import_file(database_url, content, "links.csv")
    assert report.created == ["APOLLO-R1", "APOLLO-I1"]
    assert report.errors == [
        (
            2,
            "APOLLO-R1 was saved but not its link relates_to APOLLO-R9: there is no item "
            "APOLLO-R9 in project apollo",
        ),
        (
            4,
            "link 'relates_to HERMES-R1': key HERMES-R1 belongs to another project, not apollo: "
            "clear the key to add the row as a new item",
        ),
    ]
    with session_scope(database_url) as session:
        risk = service.find_item(session, "APOLLO-R1")
        assert sorted(service.linked_keys(session, risk)) == [
            ("blocks", "APOLLO-I1"),
            ("relates_to", "APOLLO-I1"),
        ]


# --------------------------------------------------------------------------- reading files


def test_friendly_headers_and_real_excel_cells(database_url: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Item",
            "Category",
            "Summary",
            "Owner",
            "Review date",
            "Likelihood",
            "Impact",
            "Mitigation/Action",
            "Raised (UTC)",
            "Notes",
        ]
    )
    sheet.append(
        [
            "",
            "Risk",
            "Supplier insolvency",
            f"<@{BOB}>",
            datetime(2026, 12, 1),
            "very high",
            4.0,
            "Second supplier",
            datetime(2026, 11, 1, 10, 30),
            "Watch",
        ]
    )
    sheet.append([])  # a blank row is skipped but still counted
    sheet.append(["", "dependency", "Legal sign-off", "", date(2027, 1, 5), None, None, None])
    out = io.BytesIO()
    book.save(out)
    with session_scope(database_url) as session:
        new_project(session)
    report = import_file(database_url, out.getvalue(), "register.xlsx")
    assert (report.created, report.errors, report.rows) == (["APOLLO-R1", "APOLLO-D1"], [], 2)
    with session_scope(database_url) as session:
        risk = service.find_item(session, "APOLLO-R1")
        assert (risk.owner, risk.due_on, risk.probability, risk.impact) == (
            BOB,
            date(2026, 12, 1),
            5,
            4,
        )
        assert (risk.mitigation, risk.description, risk.severity) == (
            "Second supplier",
            "Watch",
            "critical",
        )
        assert clock.as_utc(risk.raised_at) == datetime(2026, 11, 1, 10, 30, tzinfo=UTC)
        assert service.find_item(session, "APOLLO-D1").due_on == date(2027, 1, 5)


def test_header_variants() -> None:
    assert header_field("Due date") == header_field("REVIEW DATE") == "date"
    assert header_field("Mitigation/Action") == header_field("mitigation") == "mitigation"
    assert header_field(" Likelihood ") == header_field("P") == "probability"
    assert header_field("raised_at (UTC)") == "raised_at"
    assert header_field("Owner") == "owner" and header_field("colour") is None
    assert header_field("Priority") == header_field("Prio") == "priority"
    for done in ("Done?", "Closed?", "Completed", "Complete (Y/N)", "% Complete", "Action done"):
        assert header_field(done) == "done", done


def test_excel_csv_with_semicolons_in_windows_encoding(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    content = "Type;Title;Description\r\nrisk;'Caf\xe9' closes;D\xe9j\xe0 vu\r\n".encode("cp1252")
    report = import_file(database_url, content, "export.csv")
    assert report.created == ["APOLLO-R1"]
    with session_scope(database_url) as session:
        item = service.find_item(session, "APOLLO-R1")
        assert (item.title, item.description) == ("'Café' closes", "Déjà vu")


def test_json_import_numbers_rows_like_a_sheet(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    content = json.dumps(
        [{"type": "issue", "title": "Outage", "links": []}, "oops", {"type": "risk"}]
    ).encode()
    report = import_file(database_url, content, "items.json")
    assert report.created == ["APOLLO-I1"]
    assert report.errors == [(3, "not an object with a title, type, key …"), (4, "missing title")]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"PK\x03\x04not really a zip", "log.xlsx", "log.xlsx is not a readable Excel workbook"),
        (bytes(range(256)) * 4, "log.xlsx", "log.xlsx is not a readable Excel workbook"),
        (b"\xd0\xcf\x11\xe0old", "log.xls", "log.xls is an old-style"),
        (b"colour,size\nred,XL\n", "log.csv", "log.csv has no title column in its header"),
        (b'[{"title": ', "log.json", "log.json is not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "log.csv", "log.csv is not a CSV text file"),
    ],
)
def test_unreadable_files_are_one_clear_error(
    database_url: str, content: bytes, filename: str, message: str
) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    with pytest.raises(ImportFileError, match="^" + message.replace(".", r"\.")):
        import_file(database_url, content, filename)
    assert count(database_url, RaidItem) == 0


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"", "empty.xlsx"),
        (b"  \n", "empty.csv"),
        (b"key,type,title\r\n", "log.csv"),
        (b"[]", "log.json"),
    ],
)
def test_empty_files_import_nothing(database_url: str, content: bytes, filename: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    report = import_file(database_url, content, filename)
    assert report == ImportReport()


# --------------------------------------------------------------------------- a team's words


def test_status_words_map_to_each_types_own_states(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    said = ["In progress", "Ongoing", "Active", "Open", "New", "WIP", "Done", "Completed",
            "Closed", "Resolved"]  # fmt: skip
    expected = {
        "risk": ["open"] * 6 + ["closed"] * 4,
        "issue": ["in_progress", "open", "open", "open", "open", "in_progress"] + ["resolved"] * 4,
        "action": ["open"] * 6 + ["done"] * 4,
        "dependency": ["open"] * 6 + ["delivered"] * 4,
        "assumption": ["open"] * 6 + ["validated"] * 4,
        "decision": ["proposed"] * 6 + ["decided"] * 4,
    }
    rows = [[kind, f"{kind} {word}", word] for kind in expected for word in said]
    report = import_file(database_url, csv_bytes(["type", "title", "status"], *rows), "w.csv")
    assert (report.errors, report.warnings, len(report.created)) == ([], [], 60)
    with session_scope(database_url) as session:
        stored = dict(session.exec(select(RaidItem.title, RaidItem.status)).all())
    for kind, statuses in expected.items():
        assert [stored[f"{kind} {word}"] for word in said] == statuses, kind


def test_an_unknown_status_keeps_the_row_with_a_warning(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = new_project(session)
        closed = service.create_item(
            session, project=project, raid_type=RaidType.RISK, title="Old risk", actor=PM
        )
        service.close_item(session, item=closed, actor=PM)
    content = csv_bytes(
        ["key", "type", "title", "owner", "status"],
        ["", "action", "Send the minutes", BOB, "Purple"],
        ["APOLLO-R1", "risk", "Old risk renamed", "", "Parked?"],
    )
    report = import_file(database_url, content, "odd.csv")
    assert report.errors == [] and report.created == ["APOLLO-ACT1"]
    assert report.updated == ["APOLLO-R1"]
    assert [row for row, _ in report.warnings] == [2, 3]
    assert report.warnings[0][1].startswith("unknown status 'Purple' for an action: use open, done")
    with session_scope(database_url) as session:
        action = service.find_item(session, "APOLLO-ACT1")
        assert (action.status, action.owner) == ("open", BOB)
        risk = service.find_item(session, "APOLLO-R1")  # its status is not guessed at
        assert (risk.title, risk.status) == ("Old risk renamed", "closed")


def test_priority_is_the_impact_only_without_an_impact_column(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    alone = csv_bytes(
        ["Type", "Title", "Priority"],
        ["issue", "High one", "High"],
        ["issue", "Ranked first", "P1"],
        ["issue", "Ranked second", "p2"],
        ["issue", "Ranked fourth", "P4"],
        ["issue", "Numbered", "2"],
        ["issue", "Unreadable", "Soonish"],
    )
    report = import_file(database_url, alone, "priority.csv")
    assert report.unused_columns == [] and len(report.created) == 5
    assert report.errors == [
        (
            7,
            "priority must be high, medium or low, or a rank from 1 (P1, the highest) to 5, "
            "not 'Soonish'",
        )
    ]
    beside = csv_bytes(["Type", "Title", "Impact", "Priority"], ["risk", "Both columns", "2", "P1"])
    both = import_file(database_url, beside, "both.csv")
    assert both.unused_columns == [("", ["Priority"])]
    assert both.summary().endswith("; columns not used: 'Priority'")
    as_json = json.dumps([{"type": "risk", "title": "From JSON", "priority": "Low"}]).encode()
    assert import_file(database_url, as_json, "p.json").unused_columns == []
    with session_scope(database_url) as session:
        impact = dict(session.exec(select(RaidItem.title, RaidItem.impact)).all())
    assert impact == {
        "High one": 4,
        "Ranked first": 5,
        "Ranked second": 4,
        "Ranked fourth": 2,
        "Numbered": 4,  # a rank, as "P2"
        "Both columns": 2,
        "From JSON": 2,
    }


def test_a_done_column_closes_items_in_their_finished_state(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = new_project(session)
        open_risk = service.create_item(
            session, project=project, raid_type=RaidType.RISK, title="Vendor slip", actor=PM
        )
        wrong = service.create_item(
            session, project=project, raid_type=RaidType.ASSUMPTION, title="Cheap", actor=PM
        )
        service.close_item(session, item=wrong, actor=PM, status=RaidStatus.INVALIDATED)
        assert open_risk.key == "APOLLO-R1" and wrong.key == "APOLLO-A1"
    content = csv_bytes(
        ["Key", "Type", "Title", "Status", "Closed?"],
        ["APOLLO-R1", "risk", "Vendor slip", "Open", "Yes"],
        ["APOLLO-A1", "assumption", "Cheap", "", "y"],
        ["", "issue", "Build broken", "In progress", "✓"],
        ["", "action", "Send minutes", "", "No"],
        ["", "action", "Book room", "", ""],
        ["", "dependency", "Keys handed over", "", "Maybe later"],
        ["", "decision", "Go with B", "", "TRUE"],
        ["", "", "", "", "No"],  # a template's pre-filled tick, not an item
    )
    report = import_file(database_url, content, "done.csv")
    assert report.errors == [] and report.unused_columns == []
    assert report.updated == ["APOLLO-R1"] and report.unchanged == ["APOLLO-A1"]
    assert report.warnings == [
        (7, "completion 'Maybe later' is neither yes nor no, so it was not used")
    ]
    with session_scope(database_url) as session:
        stored = dict(session.exec(select(RaidItem.title, RaidItem.status)).all())
    assert stored == {
        "Vendor slip": "closed",
        "Cheap": "invalidated",  # finished already: not turned into "validated"
        "Build broken": "resolved",
        "Send minutes": "open",
        "Book room": "open",
        "Keys handed over": "open",
        "Go with B": "decided",
    }
    header = ["Type", "Title", "Completed", "Percent complete"]
    sheet = csv_bytes(header, ["action", "Half way", "50%", ""], ["action", "All", "100%", ""])
    report = import_file(database_url, sheet, "percent.csv")
    assert report.unused_columns == [("", ["Percent complete"])]  # a second completion column
    with session_scope(database_url) as session:
        stored = dict(session.exec(select(RaidItem.title, RaidItem.status)).all())
    assert (stored["Half way"], stored["All"]) == ("open", "done")


def test_columns_not_used_are_listed_once_per_sheet(database_url: str) -> None:
    with session_scope(database_url) as session:
        new_project(session)
    book = openpyxl.Workbook()
    risks = book.active
    risks.title = "Risks"
    risks.append(["Risk register"])
    risks.append(["ID", "Title", "Details", "Notes", "Risk score", "Colour", None, "Owner"])
    for n in range(1, 4):
        risks.append([f"R-{n}", f"Risk {n}", "text", "second description", 12, "red", None, ""])
    issues = book.create_sheet("Issues")
    issues.append(["Title", "Impact", "Trend"])
    issues.append(["Build broken", "High", "up"])
    out = io.BytesIO()
    book.save(out)
    report = import_file(database_url, out.getvalue(), "log.xlsx")
    assert report.errors == [] and len(report.created) == 4
    assert report.unused_columns == [
        ("Risks", ["Notes", "Risk score", "Colour"]),  # a second description, a recomputed score
        ("Issues", ["Trend"]),
    ]
    as_json = json.dumps(
        [{"title": "A", "type": "risk", "colour": "red"}, {"title": "B", "type": "risk"},
         {"title": "C", "type": "risk", "colour": "blue", "size": 3}]
    ).encode()  # fmt: skip
    assert import_file(database_url, as_json, "log.json").unused_columns == [
        ("", ["colour", "size"])
    ]
