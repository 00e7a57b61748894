"""Replies survive Slack's transient failures, and one channel's 429s hold up no other.

The mock Slack injects 500s, read timeouts and a 429 storm; the bot's own client and
`deliver` (or the real HTTP bot) face them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from bot.core.messages import Reply
from bot.slack import deliver as delivery
from bot.slack.app import web_client
from bot.slack.deliver import Origin, deliver, responder
from tests.slack_harness import payloads

CHANNELS = ("C0ONE", "C0TWO", "C0THREE")


@pytest.fixture(autouse=True)
def no_held_replies() -> Iterator[None]:
    yield
    delivery.held.cancel()


@pytest.fixture
def client(slack, slack_settings):
    return web_client(slack_settings, wait_out_rate_limits=False, timeout=1)


def three_replies() -> list[Reply]:
    return [Reply(text=f"reply {n}", to_channel=channel) for n, channel in enumerate(CHANNELS)]


def posted(slack) -> list[tuple[str, str]]:
    return [(c.args["channel"], c.args["text"]) for c in slack.calls("chat.postMessage") if c.ok]


def test_a_slack_500_is_retried_and_every_reply_goes_out(slack, client) -> None:
    slack.fail_next("chat.postMessage", status=500, times=2)
    deliver(client, three_replies(), Origin("U0ALICE", "C0ONE", "command"))
    assert posted(slack) == [(c, f"reply {n}") for n, c in enumerate(CHANNELS)]
    assert [c.status for c in slack.calls("chat.postMessage")][:3] == [500, 500, 200]


def test_a_reply_still_failing_is_logged_and_the_rest_still_go(slack, client, caplog) -> None:
    slack.fail_next("chat.postMessage", status=503, times=3)  # the first try and two retries
    deliver(client, three_replies(), Origin("U0ALICE", "C0ONE", "command"))
    assert posted(slack) == [("C0TWO", "reply 1"), ("C0THREE", "reply 2")]
    [lost] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "C0ONE" in lost.getMessage() or "internal_error" in lost.getMessage()


def slow_once(slack, seconds: float) -> None:
    """The next chat.postMessage answers after `seconds` (past the client's timeout)."""
    first = threading.Event()

    def answer(args: dict) -> dict:
        if not first.is_set():
            first.set()
            time.sleep(seconds)
        return {"ok": True, "channel": args.get("channel"), "ts": payloads.next_ts()}

    slack.set_answer("chat.postMessage", answer)


def test_a_read_timeout_is_retried_and_the_remaining_replies_go_out(slack, client) -> None:
    slow_once(slack, 2.5)
    deliver(client, three_replies(), Origin("U0ALICE", "C0ONE", "command"))
    texts = [c.args["text"] for c in slack.wait_for("chat.postMessage", count=4)]
    assert texts.count("reply 0") == 2  # the timed-out try, then the retry
    assert {"reply 1", "reply 2"} <= set(texts)


def test_a_response_url_500_is_retried(slack) -> None:
    url = slack.response_url("cmd")
    slack.fail_next("response_url", status=500)
    respond = responder(url)
    deliver(None, [Reply(text="done")], Origin("U0ALICE", "C0ONE", "command", respond=respond))  # type: ignore[arg-type]
    assert [c.status for c in slack.calls("response_url")] == [500, 200]


def wait_until(check, patience: float = 20.0):
    """Poll `check` until it returns something truthy, or `patience` seconds pass."""
    deadline = time.monotonic() + patience
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def posts_to(slack, channel: str) -> list:
    return [c for c in slack.calls("chat.postMessage") if c.args["channel"] == channel]


def test_a_429_storm_in_one_channel_does_not_hold_another(events, slack) -> None:
    """Channel A answers 429 with Retry-After 90 after its first post; channel B's reply is
    delivered while A's replies are still held (and no worker sleeps on them)."""
    slack.rate_limit("chat.postMessage", per_second=0.001, burst=1, retry_after=90,
                     per_channel=True)  # fmt: skip
    for _ in range(20):
        event = payloads.app_mention_event("<@UBOT> help", user="U0ALICE", channel="C0STORM")
        assert events.post_event(payloads.event_callback(event)).status_code == 200

    def storm_settled() -> bool:  # every reply to A posted or held
        posted = sum(c.ok for c in posts_to(slack, "C0STORM"))
        return posted + delivery.held.waiting().get("C0STORM", 0) == 20

    assert wait_until(storm_settled)
    event = payloads.app_mention_event("<@UBOT> help", user="U0BOB", channel="C0CALM")
    assert events.post_event(payloads.event_callback(event)).status_code == 200
    calm = wait_until(lambda: posts_to(slack, "C0CALM"), patience=10)
    assert [c.status for c in calm] == [200]
    assert sum(c.ok for c in posts_to(slack, "C0STORM")) == 1
    assert delivery.held.waiting()["C0STORM"] == 19  # A is still waiting out its 429


def test_held_replies_go_out_in_order_once_the_capped_wait_is_over(slack, client) -> None:
    """Retry-After 90 is waited only as long as the cap; the channel's replies then go out
    in the order they were given, and other channels never waited."""
    delivery.held.cancel()
    slack.fail_next("chat.postMessage", error="ratelimited", retry_after=90)
    original_cap, delivery.held.cap = delivery.held.cap, 0.2
    try:
        replies = [Reply(text=f"storm {n}", to_channel="C0STORM") for n in range(3)]
        deliver(
            client, [*replies, Reply(text="calm", to_channel="C0CALM")], Origin("U0A", None, "x")
        )
        assert posted(slack) == [("C0CALM", "calm")]
        assert wait_until(lambda: len(posted(slack)) == 4, patience=10)
    finally:
        delivery.held.cap = original_cap
    assert posted(slack)[1:] == [("C0STORM", f"storm {n}") for n in range(3)]
