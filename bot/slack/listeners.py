"""Bolt listeners: each turns a Slack payload into a neutral message and hands it on.

Every listener acknowledges first (Bolt acks events by itself) and does the
work afterwards on Bolt's worker threads, well inside Slack's 3 seconds.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.db import claim_delivery
from bot.core.dispatch import Dispatcher
from bot.core.messages import Action, Message, Shortcut, ViewSubmission
from bot.slack.deliver import Origin, deliver
from bot.slack.home import home_view

log = logging.getLogger(__name__)
ANY = re.compile(".*")
WORKING = "eyes"


def register_listeners(app: App, dispatcher: Dispatcher) -> None:
    """Attach every listener Live PMO needs to `app`."""
    database_url = dispatcher.settings.database_url

    @app.middleware
    def skip_retried_deliveries(body: dict[str, Any], next: Any) -> BoltResponse | None:
        """A delivery seen before (Slack retried it) is acknowledged and dropped."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not claim_delivery(database_url, f"event:{event_id}"):
            log.info("dropping repeated delivery %s", event_id)
            return BoltResponse(status=200, body="")
        return next()

    def converse(message: Message, client: WebClient, thread_ts: str | None) -> None:
        """Run a mention or DM with a working reaction, then reply."""
        react(client, "reactions_add", message)
        try:
            replies = dispatcher.handle_message(message)
            deliver(client, replies, Origin(message.user, message.channel, message.via, thread_ts))
        finally:
            react(client, "reactions_remove", message)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient) -> None:
        thread_ts = event.get("thread_ts") or event.get("ts")
        converse(message_from(event, via="mention"), client, thread_ts)

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") not in (None, "file_share"):
            return
        converse(message_from(event, via="dm"), client, event.get("thread_ts"))

    @app.command("/pmo")
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        message = Message(
            text=command.get("text", ""), user=command["user_id"],
            channel=command.get("channel_id"), via="command",
            is_dm=str(command.get("channel_id", "")).startswith("D"),
            team=command.get("team_id"), trigger_id=command.get("trigger_id"),
        )
        replies = dispatcher.handle_message(message)
        origin = Origin(message.user, message.channel, "command",
                        trigger_id=message.trigger_id, respond=respond)
        deliver(client, replies, origin)

    @app.action(ANY)
    def on_action(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                  client: WebClient) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id") or body.get("container", {}).get(
            "channel_id")
        message = body.get("message") or {}
        pressed = Action(
            action_id=action["action_id"], user=body["user"]["id"], channel=channel,
            value=action.get("value") or (action.get("selected_option") or {}).get("value", ""),
            message_ts=message.get("ts"), thread_ts=message.get("thread_ts"),
            trigger_id=body.get("trigger_id"),
        )
        replies = dispatcher.handle_action(pressed)
        origin = Origin(pressed.user, channel, "action", thread_ts=pressed.thread_ts,
                        trigger_id=pressed.trigger_id, respond=respond)
        deliver(client, replies, origin)

    @app.view(ANY)
    def on_view(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        submission = ViewSubmission(
            callback_id=view.get("callback_id", ""), values=view_values(view),
            user=body["user"]["id"], private_metadata=view.get("private_metadata", ""),
        )
        outcome = dispatcher.handle_view(submission)
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack()
        deliver(client, outcome.replies, Origin(submission.user, None, "view"))

    @app.shortcut(ANY)
    def on_shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        shortcut = Shortcut(
            callback_id=body.get("callback_id", ""), user=body["user"]["id"], channel=channel,
            message_text=message.get("text", ""), message_ts=message.get("ts"),
            message_user=message.get("user"), trigger_id=body.get("trigger_id"),
            permalink=permalink(client, channel, message.get("ts")),
        )
        replies = dispatcher.handle_shortcut(shortcut)
        deliver(client, replies, Origin(shortcut.user, channel, "shortcut",
                                        trigger_id=shortcut.trigger_id))

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            client.views_publish(user_id=event["user"], view=home_view(dispatcher, event["user"]))


def message_from(event: dict[str, Any], *, via: str) -> Message:
    return Message(
        text=event.get("text", ""), user=event.get("user", ""), channel=event.get("channel"),
        via=via, is_dm=event.get("channel_type") == "im", ts=event.get("ts"),  # type: ignore[arg-type]
        thread_ts=event.get("thread_ts"), team=event.get("team"), files=event.get("files", []),
    )


def view_values(view: dict[str, Any]) -> dict[str, Any]:
    """Flatten a view's state to {block_id: value} whatever the input type."""
    values: dict[str, Any] = {}
    for block_id, inputs in (view.get("state") or {}).get("values", {}).items():
        for state in inputs.values():
            if "selected_option" in state:
                option = state["selected_option"]
                values[block_id] = option["value"] if option else None
            elif "selected_options" in state:
                values[block_id] = [o["value"] for o in state["selected_options"]]
            else:
                for key in ("value", "selected_user", "selected_date", "selected_time",
                            "selected_users", "selected_conversation", "selected_channel"):
                    if key in state:
                        values[block_id] = state[key]
                        break
    return values


def react(client: WebClient, method: str, message: Message) -> None:
    """Add or remove the working reaction; never let it stop the reply."""
    if not (message.channel and message.ts):
        return
    try:
        getattr(client, method)(channel=message.channel, timestamp=message.ts, name=WORKING)
    except SlackApiError as exc:
        log.debug("%s failed: %s", method, exc.response.get("error"))


def permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not (channel and ts):
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError:
        return None
