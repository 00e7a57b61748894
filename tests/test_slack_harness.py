"""Tests of the offline Slack harness itself, driven by the real slack_sdk and slack-bolt."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.slack_harness import (
    FILE_DOWNLOAD,
    UPLOAD,
    AsyncSlackEventsClient,
    MockSlackWebAPI,
    MockSocketModeServer,
    SlackEventsClient,
    SlackSigner,
)
from tests.slack_harness import payloads as p
from tests.slack_harness.client import encode_command, encode_event, encode_interactive
from tests.slack_harness.http_server import LocalHTTPServer, Reply
from tests.slack_harness.signing import STALE_SECONDS

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib and slack_sdk's Socket Mode client would send 127.0.0.1 traffic to a proxy."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def slack() -> Iterator[MockSlackWebAPI]:
    with MockSlackWebAPI() as mock:
        yield mock


@pytest.fixture
def web(slack: MockSlackWebAPI) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=slack.url)


def bolt_app(slack: MockSlackWebAPI) -> App:
    """A Bolt app on the mock; the token must be on the client (App ignores token= then)."""
    client = WebClient(token=BOT_TOKEN, base_url=slack.url)
    return App(signing_secret=SECRET, client=client, process_before_response=True)


# -- Web API mock --------------------------------------------------------------------------


def test_post_message_is_recorded_with_args_token_and_incrementing_ts(
    slack: MockSlackWebAPI, web: WebClient
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Status*"}}]
    first = web.chat_postMessage(channel="C0001", text="Status", blocks=blocks, thread_ts="1.2")
    second = web.chat_postMessage(channel="C0001", text="again")

    assert (first["ts"], second["ts"]) == ("1700000000.000100", "1700000000.000200")
    assert first["message"]["blocks"] == blocks and first["channel"] == "C0001"
    call = slack.calls("chat.postMessage")[0]
    assert call.args == {"channel": "C0001", "text": "Status", "blocks": blocks, "thread_ts": "1.2"}
    assert call.token == BOT_TOKEN and call.status == 200 and call.ok
    assert [m["text"] for m in slack.messages("C0001")] == ["Status", "again"]


def test_form_encoded_calls_and_canned_answers(slack: MockSlackWebAPI, web: WebClient) -> None:
    slack.set_user("U0BOB", tz="America/New_York", is_admin=True, real_name="Bob Stone")
    slack.set_channel("C0APOLLO", name="apollo", members=["UBOT", "U0001", "U0BOB"])

    auth = web.auth_test()
    bob = web.users_info(user="U0BOB")["user"]
    anyone = web.users_info(user="U0NEW")["user"]
    page = web.conversations_members(channel="C0APOLLO", limit=2)
    rest = web.conversations_members(
        channel="C0APOLLO", cursor=page["response_metadata"]["next_cursor"]
    )
    dm = web.conversations_open(users="U0BOB")["channel"]["id"]
    to_user = web.chat_postMessage(channel="U0BOB", text="hello")

    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T0001")
    new_york = datetime.now(ZoneInfo("America/New_York")).utcoffset()
    assert new_york is not None
    assert (bob["tz"], bob["tz_offset"], bob["is_admin"]) == (
        "America/New_York",
        int(new_york.total_seconds()),
        True,
    )
    assert (anyone["tz"], anyone["is_admin"]) == ("Europe/London", False)
    assert page["members"] + rest["members"] == ["UBOT", "U0001", "U0BOB"]
    assert rest["response_metadata"]["next_cursor"] == ""
    assert web.conversations_info(channel="C0APOLLO")["channel"]["name"] == "apollo"
    assert dm == "D0BOB" and to_user["channel"] == "D0BOB"
    assert slack.calls("users.info")[0].args == {"user": "U0BOB"}
    assert web.api_call("some.unknownMethod")["ok"] is True


def test_wait_for_blocks_until_calls_arrive_and_times_out_with_a_summary(
    slack: MockSlackWebAPI, web: WebClient
) -> None:
    threading.Timer(
        0.1, lambda: web.reactions_add(channel="C1", timestamp="1.1", name="eyes")
    ).start()
    assert slack.wait_for("reactions.add", timeout=3)[0].args["name"] == "eyes"
    with pytest.raises(TimeoutError, match="reactions.add:200"):
        slack.wait_for("reactions.add", count=2, timeout=0.2)
    slack.reset()
    assert slack.calls() == []


def test_reactions_and_block_kit_limits_fail_as_slack_does(
    slack: MockSlackWebAPI, web: WebClient
) -> None:
    web.reactions_add(channel="C1", timestamp="1.1", name="eyes")
    with pytest.raises(SlackApiError) as twice:
        web.reactions_add(channel="C1", timestamp="1.1", name="eyes")
    assert twice.value.response["error"] == "already_reacted"
    web.reactions_remove(channel="C1", timestamp="1.1", name="eyes")
    assert slack.reactions("C1", "1.1") == set()

    too_many = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as blocks:
        web.chat_postMessage(channel="C1", text="x", blocks=too_many)
    assert blocks.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as no_auth:
        WebClient(base_url=slack.url).chat_postMessage(channel="C1", text="x")
    assert no_auth.value.response["error"] == "not_authed"


def test_history_replies_and_overridden_answers(slack: MockSlackWebAPI, web: WebClient) -> None:
    parent = slack.add_message("C1", "Risk: vendor late", user="U0BOB")
    reply = web.chat_postMessage(channel="C1", text="Logged R-7", thread_ts=parent["ts"])
    slack.set_answer("team.info", {"ok": True, "team": {"id": "T0001", "name": "Override"}})
    slack.set_answer("bots.info", lambda args: {"ok": True, "bot": {"id": args["bot"]}})

    thread = web.conversations_replies(channel="C1", ts=parent["ts"])["messages"]
    history = web.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in thread] == ["Risk: vendor late", "Logged R-7"]
    assert thread[1]["ts"] == reply["ts"] and [m["ts"] for m in history] == [parent["ts"]]
    assert web.team_info()["team"]["name"] == "Override"
    assert web.bots_info(bot="B0X")["bot"]["id"] == "B0X"


def test_views_open_update_and_publish(slack: MockSlackWebAPI, web: WebClient) -> None:
    modal = {
        "type": "modal",
        "callback_id": "raid",
        "title": {"type": "plain_text", "text": "RAID"},
    }
    opened = web.views_open(trigger_id=p.next_trigger_id(), view=modal)["view"]
    updated = web.views_update(view_id=opened["id"], view={**modal, "private_metadata": "P1"})
    web.views_publish(user_id="U0001", view={"type": "home", "blocks": []})

    assert updated["view"]["id"] == opened["id"] and updated["view"]["private_metadata"] == "P1"
    assert slack.calls("views.open")[0].args["view"]["callback_id"] == "raid"
    home = slack.home_view("U0001")
    assert home is not None and home["type"] == "home"


# -- rate limits and failures ------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(slack: MockSlackWebAPI, web: WebClient) -> None:
    slack.rate_limit("chat.postMessage", per_second=0.1, burst=1, retry_after=7)
    web.chat_postMessage(channel="C1", text="first")
    with pytest.raises(SlackApiError) as limited:
        web.chat_postMessage(channel="C1", text="second")

    response = limited.value.response
    assert (response.status_code, response["error"]) == (429, "ratelimited")
    assert response.headers["Retry-After"] == "7"
    assert slack.rate_limited_count("chat.postMessage") == 1
    assert [c.status for c in slack.calls("chat.postMessage")] == [200, 429]


def test_rate_limit_retry_handler_waits_retry_after_then_succeeds(slack: MockSlackWebAPI) -> None:
    slack.rate_limit("chat.postMessage", per_second=5, burst=1, retry_after=1)
    retrying = WebClient(
        token=BOT_TOKEN,
        base_url=slack.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )
    retrying.chat_postMessage(channel="C1", text="first")
    started = time.monotonic()
    assert retrying.chat_postMessage(channel="C1", text="second")["ok"]

    assert time.monotonic() - started >= 1.0  # slept Retry-After (+ jitter) before retrying
    assert [c.status for c in slack.calls("chat.postMessage")] == [200, 429, 200]


def test_per_channel_and_workspace_rate_limits(slack: MockSlackWebAPI, web: WebClient) -> None:
    slack.rate_limit("chat.postMessage", per_second=0.1, per_channel=True)
    web.chat_postMessage(channel="C1", text="a")
    web.chat_postMessage(channel="C2", text="b")
    with pytest.raises(SlackApiError):
        web.chat_postMessage(channel="C1", text="c")

    slack.workspace_rate_limit(per_second=0.1, burst=2)
    web.users_info(user="U1")
    web.auth_test()
    with pytest.raises(SlackApiError):
        web.conversations_info(channel="C3")
    assert slack.rate_limited_count() == 2


def test_fail_next_injects_each_kind_of_failure_once(
    slack: MockSlackWebAPI, web: WebClient
) -> None:
    slack.fail_next("chat.postMessage", status=500)
    slack.fail_next("chat.postMessage", error="channel_not_found")
    slack.fail_next("chat.postMessage", error="ratelimited", retry_after=3)
    outcomes = []
    for _ in range(3):
        with pytest.raises(SlackApiError) as failed:
            web.chat_postMessage(channel="C1", text="x")
        response = failed.value.response
        outcomes.append((response.status_code, response["error"]))

    assert outcomes == [(500, "internal_error"), (200, "channel_not_found"), (429, "ratelimited")]
    assert web.chat_postMessage(channel="C1", text="x")["ok"]


# -- files and response URLs -------------------------------------------------------------------


def test_files_info_and_download_record_the_bearer_token(
    slack: MockSlackWebAPI, web: WebClient
) -> None:
    content = b"%PDF-1.4 plan \x00\xff"
    slack.add_file("F0PLAN", "plan.pdf", content, "application/pdf")
    info = web.files_info(file="F0PLAN")["file"]
    url = info["url_private_download"]
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {BOT_TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        downloaded = response.read()
    with urllib.request.urlopen(url, timeout=5) as response:
        anonymous = (response.headers.get_content_type(), response.read())

    assert url.startswith(slack.base) and info["size"] == len(content)
    assert downloaded == content
    assert anonymous[0] == "text/html" and b"Sign in" in anonymous[1]  # Slack's answer, not 401
    download = slack.calls(FILE_DOWNLOAD)[0]
    assert download.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert download.args == {"file_id": "F0PLAN", "name": "plan.pdf"}
    with pytest.raises(SlackApiError):
        web.files_info(file="F0MISSING")


def test_files_upload_v2_goes_through_all_three_steps(
    slack: MockSlackWebAPI, web: WebClient
) -> None:
    upload = web.files_upload_v2(
        channel="C1", content=b"id,title\n1,Risk", filename="raid.csv", title="RAID log"
    )

    methods = [c.method for c in slack.calls()]
    assert methods == ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]
    file_id = upload["file"]["id"]
    assert slack.calls(UPLOAD)[0].args["content"] == b"id,title\n1,Risk"
    complete = slack.calls("files.completeUploadExternal")[0].args
    assert complete["files"] == [{"id": file_id, "title": "RAID log"}]
    assert complete["channel_id"] == "C1"
    assert web.files_info(file=file_id)["file"]["mimetype"] == "text/csv"


def test_response_url_posts_are_recorded_by_name(slack: MockSlackWebAPI) -> None:
    WebhookClient(slack.response_url("standup")).send(text="Done", response_type="ephemeral")
    calls = slack.response_url_calls("standup")
    assert [c.args for c in calls] == [{"text": "Done", "response_type": "ephemeral"}]
    assert slack.response_url_calls("other") == []


# -- signing and payloads through Bolt ------------------------------------------------------------


def test_signer_headers_pass_signature_verifier_unless_stale_or_forged() -> None:
    signer, verifier = SlackSigner(SECRET), SignatureVerifier(SECRET)
    body = encode_event(p.event_callback(p.app_mention_event("<@UBOT> hi")))[0]
    stale = int(time.time()) - STALE_SECONDS - 1

    assert verifier.is_valid_request(body, signer.headers(body))
    assert not verifier.is_valid_request(body, signer.headers(body, stale))
    assert not verifier.is_valid_request(body, signer.headers(body, bad_signature=True))
    assert not verifier.is_valid_request(body + b" ", signer.headers(body))


def dispatch(app: App, body: bytes, content_type: str) -> Any:
    headers = {"content-type": content_type, **SlackSigner(SECRET).headers(body)}
    return app.dispatch(BoltRequest(body=body.decode(), headers=headers))


def test_payload_builders_reach_the_matching_bolt_listeners(slack: MockSlackWebAPI) -> None:
    app, seen = bolt_app(slack), []

    @app.event("app_mention")
    def on_mention(event: dict[str, Any]) -> None:
        seen.append(("mention", event["text"], event.get("thread_ts")))

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        files = [f["name"] for f in event.get("files", [])]
        seen.append(("message", event["channel_type"], event.get("subtype"), files))

    @app.event("file_shared")
    def on_file(event: dict[str, Any]) -> None:
        seen.append(("file_shared", event["file_id"]))

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any]) -> None:
        seen.append(("home", event["user"]))

    @app.command("/pmo")
    def on_command(ack: Any, respond: Any, command: dict[str, str]) -> None:
        ack()
        respond(f"ran {command['text']}")

    @app.action("raid_close")
    def on_action(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(("action", body["actions"][0]["value"], body["container"]["message_ts"]))

    @app.action("home_refresh")
    def on_home_action(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(("home_action", body["container"]["type"], body["view"]["type"]))

    @app.view("raid_new")
    def on_view(ack: Any, view: dict[str, Any]) -> None:
        ack()
        title = view["state"]["values"]["title"]["title_input"]["value"]
        seen.append(("view", title, view["private_metadata"]))

    @app.shortcut("raid_from_message")
    def on_shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
        ack()
        seen.append(("shortcut", shortcut["message"]["text"]))

    slack.add_file("F0NOTES", "notes.txt", b"notes", "text/plain")
    events = [
        p.app_mention_event("<@UBOT> status", thread_ts="1710000000.000001"),
        p.message_im_event("hello"),
        p.message_file_share_event([slack.file_json("F0NOTES")], "see file"),
        p.message_channel_event("my own post", "UBOT", bot_id="BBOT"),  # Bolt ignores its own
        p.file_shared_event("F0NOTES"),
        p.app_home_opened_event("U0001"),
    ]
    statuses = [dispatch(app, *encode_event(p.event_callback(e))).status for e in events]
    command = p.slash_command("status apollo", response_url=slack.response_url("cmd"))
    statuses.append(dispatch(app, *encode_command(command)).status)
    values = p.state_values({"title": {"title_input": "Vendor late"}})
    for payload in (
        p.block_actions("raid_close", "R-7", message_ts="1700000000.000100"),
        p.block_actions("home_refresh", view={"id": "V0HOME", "type": "home", "blocks": []}),
        p.view_submission("raid_new", values, private_metadata="apollo"),
        p.message_action("raid_from_message", "Supplier slipped two weeks"),
    ):
        statuses.append(dispatch(app, *encode_interactive(payload)).status)
    challenge = dispatch(app, *encode_event(p.url_verification("c-123")))

    assert statuses == [200] * 11
    assert seen == [
        ("mention", "<@UBOT> status", "1710000000.000001"),
        ("message", "im", None, []),
        ("message", "channel", "file_share", ["notes.txt"]),
        ("file_shared", "F0NOTES"),
        ("home", "U0001"),
        ("action", "R-7", "1700000000.000100"),
        ("home_action", "view", "home"),
        ("view", "Vendor late", "apollo"),
        ("shortcut", "Supplier slipped two weeks"),
    ]
    assert [c.args["text"] for c in slack.response_url_calls("cmd")] == ["ran status apollo"]
    assert challenge.status == 200 and "c-123" in challenge.body


class _BoltRouter:
    """Hands HTTP requests to a Bolt app, as the bot's ``POST /slack/events`` does."""

    def __init__(self, app: App) -> None:
        self.app = app

    def handle(
        self, verb: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        if (verb, path) != ("POST", "/slack/events"):
            return Reply(404, b"", "text/plain")
        response = self.app.dispatch(BoltRequest(body=body.decode(), query=query, headers=headers))
        content_type = response.headers.get("content-type", ["text/plain"])[0]
        return Reply(response.status, response.body.encode(), content_type)


def test_events_clients_sign_and_post_over_http(slack: MockSlackWebAPI) -> None:
    app, retries = bolt_app(slack), []

    @app.event("app_mention")
    def on_mention(request: BoltRequest) -> None:
        retries.append(request.headers.get("x-slack-retry-num", [None])[0])

    @app.command("/pmo")
    def on_command(ack: Any) -> None:
        ack("pong")

    server = LocalHTTPServer(("127.0.0.1", 0), _BoltRouter(app))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with SlackEventsClient(base, SECRET) as client:
            mention = p.event_callback(p.app_mention_event("<@UBOT> hi"))
            assert client.post_event(mention, retry_num=1).status_code == 200
            assert client.post_command(p.slash_command("ping")).text == "pong"
            assert client.post_event(mention, bad_signature=True).status_code == 401
            stale = int(time.time()) - STALE_SECONDS - 1
            assert client.post_event(mention, timestamp=stale).status_code == 401

        async def post_async() -> int:
            async with AsyncSlackEventsClient(base, SECRET) as client:
                return (await client.post_event(mention)).status_code

        assert asyncio.run(post_async()) == 200
        assert retries == ["1", None]
    finally:
        server.shutdown()
        server.server_close()


# -- Socket Mode ----------------------------------------------------------------------------------


def test_socket_mode_handler_connects_acks_and_replies(slack: MockSlackWebAPI) -> None:
    with MockSocketModeServer() as socket_server:
        slack.socket_mode(socket_server)
        app = bolt_app(slack)

        @app.event("app_mention")
        def on_mention(event: dict[str, Any], say: Any) -> None:
            say(text=f"On it, <@{event['user']}>", thread_ts=event["ts"])

        @app.command("/pmo")
        def on_command(ack: Any) -> None:
            ack("pong")

        handler = SocketModeHandler(app, "xapp-test")
        try:
            handler.connect()
            socket_server.wait_for_connection()
            mention = p.app_mention_event("<@UBOT> status", user="U0BOB", ts="1710000000.000042")
            event_envelope = socket_server.send_envelope("events_api", p.event_callback(mention))
            command_envelope = socket_server.send_envelope(
                "slash_commands", p.slash_command("ping")
            )

            assert socket_server.wait_for_ack(event_envelope).payload is None
            assert socket_server.wait_for_ack(command_envelope).payload == {"text": "pong"}
            reply = slack.wait_for("chat.postMessage")[0]
            assert reply.args["text"] == "On it, <@U0BOB>"
            assert reply.args["thread_ts"] == "1710000000.000042"

            socket_server.send_disconnect()  # Slack's periodic refresh: the client reconnects
            socket_server.wait_for_connection(count=2)
            # An ack over the new connection also means the client finished reconnecting;
            # closing mid-reconnect races inside slack_sdk (AttributeError in disconnect).
            again = socket_server.send_envelope("slash_commands", p.slash_command("again"))
            assert socket_server.wait_for_ack(again).payload == {"text": "pong"}
        finally:
            handler.close()
    opened = slack.calls("apps.connections.open")
    assert len(opened) == 2 and opened[0].token == "xapp-test"
