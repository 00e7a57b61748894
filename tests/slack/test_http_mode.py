"""HTTP mode end to end: signed Slack payloads in, Web API calls out (mock Slack)."""

import time

from bot.slack import listeners
from tests.slack_harness import payloads


def test_healthz(events) -> None:
    response = events.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_url_verification_is_answered(events) -> None:
    response = events.post_event(payloads.url_verification("challenge-123"))
    assert response.status_code == 200
    assert response.json()["challenge"] == "challenge-123"


def test_bad_signature_and_stale_timestamp_are_refused(events, slack) -> None:
    mention = payloads.event_callback(payloads.app_mention_event("<@UBOT> help", user="U0ALICE"))
    assert events.post_event(mention, bad_signature=True).status_code == 401
    stale = int(time.time()) - 6 * 60
    assert events.post_event(mention, timestamp=stale).status_code == 401
    time.sleep(0.3)
    assert slack.calls("chat.postMessage") == []


def test_mention_help_posts_once_in_the_thread(events, slack, monkeypatch) -> None:
    monkeypatch.setattr(listeners, "WORKING_AFTER_SECONDS", 0.0)  # as if the reply were slow
    event = payloads.app_mention_event("<@UBOT> help", user="U0ALICE", channel="C0APOLLO")
    response = events.post_event(payloads.event_callback(event))
    assert response.status_code == 200
    [post] = slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0APOLLO"
    assert post.args["thread_ts"] == event["ts"]
    assert "Here's what I can do" in post.args["text"]
    assert slack.wait_for("reactions.add")[0].args["name"] == "eyes"
    assert slack.wait_for("reactions.remove")[0].args["name"] == "eyes"


def test_a_retried_event_is_not_run_twice(events, slack) -> None:
    delivery = payloads.event_callback(payloads.app_mention_event("<@UBOT> help", user="U0ALICE"))
    assert events.post_event(delivery).status_code == 200
    slack.wait_for("chat.postMessage")
    retried = events.post_event(delivery, retry_num=1, retry_reason="http_timeout")
    assert retried.status_code == 200
    time.sleep(0.5)
    assert len(slack.calls("chat.postMessage")) == 1


def test_slash_command_is_acked_then_answered(events, slack) -> None:
    url = slack.response_url("cmd")
    response = events.post_command(
        payloads.slash_command("help", user="U0ALICE", channel="C0APOLLO", response_url=url)
    )
    assert response.status_code == 200
    [answer] = slack.wait_for("response_url")
    assert "Here's what I can do" in answer.args["text"]
    assert answer.args["response_type"] == "ephemeral"


def test_dm_conversation_and_bot_messages_ignored(events, slack) -> None:
    events.post_event(
        payloads.event_callback(
            payloads.message_im_event("/pmo project create apollo Apollo", user="U0ALICE")
        )
    )
    [post] = slack.wait_for("chat.postMessage")
    assert post.args["channel"].startswith("D")
    assert "Created project `apollo`" in post.args["text"]
    bot_echo = payloads.message_channel_event(
        "echo", user="U0ALICE", channel="D0ALICE", channel_type="im", bot_id="B0BOT"
    )
    events.post_event(payloads.event_callback(bot_echo))
    time.sleep(0.4)
    assert len(slack.calls("chat.postMessage")) == 1


def test_unknown_button_and_home_tab(events, slack) -> None:
    url = slack.response_url("btn")
    events.post_interactive(
        payloads.block_actions(
            "no_such_action", "x", user="U0ALICE", channel="C0APOLLO", response_url=url
        )
    )
    [answer] = slack.wait_for("response_url")
    assert "no longer does anything" in answer.args["text"]
    events.post_event(payloads.event_callback(payloads.app_home_opened_event("U0ALICE")))
    [publish] = slack.wait_for("views.publish")
    assert publish.args["user_id"] == "U0ALICE"
    assert publish.args["view"]["type"] == "home"


def test_user_text_is_escaped_in_replies(events, slack) -> None:
    event = payloads.message_im_event("raid show <!channel>", user="U0ALICE")  # echoed back
    events.post_event(payloads.event_callback(event))
    [post] = slack.wait_for("chat.postMessage")
    assert "<!channel>" not in post.args["text"]
    assert "&lt;!channel&gt;" in post.args["text"]
