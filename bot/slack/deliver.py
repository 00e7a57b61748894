"""Posting replies to Slack: threads, DMs, ephemerals, modals, App Home views, files and
`respond`.

Replies with a `thread_key` are threaded through `bot.core.threads`: the opener's
channel and ts are recorded in the database once posted, and later replies with
the same key are posted with its `thread_ts` (top-level while no opener is known).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import SQLAlchemyError

from bot.core import threads, ui
from bot.core.messages import Reply
from bot.slack.live import LiveReply
from bot.slack.pacing import RateLimitedChannels, is_rate_limited, transient_failure_retries

log = logging.getLogger(__name__)


@dataclass
class Origin:
    """Where a request came from, so replies go back to the same place."""

    user: str
    channel: str | None
    via: str
    thread_ts: str | None = None
    trigger_id: str | None = None
    respond: Callable[..., Any] | None = None
    view_id: str | None = None  # the open modal a button was pressed in (a modal updates it)
    live: LiveReply | None = None  # the draft a reply posted here takes over


SLACK_TIMEOUT_SECONDS = 15  # one Slack call; a read timeout is then retried like a 5xx
_threads_database: str | None = None
held = RateLimitedChannels()  # replies waiting out a channel's 429, re-sent by a timer


def keep_threads_in(database_url: str | None) -> None:
    """The database where `deliver` records and finds thread openers when its caller
    names none (set once at start-up by `build_app`; None turns threading off)."""
    global _threads_database
    _threads_database = database_url


class ResponseUrlFailed(Exception):
    """A `response_url` post still failed after the retries."""


def responder(response_url: str | None) -> Callable[..., Any] | None:
    """`respond` for a `response_url`: 5xx and timeouts retried with backoff; a final
    failure raises, so `deliver` logs it and carries on with the other replies."""
    if not response_url:
        return None
    webhook = WebhookClient(
        response_url, timeout=SLACK_TIMEOUT_SECONDS, retry_handlers=transient_failure_retries()
    )

    def respond(**message: Any) -> None:
        response = webhook.send(**message)
        if response.status_code >= 400:
            raise ResponseUrlFailed(f"response_url answered {response.status_code}")

    return respond


def open_dm(client: WebClient, user: str) -> str:
    return client.conversations_open(users=user)["channel"]["id"]


def deliver(
    client: WebClient,
    replies: list[Reply],
    origin: Origin,
    *,
    strict: bool = False,
    database_url: str | None = None,
) -> None:
    """Send each reply where it belongs; one failure is logged and the rest still go.

    The client has already retried a 5xx or a timeout with backoff; what still fails is
    logged as lost and the request's other replies go on. A 429 holds this reply, and the
    later ones for the same channel, in `held` (re-sent after Retry-After by a timer), so
    the worker moves on at once. With `strict`, the first failure (429 included) is raised
    instead: the scheduler retries it. `database_url` keeps the thread openers (default:
    the one `keep_threads_in` set).
    """
    database = database_url or _threads_database
    for reply in replies:
        channel = reply.to_channel or reply.to_user or origin.channel or origin.user

        def send(reply: Reply = reply) -> None:
            _deliver_one(client, reply, origin, database)

        if not strict and held.is_waiting(channel):
            held.hold(channel, send, origin.via)
            continue
        try:
            send()
        except SlackApiError as exc:
            if strict:
                raise
            if is_rate_limited(exc):
                held.hold(channel, send, origin.via, exc)
                continue
            log.error("Slack refused a reply (%s): %s", origin.via, exc.response.get("error"))
        except (OSError, ResponseUrlFailed) as exc:  # timeouts, refused connections
            if strict:
                raise
            log.error("a reply (%s) to %s was lost after retries: %r", origin.via, channel, exc)
        except Exception:
            if strict:
                raise
            log.exception("a reply (%s) to %s failed", origin.via, channel)


def _deliver_one(
    client: WebClient, reply: Reply, origin: Origin, database: str | None = None
) -> None:
    if reply.home is not None:
        client.views_publish(user_id=reply.to_user or origin.user, view=reply.home)
        return
    text, blocks = ui.within_limits(reply.text, reply.blocks)
    if reply.modal and origin.view_id:
        client.views_update(view_id=origin.view_id, view=reply.modal)
        return
    if reply.modal and origin.trigger_id:
        client.views_open(trigger_id=origin.trigger_id, view=reply.modal)
        return
    # A DM is posted with the user id as the channel (Slack delivers it to the app's
    # Messages tab), saving a conversations.open call; file uploads need the real id.
    target = reply.to_channel or reply.to_user or origin.channel
    if reply.upload and reply.to_user and not reply.to_channel:
        target = open_dm(client, reply.to_user)
    if reply.upload:
        thread = None if (reply.to_user or reply.to_channel) else origin.thread_ts
        comment: str | None = text
        if blocks:  # the message with its blocks first, then the file below it
            client.chat_postMessage(channel=target, text=text, blocks=blocks, thread_ts=thread)
            comment = None
        client.files_upload_v2(
            channel=target,
            content=reply.upload.content,
            filename=reply.upload.filename,
            title=reply.upload.title or reply.upload.filename,
            initial_comment=comment,
            thread_ts=thread,
        )
        return
    if reply.to_user or reply.to_channel:
        post_message(client, reply, database, channel=target, text=text, blocks=blocks)
        return
    if origin.respond and (origin.via == "command" or reply.replace_original or reply.ephemeral):
        ephemeral = reply.ephemeral is not False
        origin.respond(
            text=text,
            blocks=blocks,
            replace_original=reply.replace_original,
            response_type="ephemeral" if ephemeral else "in_channel",
        )
        return
    if reply.ephemeral and target and not target.startswith("D"):  # a DM: only they see it
        client.chat_postEphemeral(
            channel=target, user=origin.user, text=text, blocks=blocks, thread_ts=origin.thread_ts
        )
        return
    thread = origin.thread_ts if reply.in_thread else None
    live = origin.live if not reply.thread_key else None
    if live and live.finish(reply, target, thread, text, blocks):
        return
    post_message(
        client,
        reply,
        database,
        channel=target or open_dm(client, origin.user),
        text=text,
        blocks=blocks,
        thread_ts=thread,
    )


def post_message(
    client: WebClient,
    reply: Reply,
    database: str | None,
    *,
    channel: str,
    thread_ts: str | None = None,
    **fields: Any,
) -> Any:
    """`chat.postMessage`, in the thread named by `reply.thread_key` when its opener is known
    (in the same channel), recording the opener when `reply.starts_thread`; returns Slack's
    answer."""
    key = reply.thread_key if database else None
    if key and not reply.starts_thread:
        opener = _find_thread(database, key)  # type: ignore[arg-type]
        if opener and opener.channel == channel:
            thread_ts = opener.ts
    if thread_ts:
        fields["thread_ts"] = thread_ts
    response = client.chat_postMessage(channel=channel, **fields)
    if key and reply.starts_thread and response.get("ts"):
        try:
            threads.remember(database, key, channel, response["ts"])  # type: ignore[arg-type]
        except SQLAlchemyError:  # the post went out; never post it twice over this
            log.exception("could not record thread %s opened in %s", key, channel)
    return response


def _find_thread(database: str, key: str) -> threads.ThreadRef | None:
    try:
        return threads.find(database, key)
    except SQLAlchemyError:
        log.exception("could not look up thread %s; posting top-level", key)
        return None
