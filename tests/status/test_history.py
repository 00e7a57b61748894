"""History, participation stats, the CLI (export, show, set) and the summary's statuses."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import typer
from click.testing import Result
from typer.testing import CliRunner

from bot.core import clock
from bot.core.db import session_scope
from bot.core.projects import require_project
from skills.status.cli import checkin_app, status_app
from skills.status.service import latest_statuses
from skills.summary.builder import project_summary
from tests.helpers import BOB, CHEN, STRANGER
from tests.status.chat import Outbox, at, dm, with_checkins

app = typer.Typer()
app.add_typer(checkin_app, name="checkin")
app.add_typer(status_app, name="status")


def livepmo(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"DATABASE_URL": database_url})


def two_days(settings):
    """Mon: Bob and Chen answer (Chen red); Tue: Bob answers late (amber), Chen skips;
    Alice never answers (on Monday the check-in starts after her window: she is not asked)."""
    chat = with_checkins(settings)
    outbox = Outbox()
    clock.pin("2026-11-23T15:00:00+00:00")
    dm(chat, BOB, "Done: login page. Next: search. Blockers: none. Status: green")
    dm(chat, CHEN, "Done: parser. Next: API. Blockers: legal review. Status: red")
    at(settings, "2026-11-23T18:31:00", outbox)
    clock.pin("2026-11-24T10:00:00+00:00")
    chat.send("status skip", user=CHEN)
    at(settings, "2026-11-24T18:31:00", outbox)
    clock.pin("2026-11-24T19:00:00+00:00")
    dm(chat, BOB, "Done: search. Next: billing. Blockers: none. Status: amber")
    return chat


def test_history_and_stats(settings) -> None:
    chat = two_days(settings)
    mine = chat.send("/pmo status history", user=BOB)[0].text
    assert mine.index("Tue 24 Nov _late_") < mine.index("Mon 23 Nov")
    assert "*Done:* Search" in mine and ":large_green_circle: on track" in mine
    chen = chat.send(f"/pmo status history <@{CHEN}>")[0].text
    assert "Tue 24 Nov — _skipped_" in chen and "*Blockers:* Legal review" in chen
    outsider = chat.send(f"/pmo status history <@{STRANGER}>")[0].text
    assert "is not in `apollo`" in outsider
    stats = chat.send("/pmo status stats --days 7")[0].text
    assert "<@U0BOB> *100%* — 2 of 2 answered (1 late) · 0 skipped · 0 missed" in stats
    assert "<@U0CHEN> *50%* — 1 of 2 answered (0 late) · 1 skipped · 0 missed" in stats
    assert "<@U0ALICE> *0%* — 0 of 1 answered (0 late) · 0 skipped · 1 missed" in stats
    assert "*Project:* 60% — 3 of 5 answers given." in stats
    assert "--days needs a number" in chat.send("/pmo status stats --days lots")[0].text


def test_export_and_cli_settings(settings) -> None:
    two_days(settings)
    url = settings.database_url
    as_csv = livepmo(url, "status", "export", "--project", "apollo", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["user"], r["checkin_day"], r["late"], r["skipped"]) for r in rows] == [
        (BOB, "2026-11-23", "False", "False"),
        (CHEN, "2026-11-23", "False", "False"),
        (CHEN, "2026-11-24", "False", "True"),
        (BOB, "2026-11-24", "True", "False"),
    ]
    assert rows[1]["blockers"] == "Legal review" and rows[1]["rag"] == "red"
    out = settings.chroma_path.parent / "updates.json"
    as_json = livepmo(
        url, "status", "export", "--project", "apollo", "--format", "json", "--output", str(out)
    )
    assert as_json.exit_code == 0 and "Wrote 4 updates of apollo" in as_json.stdout
    saved = json.loads(out.read_text())
    assert saved[0]["done"] == ["Login page"] and saved[0]["blockers"] == []
    assert livepmo(url, "status", "export", "--project", "apollo", "--format", "xml").exit_code == 2
    assert "no project nope" in livepmo(url, "status", "export", "--project", "nope").stderr

    shown = livepmo(url, "checkin", "show", "--project", "apollo")
    assert shown.exit_code == 0 and "Mon–Fri at 09:30" in shown.stdout
    changed = livepmo(
        url,
        "checkin",
        "set",
        "--project",
        "apollo",
        "--time",
        "10:15",
        "--days",
        "mon-thu",
        "--window",
        "3h",
        "--participant",
        BOB,
        "--participant",
        CHEN,
        "--holiday",
        "2026-12-24",
    )
    assert changed.exit_code == 0, changed.output
    assert (
        "Mon, Tue, Wed, Thu at 10:15" in changed.stdout and "Holidays: Thu 24 Dec" in changed.stdout
    )
    bad = livepmo(
        url, "checkin", "set", "--project", "apollo", "--time", "10:15", "--days", "funday"
    )
    assert bad.exit_code == 2 and "funday is not a day" in bad.stderr
    outsider = livepmo(url, "checkin", "set", "--project", "apollo", "--participant", STRANGER)
    assert outsider.exit_code == 2 and "not in apollo" in outsider.stderr
    assert "10:15" in livepmo(url, "checkin", "show", "--project", "apollo").stdout


def test_latest_statuses_feed_the_summary(settings) -> None:
    two_days(settings)
    now = clock.now()
    with session_scope(settings.database_url) as session:
        project = require_project(session, "apollo")
        statuses = latest_statuses(session, project, now=now)
        summary = project_summary(
            session, project, since=now - timedelta(days=7), now=now, statuses=statuses
        )
        old = latest_statuses(session, project, now=now + timedelta(days=30))
    assert statuses == ["amber", "red"]  # each person's latest stated status
    assert summary.health == ("amber", ["1 check-in red"])
    assert old == []
