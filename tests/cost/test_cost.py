"""Cost as people use it: the budget, actuals in chat and from a spreadsheet, the forecast at
completion by run rate, where each figure came from, and the burn chart (both databases)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.messages import Message
from bot.core.projects import get_project
from skills.cost import service
from skills.cost.models import CostFigure
from tests.helpers import BOB, PM, button, with_project


def figures(settings) -> dict[tuple[str, str], int]:
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(CostFigure))
        return {(f.period.isoformat()[:7], f.kind): f.amount_cents for f in rows}


def test_budget_actuals_and_the_forecast_stated(settings) -> None:
    chat = with_project(settings)
    assert "has no budget yet" in chat.send("spent €85k in September")[0].text
    reply = chat.send("/pmo cost budget 1.2m EUR --start 2026-09 --end 2027-06")[0]
    assert "*€1.20M* for Sep 2026 – Jun 2027" in reply.text
    chat.send("spent €85k in September on contractors")
    chat.send("/pmo cost actual Oct 2026 90,000")
    last = chat.send("actuals for November: 95k")[0].text
    assert figures(settings) == {
        ("2026-09", "actual"): 8_500_000,
        ("2026-10", "actual"): 9_000_000,
        ("2026-11", "actual"): 9_500_000,
    }
    # 270k spent + 90k a month (average of Sep–Nov) × 7 months (Dec–Jun) = 900k.
    assert "Forecast at completion *€900k*, €300k (25%) under the €1.20M budget" in last
    assert (
        "€270k spent to Nov 2026 + €90,000 a month (the average of Sep–Nov 2026) × 7 months" in last
    )

    shown = chat.send("/pmo cost")[0].text
    assert "Spent *€270k* to Nov 2026: 22% of the budget" in shown
    assert "the plan to date is €360k (€90,000, 25% under plan)" in shown  # 1.2M / 10 × 3
    assert "• Sep 2026 actual €85,000 (contractors) — /pmo command" not in shown
    assert "• Sep 2026 actual €85,000 (contractors) — console, <@U0ALICE>, 23 Nov 2026" in shown

    replaced = chat.send("/pmo cost actual Nov 2026 100k")[0].text
    assert "(was €95,000)" in replaced
    assert figures(settings)[("2026-11", "actual")] == 10_000_000
    chat.send("/pmo cost plan Jan 2027 100k")  # the alias's preset survives the prose reader
    assert figures(settings)[("2027-01", "plan")] == 10_000_000


def test_mistakes_get_a_clear_answer(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget €500k --end 2027-03")
    assert "in EUR, not USD" in chat.send("/pmo cost actual Oct 2026 $40k")[0].text
    assert "hasn't started yet" in chat.send("/pmo cost actual Jan 2027 40k")[0].text
    assert "Which month?" in chat.send("/pmo cost actual 40k")[0].text
    assert "How much?" in chat.send("/pmo cost actual Oct 2026 lots")[0].text
    assert "couldn't find an amount" in chat.send("/pmo cost budget a lot")[0].text
    assert "can't be negative" in chat.send("/pmo cost actual Oct 2026 -5k")[0].text
    assert "a currency I know" in chat.send("/pmo cost budget 100 --currency XYZ")[0].text
    assert "Which month" not in chat.send("spent 3 hours debugging the build")[0].text
    refused = chat.send("/pmo cost budget 1m", user=BOB)[0]
    assert refused.refused and "Only a PM of `apollo`" in refused.text
    assert figures(settings) == {}


def sheet(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def import_file(chat, name: str, content: bytes) -> str:
    message = Message(
        "/pmo cost import", PM, "C0APOLLO", "command", files=[{"name": name, "content": content}]
    )
    return chat.dispatcher.handle_message(message)[0].text


def test_an_import_reports_a_bad_row_and_keeps_the_rest(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 1.2m EUR --start 2026-09 --end 2027-06")
    content = sheet(
        [
            ["Apollo — cost report", ""],
            ["Month", "Actual", "Plan", "Notes"],
            ["2026-09", "85000", "", "contractors"],
            ["Smarch 2026", "90000", "", ""],
            ["Oct 2026", "€90k", "", ""],
            ["Nov 2026", "", "", ""],
            ["Dec 2026", "", "120,000", "hardware"],
        ]
    )
    text = import_file(chat, "costs.csv", content)
    assert "3 months saved, 2 rows with errors" in text
    assert "row 4: Smarch 2026 is not a month" in text
    assert "row 6: Nov 2026 has no actual or planned amount" in text
    expected = {
        ("2026-09", "actual"): 8_500_000,
        ("2026-10", "actual"): 9_000_000,
        ("2026-12", "plan"): 12_000_000,
    }
    assert figures(settings) == expected
    assert "3 months saved" in import_file(chat, "costs.csv", content)  # nothing twice
    assert figures(settings) == expected
    shown = chat.send("/pmo cost")[0].text
    assert "• Oct 2026 actual €90,000 — import costs.csv row 5, <@U0ALICE>" in shown


def test_an_xlsx_with_date_cells(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 300k GBP --start 2026-10 --end 2027-03")
    book = Workbook()
    sheet_ = book.active
    sheet_.append(["Period", "Spend", "Currency"])
    sheet_.append([datetime(2026, 10, 31), 40000.5, "GBP"])
    sheet_.append([date(2026, 11, 15), 60000, "EUR"])
    out = io.BytesIO()
    book.save(out)
    text = import_file(chat, "costs.xlsx", out.getvalue())
    assert "1 month saved, 1 row with errors" in text and "row 3: the currency is EUR" in text
    assert figures(settings) == {("2026-10", "actual"): 4_000_050}


def test_the_burn_chart_is_a_png(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 1.2m EUR --start 2026-09 --end 2027-06")
    chat.send("/pmo cost actual Sep 2026 85k")
    chat.send("/pmo cost actual Oct 2026 95k")
    reply = chat.send("/pmo cost chart")[0]
    assert reply.upload and reply.upload.content.startswith(b"\x89PNG")
    # 180k spent + 90k a month × 8 months = 900k; the newest figure says where and when.
    assert (
        "15% of €1.20M spent to Oct 2026 · forecast 75% at €90,000 a month · "
        "latest: /pmo command, 23 Nov 2026" in reply.text
    )


def test_livepmo_cost_import(database_url, tmp_path) -> None:
    from tests.core.test_cli import livepmo

    env = {"DATABASE_URL": database_url, "LIVEPMO_NOW": "2026-11-23T09:00:00+00:00"}
    setup = "/pmo project create apollo Apollo\n/pmo cost budget 1.2m EUR --end 2027-06\n"
    assert (
        livepmo("chat", "--channel", "C0APOLLO", "--user", PM, stdin=setup, env=env).returncode == 0
    )
    good = tmp_path / "costs.csv"
    good.write_bytes(sheet([["Month", "Actual"], ["2026-10", "90000"], ["2026-13", "5"]]))
    result = livepmo("cost", "import", str(good), "--project", "apollo", env=env)
    assert result.returncode == 0, result.stderr
    assert "1 month saved, 1 row with errors" in result.stdout and "row 3:" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sheet([["Month", "Actual"], ["someday", "1"]]))
    assert livepmo("cost", "import", str(bad), "--project", "apollo", env=env).returncode == 1
    missing = livepmo("cost", "import", str(tmp_path / "nope.csv"), "--project", "apollo", env=env)
    assert missing.returncode == 2 and "Cannot read" in missing.stderr


def test_a_decimal_comma_is_read_and_an_unclear_comma_refused(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 500k EUR --start 2026-09 --end 2027-06")
    chat.send("/pmo cost actual Nov 2026 45,000")
    assert "*€12,500* (was €45,000)" in chat.send("/pmo cost actual Nov 2026 12,5k")[0].text
    assert "Oct 2026 actual: *€3,500*" in chat.send("spent 3,5k in october")[0].text
    chat.send("/pmo cost plan Jan 2027 1,25m")
    for unclear in ("/pmo cost actual Sep 2026 1,2345", "spent 1,234,5 in september"):
        assert "I can't tell what `1,2" in chat.send(unclear)[0].text
    assert "Is `1.250` 1,250 or 1.25?" in chat.send("/pmo cost actual Sep 2026 €1.250")[0].text
    assert "can't read `1e12` as an amount" in chat.send("cost actual Sep 2026 1e12")[0].text
    assert figures(settings) == {
        ("2026-10", "actual"): 350_000,
        ("2026-11", "actual"): 1_250_000,
        ("2027-01", "plan"): 125_000_000,
    }


def test_an_import_refuses_a_repeated_month(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 500k EUR --start 2026-09 --end 2027-06")
    content = sheet(
        [
            ["Month", "Actual", "Plan"],
            ["2026-09", "€38,500", "40000"],
            ["Oct 2026", "41k", "40000"],
            ["2026-11", "45000", "42000"],
            ["2026-10", "5000", ""],
            ["2026-12", "3,5k", "1,2345"],
            ["2027-01", "1e5", "10k"],
            ["2027-02", "-", "110000"],  # a dash is no actual: the plan is kept
        ]
    )
    text = import_file(chat, "costs.csv", content)
    assert "4 months saved, 3 rows with errors" in text
    assert "row 7: I couldn't find an amount" in text  # "1e5" is never 1
    assert "row 5: Oct 2026 repeats row 3" in text
    assert "row 6: I can't tell what 1,2345 means" in text  # and Dec's actual is not saved
    assert figures(settings) == {
        ("2026-09", "actual"): 3_850_000,
        ("2026-09", "plan"): 4_000_000,
        ("2026-10", "actual"): 4_100_000,
        ("2026-10", "plan"): 4_000_000,
        ("2026-11", "actual"): 4_500_000,
        ("2026-11", "plan"): 4_200_000,
        ("2027-02", "plan"): 11_000_000,
    }


def test_a_month_outside_the_budget_period_is_refused_and_one_plan_keeps_the_rest(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 300k EUR --start 2026-10 --end 2027-03")
    refused = chat.send("spent 7k in Nov 2025")[0].text
    assert "outside `apollo`'s budget period (Oct 2026 – Mar 2027)" in refused
    chat.send("/pmo cost actual Oct 2026 40k")
    chat.send("/pmo cost plan Oct 2026 80k")
    with session_scope(settings.database_url) as session:
        shown = service.picture(session, get_project(session, "apollo"))
    planned = shown.planned_by_month()
    assert planned[date(2026, 10, 1)] == 8_000_000 and planned[date(2026, 11, 1)] == 5_000_000


def test_money_said_as_spent_on_a_month_with_a_figure_asks_add_or_replace(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 500k EUR --start 2026-09 --end 2027-06")
    chat.send("/pmo cost actual Nov 2026 18k")
    asked = chat.send("spent €3,500 on licences in November")[0]
    assert "Is €3,500 more spend (total €21,500) or Nov 2026's new total?" in asked.text
    assert figures(settings)[("2026-11", "actual")] == 1_800_000  # nothing saved yet
    add = f"!press cost_add {button(asked, 'cost_add')}"
    assert "Nov 2026 actual: *€21,500* (was €18,000)" in chat.send(add)[0].text
    assert "Already saved: Nov 2026 actual is €21,500" in chat.send(add)[0].text  # pressed twice
    replace = f"!press cost_replace {button(asked, 'cost_replace')}"
    assert "has changed since I asked" in chat.send(replace)[0].text
    assert figures(settings)[("2026-11", "actual")] == 2_150_000
    refused = chat.send(add, user=BOB)[0]
    assert refused.refused and "Only a PM" in refused.text
    # A month without a figure, the same amount again, or the command: no question.
    assert "Oct 2026 actual: *€2,000*" in chat.send("spent 2k in October")[0].text
    assert "already has" not in chat.send("spent 2k in October")[0].text
    assert "(was €21,500)" in chat.send("/pmo cost actual Nov 2026 20k")[0].text
    assert "*€23,000* (was €20,000)" in chat.send("/pmo cost actual Nov 2026 3k --add")[0].text


def test_an_absurd_amount_is_refused_never_a_crash(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo cost budget 500k EUR --start 2026-09 --end 2027-06")
    for said in (f"/pmo cost actual Nov 2026 {'1' * 300}", f"spent {'1' * 29}k in November"):
        assert "more than I can believe" in chat.send(said)[0].text
    content = sheet([["Month", "Actual"], ["2026-10", "1000"], ["2026-11", "1" * 33]])
    reply = import_file(chat, "costs.csv", content)
    assert "more than I can believe" in reply
    assert figures(settings) == {("2026-10", "actual"): 100_000}
