"""`LiveReply` against the mock Web API: one message, edited at most once a second (by the
clock it is given), taken over by the final reply through `deliver`, deleted if none does."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.messages import Reply
from bot.slack.deliver import Origin, deliver
from bot.slack.live import LiveReply
from tests.slack_harness import MockSlackWebAPI

CHANNEL, THREAD = "C0APOLLO", "1700000000.000100"


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def live_reply(slack: MockSlackWebAPI, clock: ManualClock) -> tuple[LiveReply, Origin]:
    client = WebClient(token="xoxb-test", base_url=slack.url)
    live = LiveReply(client, CHANNEL, THREAD, clock=clock)
    return live, Origin("U0ALICE", CHANNEL, "mention", THREAD, live=live)


def chat_calls(slack: MockSlackWebAPI) -> list[tuple[str, str]]:
    return [
        (c.method, c.args.get("text", "")) for c in slack.calls() if c.method.startswith("chat.")
    ]


def test_drafts_are_throttled_and_the_final_reply_edits_the_same_message(
    slack: MockSlackWebAPI,
) -> None:
    clock = ManualClock()
    live, origin = live_reply(slack, clock)
    for moment, text in [(0.0, "a"), (0.5, "ab"), (1.0, "abc"), (1.9, "abcd"), (2.0, "abcde")]:
        clock.now = 100.0 + moment
        live.show(text)
    final = Reply(
        text="abcdef", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]
    )
    deliver(live.client, [final, Reply(text="and a note")], origin)
    live.close()
    assert chat_calls(slack) == [
        ("chat.postMessage", "a"),
        ("chat.update", "abc"),  # a second after the post; "ab" came too soon
        ("chat.update", "abcde"),  # a second after that; "abcd" came too soon
        ("chat.update", "abcdef"),  # the reply, whenever it comes
        ("chat.postMessage", "and a note"),  # a second reply is a message of its own
    ]
    posted, *edits = [c for c in slack.calls() if c.method.startswith("chat.")][:4]
    assert posted.args["thread_ts"] == THREAD
    assert {e.args["ts"] for e in edits} == {posted.response["ts"]}
    assert edits[-1].args["blocks"] == final.blocks
    live.show("late")
    assert len(chat_calls(slack)) == 5  # no draft after the reply


def test_a_draft_no_reply_took_over_is_deleted(slack: MockSlackWebAPI) -> None:
    live, origin = live_reply(slack, ManualClock())
    live.show("a first grounded sentence")
    deliver(live.client, [Reply(text="Something went wrong", ephemeral=True)], origin)
    live.close()
    methods = [m for m, _ in chat_calls(slack)]
    assert methods == ["chat.postMessage", "chat.postEphemeral", "chat.delete"]


def test_a_draft_that_is_gone_or_failed_leaves_the_reply_posted_as_usual(
    slack: MockSlackWebAPI,
) -> None:
    live, origin = live_reply(slack, ManualClock())
    slack.fail_next("chat.postMessage", error="channel_not_found")
    live.show("a")  # refused: drafting stops, quietly
    live.show("ab")
    deliver(live.client, [Reply(text="abc")], origin)
    assert [m for m, _ in chat_calls(slack)] == ["chat.postMessage", "chat.postMessage"]

    live, origin = live_reply(slack, ManualClock())
    live.show("a")
    slack.fail_next("chat.update", error="message_not_found")  # deleted by someone meanwhile
    deliver(live.client, [Reply(text="abc")], origin)
    assert chat_calls(slack)[-2:] == [("chat.update", "abc"), ("chat.postMessage", "abc")]


def test_nothing_is_drafted_until_shown(slack: MockSlackWebAPI) -> None:
    live, origin = live_reply(slack, ManualClock())
    deliver(live.client, [Reply(text="the answer")], origin)
    live.close()
    assert chat_calls(slack) == [("chat.postMessage", "the answer")]
