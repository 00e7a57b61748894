"""Importing a register as teams keep it: a workbook with a cover sheet, merged title rows,
blank lines, a sheet per type, legends and footers; exports that show names and that a
spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import openpyxl
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.people import Person, StaticPeople
from bot.core.projects import create_project, require_project
from skills.raid import service
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType
from skills.raid.spreadsheets import ImportReport, export_items, import_rows, project_items
from tests.helpers import BOB, PM

PEOPLE = StaticPeople("Europe/London")
PEOPLE.add(Person(BOB, "Bob Jones", "Europe/London", email="bob@example.org"))
PEOPLE.add(Person(PM, "Alice Smith", "Europe/London"))


def register_workbook() -> bytes:
    """A realistic RAID template: 12 items over five sheets, and one row with a mistake."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Orion programme — RAID log"])
    cover.append(["How to use: one tab per type. Scores are 1-5."])

    risks = book.create_sheet("Risk Register")
    risks.append(["Orion programme — Risk Register"])
    risks.merge_cells("A1:H1")
    risks.append(["Last updated: 3 Nov 2026", None, None, "Version 4"])
    risks.append([])
    risks.append(
        ["Risk ID", "Risk Description", "Likelihood", "Consequence", "Risk Owner",
         "Target Date", "Response", "Status"]
    )  # fmt: skip
    risks.append(["R-001", "Supplier may go into administration before delivery", "High",
                  "Very High", "Legal team", "15/12/2026", "Second supplier on standby",
                  "Open"])  # fmt: skip
    risks.append(["R-002", "Key engineer could leave after bonus season", "30%", "3 - Medium",
                  "bob@example.org", datetime(2027, 1, 31), "Accept", "Open"])  # fmt: skip
    risks.append(["R-003", "Planning appeal fails", "L", "H", f"<@{BOB}>", "end of Jan",
                  "Early engagement with the council", "Closed"])  # fmt: skip
    risks.append(["R-004", "Cloud costs balloon", "Unclear", "Medium", "", "", "", "Open"])
    risks.append([None, "Total risks: 4"])
    risks.append([])
    risks.append(["Legend"])
    risks.append(["H", "High", "Likely to happen"])
    risks.append(["M", "Medium", "May happen"])

    issues = book.create_sheet("Issues")
    issues.append(["Issues log"])
    issues.append(["ID", "Summary", "Severity", "Owner", "Due", "Status"])
    issues.append(["I-001", "Test server down since Tuesday", "High", "Ops team", "Friday",
                   "In progress"])  # fmt: skip
    issues.append(["I-002", "Invoices two months late", "Medium", "Bob Jones", date(2026, 12, 4),
                   "Open"])  # fmt: skip

    actions = book.create_sheet("Actions")
    actions.append(["Ref", "Action", "Owner", "Due date", "Status"])
    actions.append(["A-01", "Circulate the revised plan", "Alice Smith", "2026-11-27", "Complete"])
    actions.append(["A-02", "Book the venue walkthrough", "Events team", "next Monday", "Open"])
    actions.append(["A-03", "Chase procurement for the PO", "", "", "Not started"])

    decisions = book.create_sheet("Decision Log")
    decisions.append([])
    decisions.append(["ID", "Decision", "Decided by", "Date", "Rationale"])
    decisions.append(["D-01", "Go with vendor B for hosting", "Steering group", "12 Nov 2026",
                      "Lower exit costs"])  # fmt: skip
    decisions.append(
        ["D-02", "Freeze scope for phase one", "Sponsor", "2026-11-02", "Protect the date"]
    )

    deps = book.create_sheet("Dependencies")
    deps.append(["Dependency", "Owner", "Need by", "Notes"])
    deps.append(["Landlord hands over the keys", "Estates", "4 Jan 2027", "Fit-out waits on it"])
    deps.append(["Security sign-off of the pen test", "", "", ""])
    deps.append(["Prepared by the PMO", None, None, None])  # a footer in the text column
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_register(url: str, content: bytes) -> ImportReport:
    with session_scope(url) as session:
        project = require_project(session, "orion")
        return import_rows(
            session, project=project, content=content, filename="raid.xlsx", actor=PM,
            people=PEOPLE,
        )  # fmt: skip


def test_a_register_template_imports_row_by_row(database_url: str) -> None:
    with session_scope(database_url) as session:
        create_project(session, key="orion", name="Orion", actor=PM)
    report = import_register(database_url, register_workbook())
    assert report.errors == [
        (
            "Risk Register!8",
            "probability must be 1-5 (or very low, low, medium, high, very high), not 'Unclear'",
        )
    ]
    assert len(report.created) == 12 and report.rows == 13
    with session_scope(database_url) as session:
        every = list(session.exec(select(RaidItem)))
        items = {i.external_ref: i for i in every if i.external_ref}
        r1, r2, r3 = items["R-001"], items["R-002"], items["R-003"]
        assert (r1.type, r1.title, r1.probability, r1.impact) == ("risk", r1.title, 4, 5)
        assert (r1.owner, r1.owner_name, r1.due_on) == (None, "Legal team", date(2026, 12, 15))
        assert r1.mitigation == "Second supplier on standby" and r1.status == "open"
        assert (r2.probability, r2.impact, r2.owner, r2.due_on) == (2, 3, BOB, date(2027, 1, 31))
        assert (r2.strategy, r2.mitigation) == ("accept", None)
        assert (r3.probability, r3.impact, r3.owner, r3.status) == (2, 4, BOB, "closed")
        assert r3.due_on == date(2027, 1, 31)  # "end of Jan", read as chat reads it
        i1, i2 = items["I-001"], items["I-002"]
        assert (i1.type, i1.impact, i1.owner_name, i1.status) == (
            "issue",
            4,
            "Ops team",
            "in_progress",
        )
        assert i1.due_on == date(2026, 11, 27)
        assert (i2.owner, i2.due_on) == (BOB, date(2026, 12, 4))  # "Bob Jones" is a Slack user
        a1, a2, a3 = items["A-01"], items["A-02"], items["A-03"]
        assert (a1.type, a1.title, a1.owner, a1.status) == ("action", a1.title, PM, "done")
        assert (a2.owner_name, a2.due_on, a2.status) == ("Events team", date(2026, 11, 30), "open")
        assert a3.status == "open"
        d1 = items["D-01"]
        assert (d1.type, d1.decided_by, d1.rationale) == (
            "decision",
            "Steering group",
            "Lower exit costs",
        )
        assert d1.due_on == date(2026, 11, 12) and d1.title == "Go with vendor B for hosting"
        deps = [i for i in every if i.type == RaidType.DEPENDENCY.value]
        assert sorted(d.title for d in deps) == [
            "Landlord hands over the keys",
            "Security sign-off of the pen test",
        ]
        assert "R-004" not in items  # the bad row wrote nothing
    again = import_register(database_url, register_workbook())
    assert again.created == [] and len(again.unchanged) == 12  # matched by their IDs


def test_exports_show_names_and_cannot_run_as_formulas(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = create_project(session, key="orion", name="Orion", actor=PM)
        service.create_item(
            session, project=project, raid_type=RaidType.RISK, actor=PM,
            title="=HYPERLINK(\"http://evil\") vendor", owner=BOB, mitigation="@SUM(A1)",
        )  # fmt: skip
        service.create_item(
            session, project=project, raid_type=RaidType.DEPENDENCY, actor=PM,
            title="+1 signature", owner_name="-Legal team", external_ref="D-9",
        )  # fmt: skip
    with session_scope(database_url) as session:
        items = project_items(session, require_project(session, "orion"))
        as_csv = export_items(session, items, "csv", PEOPLE).decode()
        as_xlsx = export_items(session, items, "xlsx", PEOPLE)
        as_json = json.loads(export_items(session, items, "json", PEOPLE))
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert (rows[0]["owner"], rows[0]["owner_name"], rows[0]["raised_by_name"]) == (
        BOB,
        "Bob Jones",
        "Alice Smith",
    )
    assert rows[0]["title"].startswith("'=") and rows[0]["mitigation"] == "'@SUM(A1)"
    assert rows[1]["title"] == "'+1 signature" and rows[1]["owner_name"] == "'-Legal team"
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx)).active
    header = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=header.index("title") + 1)
    assert title.data_type == "s" and title.quotePrefix and title.value.startswith("=")
    assert as_json[1]["external_ref"] == "D-9" and as_json[1]["owner_name"] == "-Legal team"
    for key in ("key", "type", "title", "owner", "date", "probability", "impact", "status",
                "links", "deleted"):  # fmt: skip
        assert key in as_json[0]


def tracker_workbook() -> bytes:
    """A register as a team keeps it: status words of their own, a Priority instead of an
    impact, a Done? tick on the action log, and columns the import has no field for."""
    book = openpyxl.Workbook()
    risks = book.active
    risks.title = "Risk Register"
    risks.append(["Vega — Risk Register"])
    risks.append(["Last updated: 3 Nov 2026"])
    risks.append([])
    risks.append(["Risk ID", "Risk Description", "Likelihood", "Impact", "Status", "Trend"])
    risks.append(["R-1", "Vendor may slip", "High", "Medium", "In progress", "Worse"])
    risks.append(["R-2", "Budget may be cut", "Low", "High", "Ongoing", "Same"])
    risks.append(["R-3", "Office move clashes", "Low", "Low", "Sideways", ""])
    risks.append(["R-4", "Licence lapses", "Low", "Low", "Done", ""])
    issues = book.create_sheet("Issues")
    issues.append(["Issues log"])
    issues.append(["ID", "Summary", "Priority", "Status"])
    issues.append(["I-1", "Test server down", "High", "WIP"])
    issues.append(["I-2", "Invoices late", "P1", "Active"])
    issues.append(["I-3", "Printer jammed", "P4", "Complete"])
    actions = book.create_sheet("Actions")
    actions.append(["Ref", "Action", "Owner", "Done?", "Comments"])
    actions.append(["A-1", "Circulate the revised plan", "Ops team", "Yes", "Sent on 3 Nov"])
    actions.append(["A-2", "Book the venue walkthrough", "Events team", "No", ""])
    actions.append(["A-3", "Chase procurement", "", "x", ""])
    decisions = book.create_sheet("Decisions")
    decisions.append(["ID", "Decision", "Status", "Completed"])
    decisions.append(["D-1", "Host with vendor B", "New", "No"])
    decisions.append(["D-2", "Freeze scope", "Open", "Yes"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_teams_own_words_priority_and_done_are_read(database_url: str) -> None:
    with session_scope(database_url) as session:
        create_project(session, key="orion", name="Orion", actor=PM)
    report = import_register(database_url, tracker_workbook())
    assert report.errors == []
    assert len(report.created) == 12
    assert report.warnings == [  # saved all the same, as a new risk: open
        (
            "Risk Register!7",
            "unknown status 'Sideways' for a risk: use open, monitoring, closed, converted "
            "(status not imported: a new risk is open)",
        )
    ]
    assert report.unused_columns == [("Risk Register", ["Trend"])]  # once, not once a row
    assert report.summary() == (
        "12 created, 0 updated, 0 unchanged, 0 rows with errors, 1 row with warnings; "
        "columns not used: Risk Register: 'Trend'"
    )
    with session_scope(database_url) as session:
        items = {i.external_ref: i for i in session.exec(select(RaidItem))}
        assert [items[f"R-{n}"].status for n in range(1, 5)] == ["open", "open", "open", "closed"]
        assert [items[f"I-{n}"].status for n in range(1, 4)] == ["in_progress", "open", "resolved"]
        assert [items[f"I-{n}"].impact for n in range(1, 4)] == [4, 5, 2]  # from the priority
        assert [items[f"A-{n}"].status for n in range(1, 4)] == ["done", "open", "done"]
        assert items["A-1"].title == "Circulate the revised plan"  # the action, not the comment
        assert items["A-1"].description == "Sent on 3 Nov"
        assert [items["D-1"].status, items["D-2"].status] == ["proposed", "decided"]
    again = import_register(database_url, tracker_workbook())
    assert again.created == [] and len(again.unchanged) == 12 and again.errors == []
