"""Slash command and interactivity payloads, and the Socket Mode envelope."""

from __future__ import annotations

import json
import uuid
from typing import Any

from .events import rich_text_blocks
from .ids import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_CHANNEL,
    DEFAULT_USER,
    TEAM_DOMAIN,
    TEAM_ID,
    next_trigger_id,
    next_ts,
    ts_from,
)

NO_RESPONSE_URL = "http://127.0.0.1:9/no-response-url"  # refused at once, never leaves the host


def _user(user: str) -> dict[str, Any]:
    name = user.lower()
    return {"id": user, "username": name, "name": name, "team_id": TEAM_ID}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def slash_command(
    text: str,
    user: str = DEFAULT_USER,
    channel: str = DEFAULT_CHANNEL,
    command: str = "/pmo",
    response_url: str = NO_RESPONSE_URL,
    trigger_id: str | None = None,
    *,
    channel_name: str | None = None,
) -> dict[str, str]:
    """The form fields of a slash command (pass ``MockSlackWebAPI.response_url(...)``)."""
    return {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel,
        "channel_name": channel_name
        or ("directmessage" if channel.startswith("D") else channel.lower()),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or next_trigger_id(),
    }


def block_actions(
    action_id: str,
    value: str = "",
    user: str = DEFAULT_USER,
    channel: str = DEFAULT_CHANNEL,
    message_ts: str | None = None,
    *,
    block_id: str = "actions",
    action_type: str = "button",
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str = NO_RESPONSE_URL,
    trigger_id: str | None = None,
    state_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload from a button (or a ``static_select``).

    From a message by default; pass ``view`` (a Home tab or modal view object)
    for an action inside a view, which has no channel, message or response URL.
    """
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": next_ts(),
    }
    if action_type == "button":
        label = value or action_id
        action.update(value=value, text={"type": "plain_text", "text": label, "emoji": True})
    else:
        option = {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}
        action["selected_option"] = option
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": trigger_id or next_trigger_id(),
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": state_values or {}},
        "actions": [action],
    }
    if view is not None:
        container = {"type": "view", "view_id": view.get("id", "V0000000001")}
        payload.update(container=container, view=view)
        return payload
    message_ts = message_ts or (message or {}).get("ts") or ts_from(1700000000, 1)
    payload.update(
        container={
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        channel={"id": channel, "name": channel.lower()},
        message=message
        or {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": "",
            "ts": message_ts,
            "blocks": [],
        },
        response_url=response_url,
    )
    return payload


def state_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``view.state.values`` from ``{block_id: {action_id: value}}``.

    A ``str`` becomes a ``plain_text_input`` value, ``None`` an empty one; a
    ``dict`` is used as it is (e.g. ``{"type": "static_select", "selected_option": ...}``).
    """
    out: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        out[block_id] = {}
        for action_id, value in actions.items():
            if isinstance(value, dict):
                out[block_id][action_id] = value
            else:
                out[block_id][action_id] = {"type": "plain_text_input", "value": value}
    return out


def view_submission(
    callback_id: str,
    state_values: dict[str, dict[str, Any]] | None = None,
    private_metadata: str = "",
    user: str = DEFAULT_USER,
    *,
    view_id: str = "V0000000001",
    blocks: list[dict[str, Any]] | None = None,
    title: str = "Live PMO",
) -> dict[str, Any]:
    """A ``view_submission`` payload (build ``state_values`` with ``state_values()``)."""
    view = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": blocks or [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": state_values or {}},
        "hash": "1700000000.abcdef12",
        "title": {"type": "plain_text", "text": title, "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    return {
        "type": "view_submission",
        "team": _team(),
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": next_trigger_id(),
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(
    callback_id: str,
    message_text: str,
    user: str = DEFAULT_USER,
    channel: str = DEFAULT_CHANNEL,
    message_ts: str | None = None,
    *,
    message_user: str = "U0002",
    response_url: str = NO_RESPONSE_URL,
) -> dict[str, Any]:
    """A ``message_action`` payload (a message shortcut)."""
    message_ts = message_ts or next_ts()
    return {
        "type": "message_action",
        "token": "verification-token-unused",
        "action_ts": next_ts(),
        "team": _team(),
        "user": _user(user),
        "channel": {"id": channel, "name": channel.lower()},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": next_trigger_id(),
        "response_url": response_url,
        "message_ts": message_ts,
        "message": {
            "type": "message",
            "user": message_user,
            "text": message_text,
            "ts": message_ts,
            "client_msg_id": str(uuid.uuid4()),
            "team": TEAM_ID,
            "blocks": rich_text_blocks(message_text),
        },
    }


def global_shortcut(callback_id: str, user: str = DEFAULT_USER) -> dict[str, Any]:
    """A ``shortcut`` payload (a global shortcut)."""
    return {
        "type": "shortcut",
        "token": "verification-token-unused",
        "action_ts": next_ts(),
        "team": _team(),
        "user": _user(user),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": next_trigger_id(),
    }


def interactive_form(payload: dict[str, Any]) -> dict[str, str]:
    """The form fields an interactive payload is POSTed as."""
    return {"payload": json.dumps(payload)}


def socket_mode_envelope(
    type: str,  # noqa: A002 - Slack's field name
    payload: dict[str, Any],
    envelope_id: str | None = None,
    *,
    accepts_response_payload: bool | None = None,
    retry_attempt: int = 0,
    retry_reason: str = "",
) -> dict[str, Any]:
    """A Socket Mode envelope: ``events_api``, ``slash_commands`` or ``interactive``."""
    if accepts_response_payload is None:
        accepts_response_payload = type == "slash_commands" or (
            type == "interactive" and payload.get("type") in ("view_submission", "block_suggestion")
        )
    envelope: dict[str, Any] = {
        "envelope_id": envelope_id or str(uuid.uuid4()),
        "payload": payload,
        "type": type,
        "accepts_response_payload": accepts_response_payload,
    }
    if type == "events_api":
        envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
    return envelope
