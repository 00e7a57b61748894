"""Posting replies to Slack: threads, DMs, ephemerals, modals, files and `respond`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ui
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


def open_dm(client: WebClient, user: str) -> str:
    return client.conversations_open(users=user)["channel"]["id"]


def deliver(
    client: WebClient, replies: list[Reply], origin: Origin, *, strict: bool = False
) -> None:
    """Send each reply where it belongs; one failure is logged and the rest still go.

    With `strict`, the first failure is raised instead (the scheduler retries it).
    """
    for reply in replies:
        try:
            _deliver_one(client, reply, origin)
        except SlackApiError as exc:
            if strict:
                raise
            log.error("Slack refused a reply (%s): %s", origin.via, exc.response.get("error"))


def _deliver_one(client: WebClient, reply: Reply, origin: Origin) -> None:
    text, blocks = ui.within_limits(reply.text, reply.blocks)
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
        client.chat_postMessage(channel=target, text=text, blocks=blocks)
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
    client.chat_postMessage(
        channel=target or open_dm(client, origin.user),
        text=text,
        blocks=blocks,
        thread_ts=origin.thread_ts if reply.in_thread else None,
    )
