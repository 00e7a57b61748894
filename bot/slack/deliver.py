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
from sqlalchemy.exc import SQLAlchemyError

from bot.core import threads, ui
from bot.core.messages import Reply

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


_threads_database: str | None = None


def keep_threads_in(database_url: str | None) -> None:
    """The database where `deliver` records and finds thread openers when its caller
    names none (set once at start-up by `build_app`; None turns threading off)."""
    global _threads_database
    _threads_database = database_url


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

    With `strict`, the first failure is raised instead (the scheduler retries it).
    `database_url` keeps the thread openers (default: the one `keep_threads_in` set).
    """
    database = database_url or _threads_database
    for reply in replies:
        try:
            _deliver_one(client, reply, origin, database)
        except SlackApiError as exc:
            if strict:
                raise
            log.error("Slack refused a reply (%s): %s", origin.via, exc.response.get("error"))


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
    if reply.ephemeral and target:
        client.chat_postEphemeral(
            channel=target, user=origin.user, text=text, blocks=blocks, thread_ts=origin.thread_ts
        )
        return
    post_message(
        client,
        reply,
        database,
        channel=target or open_dm(client, origin.user),
        text=text,
        blocks=blocks,
        thread_ts=origin.thread_ts if reply.in_thread else None,
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
