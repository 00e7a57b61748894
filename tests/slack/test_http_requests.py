"""HTTP mode refuses bad requests cheaply: the body capped before it is read, the signature
checked before any parsing, and Slack bodies parsed by us (the "payload" trap)."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import select as query

from bot.core.db import session_scope
from bot.slack.http_requests import MAX_BODY_BYTES, parse_slack_body
from skills.raid.models import RaidItem
from tests.slack.conftest import SIGNING_SECRET
from tests.slack_harness import SlackSigner, payloads
from tests.slack_harness.flood import push_unsigned_body


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_unsigned_body_is_refused_without_being_read(bot, chunked) -> None:
    status, sent = push_unsigned_body(bot.url, chunked=chunked)
    assert status == 413
    # The bot stopped reading at the 1 MB cap: what went out is that plus socket buffers.
    assert sent < 32 * 1024 * 1024


def unsigned(url: str, body: bytes, content_type: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{url}/slack/events",
        content=body,
        headers={"Content-Type": content_type, **headers},
        timeout=10,
        trust_env=False,
    )


@pytest.mark.parametrize(
    ("body", "content_type", "headers"),
    [
        (b'{"type": "event_callback", "event": ', "application/json", {}),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded", {}),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded", {}),
        (
            b'{"type": "url_verification", "challenge": "x"}',
            "application/json",
            {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=abc"},
        ),
        (
            b'{"type": "url_verification", "challenge": "x"}',
            "application/json",
            {"X-Slack-Request-Timestamp": "1e99", "X-Slack-Signature": "v0=abc"},
        ),
    ],
    ids=["bad-json", "bad-payload-form", "not-utf8", "word-timestamp", "float-timestamp"],
)
def test_malformed_unsigned_requests_get_401_without_a_traceback(
    bot, caplog, body, content_type, headers
) -> None:
    caplog.set_level(logging.WARNING)
    response = unsigned(bot.url, body, content_type, **headers)
    assert response.status_code == 401
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_signed_body_slack_would_never_send_is_400(bot, caplog) -> None:
    body = b'["not", "an", "object"]'
    headers = {"Content-Type": "application/json", **SlackSigner(SIGNING_SECRET).headers(body)}
    response = httpx.post(
        f"{bot.url}/slack/events", content=body, headers=headers, timeout=10, trust_env=False
    )
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.exc_info]


def test_a_body_just_under_the_cap_is_still_read(bot) -> None:
    padding = "x" * (MAX_BODY_BYTES - 200)
    body = json.dumps({"type": "url_verification", "challenge": "c1", "pad": padding}).encode()
    headers = {"Content-Type": "application/json", **SlackSigner(SIGNING_SECRET).headers(body)}
    response = httpx.post(
        f"{bot.url}/slack/events", content=body, headers=headers, timeout=10, trust_env=False
    )
    assert response.status_code == 200 and response.json()["challenge"] == "c1"


def say(events, slack, text: str, user: str = "U0ALICE") -> str:
    answered = len(slack.calls("response_url"))
    url = slack.response_url(f"cmd-{answered}")
    response = events.post_command(
        payloads.slash_command(text, user=user, channel="C0APOLLO", response_url=url)
    )
    assert response.status_code == 200
    return slack.wait_for("response_url", count=answered + 1)[-1].args["text"]


def test_a_slash_command_saying_payload_is_answered(events, slack, slack_settings) -> None:
    say(events, slack, "project create apollo Apollo")
    answer = say(events, slack, "raid add risk: the webhook payload may exceed the limit")
    assert "payload" in answer.lower()
    with session_scope(slack_settings.database_url) as session:
        [item] = session.exec(query(RaidItem)).all()
    assert "payload" in item.title.lower()


def test_payload_word_in_every_other_kind_of_request(events, slack) -> None:
    """Events are JSON and interactions a lone `payload` field: the word anywhere else in
    them changes nothing."""
    event = payloads.app_mention_event("<@UBOT> help payload=1", user="U0ALICE")
    assert events.post_event(payloads.event_callback(event)).status_code == 200
    assert slack.wait_for("chat.postMessage")
    url = slack.response_url("btn")
    press = payloads.block_actions("payload", "payload", user="U0ALICE", response_url=url)
    assert events.post_interactive(press).status_code == 200
    assert "no longer does anything" in slack.wait_for("response_url")[0].args["text"]


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        (urlencode({"command": "/pmo", "text": "the payload is late"}), "application/x-www-form"
         "-urlencoded", {"command": "/pmo", "text": "the payload is late"}),
        (urlencode({"command": "/pmo", "text": "x", "payload": "{}"}),
         "application/x-www-form-urlencoded", {"command": "/pmo", "text": "x", "payload": "{}"}),
        (urlencode({"payload": json.dumps({"type": "block_actions"})}),
         "application/x-www-form-urlencoded", {"type": "block_actions"}),
        ('{"type": "event_callback", "text": "payload"}', "application/json; charset=utf-8",
         {"type": "event_callback", "text": "payload"}),
    ],
)  # fmt: skip
def test_slack_bodies_are_parsed_whatever_words_they_hold(raw, content_type, expected) -> None:
    assert parse_slack_body(raw, content_type) == expected
