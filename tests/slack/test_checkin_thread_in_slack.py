"""A check-in reported in a thread through Slack: one short post in the channel, the full
report inside its thread, a late update in the same thread; and a reply to the prompt in
the person's own words (no labels) is taken as their update because their prompt is open."""

from datetime import UTC, datetime

from bot.core import clock
from tests.slack.commands import CHANNEL, command, scheduler_at
from tests.slack_harness import payloads
from tests.status.chat import updates

IN_OWN_WORDS = "Spent the morning with the vendor on the contract"


def dm(events, slack, user: str, text: str, posts: int = 1) -> list:
    """DM the bot as `user`; the bot's `posts` posts in answer."""
    before = len(slack.calls("chat.postMessage"))
    events.post_event(payloads.event_callback(payloads.message_im_event(text, user=user)))
    return slack.wait_for("chat.postMessage", count=before + posts)[before:]


def test_a_check_in_reported_in_a_thread(events, slack, slack_settings) -> None:
    slack.set_user("U0CHEN", tz="Asia/Singapore", real_name="Chen")
    command(events, slack, "project create apollo Apollo --member <@U0BOB> <@U0CHEN>")
    command(events, slack, "checkin participants <@U0BOB> <@U0CHEN>")
    assert "thread" in command(events, slack, "checkin where thread")
    assert "are *on*" in command(events, slack, "checkin on")
    run_at = scheduler_at(slack, slack_settings)

    # Before Chen is asked, the same words are not taken as an update.
    clock.pin(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    dm(events, slack, "U0CHEN", IN_OWN_WORDS)
    assert updates(slack_settings, "U0CHEN") == []

    # Asked at 09:30 in Singapore, Chen answers in his own words: that is his update.
    [prompt] = run_at(datetime(2026, 11, 23, 1, 31, tzinfo=UTC))
    assert prompt.args["channel"] == "U0CHEN"
    clock.pin(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    thanks = dm(events, slack, "U0CHEN", IN_OWN_WORDS)
    assert "Got your update" in thanks[-1].args["text"]
    [saved] = updates(slack_settings, "U0CHEN")
    assert saved.checkin_id is not None and "vendor" in saved.text

    # Bob is asked and reminded, and does not answer in time.
    run_at(datetime(2026, 11, 23, 14, 31, tzinfo=UTC))
    run_at(datetime(2026, 11, 23, 17, 31, tzinfo=UTC))

    # The window closes: one short post in the channel, the full report in its thread.
    posted = run_at(datetime(2026, 11, 23, 18, 31, tzinfo=UTC))
    assert run_at(datetime(2026, 11, 23, 18, 31, tzinfo=UTC)) == []
    opener, full = [p for p in posted if p.args["channel"] == CHANNEL]
    assert "thread_ts" not in opener.args and "every update in the thread" in opener.args["text"]
    assert full.args["thread_ts"] == opener.response["ts"]
    assert "vendor" in full.args["text"] and "no answer: <@U0BOB>" in full.args["text"]

    # Bob answers late: into the same thread.
    clock.pin(datetime(2026, 11, 23, 18, 45, tzinfo=UTC))
    answer = dm(events, slack, "U0BOB", "Done: login page. Next: search. Blockers: none", 2)
    [late] = [p for p in answer if p.args["channel"] == CHANNEL]
    assert "Late update" in late.args["text"]
    assert late.args["thread_ts"] == opener.response["ts"]

    in_channel = slack.messages(CHANNEL)
    check_ins = [m for m in in_channel if "check-in" in m["text"] and "thread_ts" not in m]
    assert [m["ts"] for m in check_ins] == [opener.response["ts"]]
    threaded = [m["ts"] for m in in_channel if m.get("thread_ts") == opener.response["ts"]]
    assert threaded == [full.response["ts"], late.response["ts"]]
