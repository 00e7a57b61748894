"""Bolt listeners: each turns a Slack payload into a neutral message and hands it on.

The app runs with `process_before_response=True`: every listener acks inline,
hands its work to a pool of threads and returns, so the ack never waits behind slow
work. In Socket Mode that ack is the one Slack gets; in HTTP mode the HTTP front has
already sent it and handed the request to this app in a worker process
(`bot.slack.handoff`), so the work never competes with acks for the interpreter; a
form's ack, with its errors, is still the listener's. (Bolt's own lazy listeners would
deep-copy every request, about half the cost of an ack.)
"""

from __future__ import annotations

import inspect
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.core.db import claim_delivery, session_scope
from bot.core.dispatch import Dispatcher
from bot.core.messages import Action, Message, Shortcut, ViewSubmission
from bot.core.projects import project_for_channel
from bot.core.text import without_mention
from bot.slack.deliver import Origin, deliver, responder
from bot.slack.files import fetch_file, fetch_message_files, share_ts
from bot.slack.home import (
    answer_home_press,
    from_home,
    modal_view_id,
    publish_home,
    refresh_homes,
)
from bot.slack.live import LiveReply

log = logging.getLogger(__name__)
ANY = re.compile(".*")
WORKING = "eyes"
THINKING = "is thinking…"
WORKING_AFTER_SECONDS = 0.5


def register_listeners(app: App, dispatcher: Dispatcher, workers: Executor) -> None:
    """Attach every listener Live PMO needs to `app`; the work runs on `workers`."""
    database_url = dispatcher.settings.database_url

    def on(kind: Callable[..., Any], matcher: Any, work: Callable[..., None]) -> None:
        """Ack at once, then run `work` with the arguments it names, on the pool, unless
        the delivery was taken on before (`replay_key`, claimed by the worker: the ack
        never waits on the database)."""
        names = list(inspect.signature(work).parameters)

        def listener(ack: Ack, body: dict[str, Any], **kwargs: Any) -> None:
            ack()
            kwargs["body"] = body
            arguments = {name: kwargs[name] for name in names}
            workers.submit(logged, work, arguments, replay_key(body), database_url)

        parameters = ["ack", "body", *(n for n in names if n != "body")]
        listener.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in parameters]
        )
        kind(matcher)(listener)

    workspace: dict[str, str] = {}

    def converse(message: Message, client: WebClient, thread_ts: str | None) -> None:
        """Run a mention or DM (with a working reaction if it is slow, and drafts of an
        answer being written), then reply."""
        message.permalink = message_link(client, workspace, message)
        live = LiveReply(client, message.channel, thread_ts) if message.channel else None
        message.draft = live.show if live else None
        origin = Origin(message.user, message.channel, message.via, thread_ts, live=live)
        with working_reaction(client, message):
            if message.files:
                message.files = fetch_message_files(client, message.files)
            replies = dispatcher.handle_message(message)
            try:
                deliver(client, replies, origin)
            finally:
                if live:
                    live.close()
        refresh_homes(dispatcher, client, message.user, replies, message.team, message.channel)

    def on_mention(event: dict[str, Any], client: WebClient, context: Any) -> None:
        thread_ts = event.get("thread_ts") or event.get("ts")
        message = message_from(event, via="mention", bot_user=context.get("bot_user_id"))
        converse(message, client, thread_ts)

    def on_message(event: dict[str, Any], client: WebClient) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") not in (None, "file_share"):
            return
        converse(message_from(event, via="dm"), client, event.get("thread_ts"))

    def on_command(command: dict[str, Any], client: WebClient) -> None:
        message = Message(
            text=command.get("text", ""),
            user=command["user_id"],
            channel=command.get("channel_id"),
            via="command",
            is_dm=str(command.get("channel_id", "")).startswith("D"),
            team=command.get("team_id"),
            trigger_id=command.get("trigger_id"),
        )
        replies = dispatcher.handle_message(message)
        origin = Origin(
            message.user,
            message.channel,
            "command",
            trigger_id=message.trigger_id,
            respond=responder(command.get("response_url")),
        )
        deliver(client, replies, origin)
        refresh_homes(dispatcher, client, message.user, replies, message.team, message.channel)

    def on_action(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        channel = (body.get("channel") or {}).get("id") or body.get("container", {}).get(
            "channel_id"
        )
        message = body.get("message") or {}
        pressed = Action(
            action_id=action["action_id"],
            user=body["user"]["id"],
            channel=channel,
            value=action.get("value") or (action.get("selected_option") or {}).get("value", ""),
            message_ts=message.get("ts"),
            thread_ts=message.get("thread_ts"),
            trigger_id=body.get("trigger_id"),
            team=team_of(body),
        )
        replies = dispatcher.handle_action(pressed)
        if from_home(body):
            answer_home_press(dispatcher, client, pressed, replies)
            return
        origin = Origin(
            pressed.user,
            channel,
            "action",
            thread_ts=pressed.thread_ts,
            trigger_id=pressed.trigger_id,
            respond=responder(body.get("response_url")),  # none in a modal
            view_id=modal_view_id(body),
        )
        deliver(client, replies, origin)
        refresh_homes(dispatcher, client, pressed.user, replies, pressed.team, channel)

    def on_shortcut(body: dict[str, Any], client: WebClient) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        shortcut = Shortcut(
            callback_id=body.get("callback_id", ""),
            user=body["user"]["id"],
            channel=channel,
            message_text=message.get("text", ""),
            message_ts=message.get("ts"),
            message_user=message.get("user"),
            trigger_id=body.get("trigger_id"),
            permalink=permalink(client, channel, message.get("ts")),
            team=team_of(body),
        )
        replies = dispatcher.handle_shortcut(shortcut)
        deliver(
            client,
            replies,
            Origin(shortcut.user, channel, "shortcut", trigger_id=shortcut.trigger_id),
        )

    def on_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(dispatcher, client, event["user"], opened=True)

    def on_file_shared(event: dict[str, Any], client: WebClient, context: Any) -> None:
        """A document shared in a project channel is added to its knowledge base."""
        channel, user = event.get("channel_id"), event.get("user_id", "")
        file_id = event.get("file_id") or (event.get("file") or {}).get("id")
        if not (channel and file_id) or user == context.get("bot_user_id"):
            return
        with session_scope(database_url) as session:
            if project_for_channel(session, channel) is None:
                return
        try:
            item = fetch_file(client, file_id)
        except SlackApiError as exc:  # not visible to the bot: nothing to say about it
            log.warning("files.info failed for %s: %s", file_id, exc.response.get("error"))
            return
        if not item["readable"]:
            log.info("not indexing %s: not a document type", item["name"])
            return
        message = Message(text="kb add", user=user, channel=channel, via="message", files=[item])
        replies = dispatcher.handle_message(message)
        deliver(client, replies, Origin(user, channel, "message", share_ts(item["info"], channel)))

    on(app.event, "app_mention", on_mention)
    on(app.event, "message", on_message)
    on(app.event, "app_home_opened", on_home)
    on(app.event, "file_shared", on_file_shared)
    on(app.command, "/pmo", on_command)
    on(app.action, ANY, on_action)
    on(app.shortcut, ANY, on_shortcut)

    @app.view(ANY)
    def on_view(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        """Modals are validated and saved before the ack, so errors show next to the fields
        (a replayed submission is claimed here too: its work runs before the ack anyway)."""
        key = replay_key(body)
        if key and not first_delivery(database_url, key):
            log.info("dropping repeated delivery %s", key)
            ack()
            return
        submission = ViewSubmission(
            callback_id=view.get("callback_id", ""),
            values=view_values(view),
            user=body["user"]["id"],
            private_metadata=view.get("private_metadata", ""),
            team=team_of(body),
        )
        outcome = dispatcher.handle_view(submission)
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
            return
        ack()

        def answer() -> None:
            deliver(client, outcome.replies, Origin(submission.user, None, "view"))
            refresh_homes(dispatcher, client, submission.user, outcome.replies, submission.team)

        workers.submit(logged, answer, {})


def replay_key(body: dict[str, Any]) -> str | None:
    """What makes a delivery the same one again: Slack's retry of an event (`event_id`), or
    a signed command or interaction replayed within the 5-minute window (its `trigger_id`;
    for a button, with the action's timestamp)."""
    kind, trigger = body.get("type"), body.get("trigger_id")
    if kind == "event_callback":
        return f"event:{body['event_id']}" if body.get("event_id") else None
    if body.get("command"):
        return f"command:{trigger}" if trigger else None
    if kind == "block_actions":
        stamp = ((body.get("actions") or [{}])[0] or {}).get("action_ts")
        who = trigger or (body.get("user") or {}).get("id")
        return f"action:{who}:{stamp}" if stamp else None
    if kind in ("shortcut", "message_action", "view_submission"):
        return f"{kind}:{trigger}" if trigger else None
    return None


def first_delivery(database_url: str, key: str) -> bool:
    """Claim `key`; True unless it was claimed before (a database error counts as True)."""
    try:
        return claim_delivery(database_url, key)
    except SQLAlchemyError as exc:
        log.error("could not record delivery %s: %s", key, str(exc).splitlines()[0])
        return True


def logged(
    work: Callable[..., None],
    kwargs: dict[str, Any],
    key: str | None = None,
    database_url: str | None = None,
) -> None:
    """Run work after the ack, once per `key` (claimed in `database_url`, shared by every
    replica); a bug is logged with its traceback, never lost.

    A database that cannot take the claim will fail the work too: it runs anyway, so the
    person hears that something went wrong instead of nothing.
    """
    try:
        if key and database_url and not first_delivery(database_url, key):
            log.info("dropping repeated delivery %s", key)
            return
        work(**kwargs)
    except Exception:
        log.exception("listener %s failed", work.__name__)


def team_of(body: dict[str, Any]) -> str | None:
    """The Slack team of the person who pressed, submitted or ran a shortcut."""
    user = body.get("user") or {}
    return user.get("team_id") or (body.get("team") or {}).get("id")


def message_from(event: dict[str, Any], *, via: str, bot_user: str | None = None) -> Message:
    """The event as a message; the bot's own mention (how it was addressed) is taken out."""
    return Message(
        text=without_mention(event.get("text", ""), bot_user),
        user=event.get("user", ""),
        channel=event.get("channel"),
        via=via,
        is_dm=event.get("channel_type") == "im",
        ts=event.get("ts"),  # type: ignore[arg-type]
        thread_ts=event.get("thread_ts"),
        team=event.get("user_team") or event.get("team"),
        files=event.get("files", []),
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
                for key in (
                    "value",
                    "selected_user",
                    "selected_date",
                    "selected_time",
                    "selected_users",
                    "selected_conversation",
                    "selected_channel",
                ):
                    if key in state:
                        values[block_id] = state[key]
                        break
    return values


class working_reaction:  # noqa: N801 - used as a context manager
    """Shows a thinking state if the reply takes longer than half a second: the assistant
    thread's status where there is one, else :eyes: on the message."""

    def __init__(self, client: WebClient, message: Message) -> None:
        self.client, self.message = client, message
        self.added = False
        self.lock = threading.Lock()
        self.timer = threading.Timer(WORKING_AFTER_SECONDS, self._add)
        self.timer.daemon = True

    def _add(self) -> None:
        with self.lock:
            if not thinking_status(self.client, self.message):
                self.added = react(self.client, "reactions_add", self.message)

    def __enter__(self) -> None:
        if self.message.channel and self.message.ts:
            self.timer.start()

    def __exit__(self, *_: object) -> None:
        self.timer.cancel()
        with self.lock:
            if self.added:
                react(self.client, "reactions_remove", self.message)


def thinking_status(client: WebClient, message: Message) -> bool:
    """`assistant.threads.setStatus` in a DM thread (Slack's assistant threads); Slack
    clears it when the reply is posted. False where it does not apply or is refused."""
    if not (message.is_dm and message.thread_ts and message.channel):
        return False
    try:
        client.assistant_threads_setStatus(
            channel_id=message.channel, thread_ts=message.thread_ts, status=THINKING
        )
        return True
    except SlackApiError as exc:
        log.debug("assistant.threads.setStatus failed: %s", exc.response.get("error"))
        return False


def react(client: WebClient, method: str, message: Message) -> bool:
    """Add or remove the working reaction; never let it stop the reply."""
    try:
        getattr(client, method)(channel=message.channel, timestamp=message.ts, name=WORKING)
        return True
    except SlackApiError as exc:
        log.debug("%s failed: %s", method, exc.response.get("error"))
        return False


def message_link(client: WebClient, workspace: dict[str, str], message: Message) -> str | None:
    """The message's permalink, built from the workspace URL (`auth.test`, asked once)."""
    if not (message.channel and message.ts):
        return None
    if "url" not in workspace:
        try:
            workspace["url"] = client.auth_test().get("url") or ""
        except SlackApiError:
            return None
    if not workspace["url"]:
        return None
    link = (
        f"{workspace['url'].rstrip('/')}/archives/{message.channel}/p{message.ts.replace('.', '')}"
    )
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={message.channel}"
    return link


def permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not (channel and ts):
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError:
        return None
