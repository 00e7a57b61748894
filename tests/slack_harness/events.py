"""Events API payloads: the ``event_callback`` envelope and the events inside it."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from .ids import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_CHANNEL,
    DEFAULT_USER,
    TEAM_ID,
    next_event_id,
    next_ts,
)

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def rich_text_blocks(text: str) -> list[dict[str, Any]]:
    """The ``rich_text`` block Slack attaches to a typed message."""
    elements: list[dict[str, Any]] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": text[position : match.start()]})
        elements.append({"type": "user", "user_id": match.group(1)})
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": text[position:]})
    section = {"type": "rich_text_section", "elements": elements}
    return [{"type": "rich_text", "block_id": uuid.uuid4().hex[:5], "elements": [section]}]


def event_callback(
    event: dict[str, Any],
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    authorizations: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``event_callback`` envelope around an event."""
    return {
        "token": "verification-token-unused",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or next_event_id(),
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": authorizations
        or [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-eyJldCI6ImV2ZW50In0-{uuid.uuid4().hex[:10]}",
    }


def _message_fields(
    text: str, user: str, channel: str, ts: str | None, thread_ts: str | None
) -> dict[str, Any]:
    ts = ts or next_ts()
    fields: dict[str, Any] = {
        "user": user,
        "text": text,
        "ts": ts,
        "client_msg_id": str(uuid.uuid4()),
        "team": TEAM_ID,
        "blocks": rich_text_blocks(text),
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        fields["thread_ts"] = thread_ts
        fields["parent_user_id"] = user
    return fields


def app_mention_event(
    text: str,
    user: str = DEFAULT_USER,
    channel: str = DEFAULT_CHANNEL,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """An ``app_mention`` event; put ``<@UBOT>`` in ``text`` as Slack would."""
    return {"type": "app_mention", **_message_fields(text, user, channel, ts, thread_ts)}


def message_channel_event(
    text: str,
    user: str = DEFAULT_USER,
    channel: str = DEFAULT_CHANNEL,
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    channel_type: str = "channel",
    bot_id: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event in a channel (``channel_type`` "group" if private).

    ``bot_id`` makes it a bot's message (e.g. ``BBOT``, the app's own).
    """
    event = {
        "type": "message",
        **_message_fields(text, user, channel, ts, thread_ts),
        "channel_type": channel_type,
    }
    if bot_id:
        event.pop("client_msg_id")
        event.update(bot_id=bot_id, app_id=APP_ID if bot_id == BOT_ID else "A9999")
    return event


def message_im_event(
    text: str,
    user: str = DEFAULT_USER,
    channel: str | None = None,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A direct ``message`` to the bot (``channel_type`` "im"; channel ``D`` + user id)."""
    channel = channel or "D" + user[1:]
    return message_channel_event(text, user, channel, ts, thread_ts, channel_type="im")


def message_file_share_event(
    files: list[dict[str, Any]],
    text: str = "",
    user: str = DEFAULT_USER,
    channel: str = DEFAULT_CHANNEL,
    *,
    channel_type: str = "channel",
    ts: str | None = None,
) -> dict[str, Any]:
    """A ``file_share`` message carrying ``files`` (see ``MockSlackWebAPI.file_json``)."""
    event = message_channel_event(text, user, channel, ts, channel_type=channel_type)
    event.update(subtype="file_share", files=files, upload=False, display_as_bot=False)
    return event


def file_shared_event(
    file_id: str, user: str = DEFAULT_USER, channel: str = DEFAULT_CHANNEL
) -> dict[str, Any]:
    """A ``file_shared`` event."""
    return {
        "type": "file_shared",
        "channel_id": channel,
        "file_id": file_id,
        "user_id": user,
        "file": {"id": file_id},
        "event_ts": next_ts(),
    }


def app_home_opened_event(
    user: str = DEFAULT_USER,
    channel: str | None = None,
    tab: str = "home",
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``app_home_opened`` event (``view`` only once a Home tab was published)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel or "D" + user[1:],
        "tab": tab,
        "event_ts": next_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


def url_verification(challenge: str) -> dict[str, Any]:
    """The ``url_verification`` handshake body."""
    return {
        "token": "verification-token-unused",
        "challenge": challenge,
        "type": "url_verification",
    }
