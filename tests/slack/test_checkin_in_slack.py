"""A check-in day through Slack: prompts by users.info timezone, a DM update, a reminder,
one report in the channel, a blocker logged as a RAID issue with a real button click, and
a late update in the report's thread."""

from datetime import UTC, datetime

from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from skills.raid.models import RaidItem
from tests.slack.commands import CHANNEL, command, scheduler_at
from tests.slack_harness import payloads


def test_a_check_in_day_in_slack(events, slack, slack_settings) -> None:
    slack.set_user("U0CHEN", tz="Asia/Singapore", real_name="Chen")
    assert "Created project" in command(
        events, slack, "project create apollo Apollo --member <@U0BOB> <@U0CHEN>"
    )
    command(events, slack, "checkin participants <@U0BOB> <@U0CHEN>")
    assert "are *on*" in command(events, slack, "checkin on")
    run_at = scheduler_at(slack, slack_settings)

    # 09:30 in Singapore (01:30 UTC): only Chen, by the timezone users.info gives.
    [prompt] = run_at(datetime(2026, 11, 23, 1, 31, tzinfo=UTC))
    assert prompt.args["channel"] == "U0CHEN"
    events.post_event(
        payloads.event_callback(
            payloads.message_im_event(
                "Done: parser merged. Next: wire the API. Blockers: waiting on API keys",
                user="U0CHEN",
            )
        )
    )
    assert "Got your update" in slack.wait_for("chat.postMessage", count=2)[-1].args["text"]

    # 09:30 in New York: Bob is asked (with the weekly summary and the PM digest due by
    # then), does not answer, and is reminded once.
    to_bob = [
        c
        for c in run_at(datetime(2026, 11, 23, 14, 31, tzinfo=UTC))
        if c.args["channel"] == "U0BOB"
    ]
    assert len(to_bob) == 1 and "check-in" in to_bob[0].args["text"]
    [reminder] = run_at(datetime(2026, 11, 23, 17, 31, tzinfo=UTC))
    assert reminder.args["channel"] == "U0BOB"

    # The window closes: one report in the channel, however often the scheduler runs.
    [report] = run_at(datetime(2026, 11, 23, 18, 31, tzinfo=UTC))
    assert run_at(datetime(2026, 11, 23, 18, 31, tzinfo=UTC)) == []
    assert report.args["channel"] == CHANNEL and "Waiting on API keys" in report.args["text"]
    assert "thread_ts" not in report.args  # top-level: it opens the check-in's thread
    elements = [
        e for b in report.args["blocks"] for e in [*b.get("elements", []), b.get("accessory") or {}]
    ]
    button = next(e for e in elements if e.get("action_id") == "checkin_log_blocker")

    before_click = len(slack.calls("chat.postMessage"))
    click = payloads.block_actions(
        "checkin_log_blocker",
        button["value"],
        user="U0ALICE",
        channel=CHANNEL,
        response_url=slack.response_url("click"),
    )
    assert events.post_interactive(click).status_code == 200
    posts = slack.wait_for("chat.postMessage", count=before_click + 2)
    assert any(p.args["channel"] == "U0CHEN" and "APOLLO-I1" in p.args["text"] for p in posts)
    with session_scope(slack_settings.database_url) as session:
        issue = session.exec(select(RaidItem)).one()
    assert (issue.key, issue.type, issue.owner) == ("APOLLO-I1", "issue", "U0CHEN")

    # Bob answers late: his update goes into the thread of the report that went out.
    clock.pin(datetime(2026, 11, 23, 18, 45, tzinfo=UTC))
    before_late = len(slack.calls("chat.postMessage"))
    events.post_event(
        payloads.event_callback(
            payloads.message_im_event(
                "Done: login page. Next: search. Blockers: waiting on design review",
                user="U0BOB",
            )
        )
    )
    posts = slack.wait_for("chat.postMessage", count=before_late + 2)[before_late:]
    [late] = [p for p in posts if p.args["channel"] == CHANNEL]
    assert "Late update" in late.args["text"] and "design review" in late.args["text"]
    assert late.args["thread_ts"] == report.response["ts"]
    in_channel = slack.messages(CHANNEL)
    [reported] = [m for m in in_channel if "check-in" in m["text"] and "thread_ts" not in m]
    assert reported["ts"] == report.response["ts"]
    assert [m["ts"] for m in in_channel if m.get("thread_ts")] == [late.response["ts"]]
