"""Exactly once per post: reminders across two processes, a `kill -9` mid-sweep, a summary
whose upload failed, a database lost mid-sweep, and uploads confirmed by Slack but not
recorded (mock Slack; SQLite and PostgreSQL)."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import Reply, Upload
from bot.scheduling import run_due
from scheduler import claims
from scheduler.models import Firing, FiringPost
from scheduler.posting import Journal
from skills.reminders.models import Reminder
from tests.helpers import BOB, CHEN, PM, console, with_project
from tests.scheduler.faults import (
    DUE,
    add_reminders,
    delivered,
    dms_by_user,
    kill_mid_sweep,
    rerun_after_lease,
    run_due_process,
    slack_poster,
)
from tests.scheduler.test_engine import directory
from tests.slack_harness import MockSlackWebAPI


def test_reminders_set_in_chat_fire_once_across_two_run_due_processes(settings) -> None:
    for user in (PM, BOB, CHEN):
        chat = console(settings, user=user, channel=None)
        for what in ("call the vendor", "send the report"):
            reply = chat.send(f"remind me tomorrow at 9 to {what} ({user})")[0]
            assert "I'll remind you" in reply.text, reply.text
    with session_scope(settings.database_url) as session:
        latest = max(clock.as_utc(r.first_due) for r in session.exec(select(Reminder)))
    clock.pin(None)
    processes = [
        run_due_process(settings.database_url, latest + timedelta(minutes=1)) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    printed = "".join(out for out, _ in outputs)
    for user in (PM, BOB, CHEN):
        for what in ("call the vendor", "send the report"):
            assert printed.count(f"{what} ({user})") == 1, printed
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(Firing).where(Firing.kind == "reminder")).all()
    assert len(rows) == 6 and {r.status for r in rows} == {"posted"}


def test_kill_9_mid_sweep_then_rerun_loses_and_repeats_nothing(settings) -> None:
    users = add_reminders(settings.database_url, 150)
    clock.pin(None)
    with MockSlackWebAPI() as slack:
        kill_mid_sweep(settings.database_url, slack, after=40)
        with session_scope(settings.database_url) as session:
            statuses = Counter(r.status for r in session.exec(select(Firing)))
        assert 40 <= delivered(slack) < 150 and statuses["claimed"] > 0, statuses
        rerun_after_lease(settings.database_url, slack)
        sent = dms_by_user(slack)
    assert sorted(sent) == users and set(sent.values()) == {1}
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(Firing)).all()
        posts = session.exec(select(FiringPost)).all()
    assert len(rows) == 150 and {r.status for r in rows} == {"posted"}
    assert len(posts) == 150 and all(p.ts for p in posts)


def test_a_summary_whose_upload_failed_resends_only_the_upload(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: supplier insolvency P4 I5")
    monday_9 = datetime(2026, 11, 23, 9, 1, tzinfo=UTC)
    with MockSlackWebAPI() as slack:
        poster = slack_poster(settings, slack)
        slack.fail_next("files.getUploadURLExternal", error="internal_error")
        first = run_due(settings.database_url, directory(), poster, now=monday_9)
        assert [p.split("@")[0] for p in first.failed] == ["summary:apollo"]
        retry = run_due(
            settings.database_url, directory(), poster, now=monday_9 + timedelta(minutes=3)
        )
        assert [p.split("@")[0] for p in retry.posted] == ["summary:apollo"]
        summaries = [
            c for c in slack.calls("chat.postMessage") if c.ok and c.args["channel"] == "C0APOLLO"
        ]
        uploads = [c for c in slack.calls("files.completeUploadExternal") if c.ok]
    assert len(summaries) == 1 and "Apollo" in summaries[0].args["text"]
    assert len(uploads) == 1
    with session_scope(settings.database_url) as session:
        steps = sorted(p.step for p in session.exec(select(FiringPost)))
        row = session.exec(select(Firing).where(Firing.kind == "summary")).one()
    assert steps == ["0.file", "0.message"] and row.attempts == 2


def database_gone(statement: str):
    """A `record_outcomes` that fails as a database lost mid-sweep does."""

    def record_outcomes(*args, **kwargs):
        raise OperationalError(statement, {}, Exception("server closed"))

    return record_outcomes


def test_a_summary_cut_off_after_slack_confirmed_its_upload_is_not_uploaded_again(
    settings, monkeypatch
) -> None:
    """Slack confirmed the message and the upload, then the firing's record was lost: the
    retry finds both by their markers (the upload's in its share message) and records them."""
    chat = with_project(settings)
    chat.send("raid add risk: supplier insolvency P4 I5")
    monday_9 = datetime(2026, 11, 23, 9, 1, tzinfo=UTC)

    with MockSlackWebAPI() as slack:
        poster = slack_poster(settings, slack)
        monkeypatch.setattr(
            "scheduler.engine.record_outcomes", database_gone("INSERT INTO schedule_posts")
        )
        with pytest.raises(Exception, match="server closed"):
            run_due(settings.database_url, directory(), poster, now=monday_9)
        monkeypatch.setattr("scheduler.engine.record_outcomes", claims.record_outcomes)
        retry = run_due(
            settings.database_url, directory(), poster, now=monday_9 + timedelta(minutes=11)
        )
        summaries = [
            c for c in slack.calls("chat.postMessage") if c.ok and c.args["channel"] == "C0APOLLO"
        ]
        uploads = [c for c in slack.calls("files.completeUploadExternal") if c.ok]
        [shared] = [m for m in slack.workspace.messages["C0APOLLO"] if m.get("files")]
    assert [p.split("@")[0] for p in retry.posted] == ["summary:apollo"]
    assert len(summaries) == 1 and len(uploads) == 1
    assert shared["blocks"][0]["elements"][0]["text"] == "RAID heat map"  # its caption
    with session_scope(settings.database_url) as session:
        posts = {p.step: p.ts for p in session.exec(select(FiringPost))}
    assert posts == {"0.message": summaries[0].response["ts"], "0.file": shared["ts"]}


def test_a_database_lost_mid_sweep_does_not_post_delivered_firings_again(
    settings, monkeypatch
) -> None:
    add_reminders(settings.database_url, 40)

    with MockSlackWebAPI() as slack:
        poster = slack_poster(settings, slack)
        monkeypatch.setattr(
            "scheduler.engine.record_outcomes", database_gone("UPDATE schedule_firings")
        )
        with pytest.raises(Exception, match="server closed"):
            run_due(settings.database_url, directory(), poster, now=DUE)
        assert sum(dms_by_user(slack).values()) == 40  # all delivered, none recorded
        monkeypatch.setattr("scheduler.engine.record_outcomes", claims.record_outcomes)
        soon = run_due(settings.database_url, directory(), poster, now=DUE + timedelta(minutes=1))
        assert not soon.posted and len(soon.skipped) == 40  # still held by the lost run's lease
        later = run_due(settings.database_url, directory(), poster, now=DUE + timedelta(minutes=11))
        sent = dms_by_user(slack)
    assert len(later.posted) == 40 and set(sent.values()) == {1} and len(sent) == 40


def test_a_file_shared_with_its_text_is_found_again_by_the_marker_of_its_share(
    settings,
) -> None:
    """A DM with a file and its text, delivered but not recorded: the retry finds the
    share (its text in a marked block, as it shows in Slack) and uploads nothing."""
    firing = "export:apollo@2026-11-23T09:00:00+00:00"
    reply = Reply(text="Your *RAID* export", to_user="U0BOB", upload=Upload("raid.csv", b"a,b\n"))
    with MockSlackWebAPI() as slack:
        poster = slack_poster(settings, slack)
        poster.deliver([reply], Journal(firing))
        again = Journal(firing, retry=True)
        poster.deliver([reply], again)
        uploads = [c for c in slack.calls("files.completeUploadExternal") if c.ok]
        [shared] = slack.workspace.messages["D0BOB"]
    assert len(uploads) == 1
    assert shared["blocks"][0]["text"]["text"] == "Your *RAID* export"
    assert again.made == [("0.file", "D0BOB", shared["ts"])]


def test_a_text_too_long_for_a_block_goes_unmarked_as_the_initial_comment(settings) -> None:
    """The one share the marker cannot ride on: it is uploaded again after a cut."""
    firing = "export:apollo@2026-11-23T09:00:00+00:00"
    reply = Reply(text="x" * 3500, to_channel="C0APOLLO", upload=Upload("raid.csv", b"a,b\n"))
    with MockSlackWebAPI() as slack:
        poster = slack_poster(settings, slack)
        poster.deliver([reply], Journal(firing))
        poster.deliver([reply], Journal(firing, retry=True))
        shares = [m for m in slack.workspace.messages["C0APOLLO"] if m.get("files")]
    assert [m["text"] for m in shares] == ["x" * 3500] * 2
