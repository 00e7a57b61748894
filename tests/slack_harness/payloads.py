"""Builders of the payloads Slack sends to an app, shaped as Slack documents them.

Events: wrap an ``*_event`` in ``event_callback``. Slash commands are form
fields; interactive payloads are dicts sent form-encoded as ``payload=<json>``
(see ``interactive_form``). Socket Mode wraps any of them in
``socket_mode_envelope``. Ids and timestamps are fresh on every call.
"""

from .events import (
    app_home_opened_event,
    app_mention_event,
    event_callback,
    file_shared_event,
    message_channel_event,
    message_file_share_event,
    message_im_event,
    rich_text_blocks,
    url_verification,
)
from .ids import next_trigger_id, next_ts
from .interactions import (
    NO_RESPONSE_URL,
    block_actions,
    global_shortcut,
    interactive_form,
    message_action,
    slash_command,
    socket_mode_envelope,
    state_values,
    view_submission,
)

__all__ = [
    "NO_RESPONSE_URL",
    "app_home_opened_event",
    "app_mention_event",
    "block_actions",
    "event_callback",
    "file_shared_event",
    "global_shortcut",
    "interactive_form",
    "message_action",
    "message_channel_event",
    "message_file_share_event",
    "message_im_event",
    "next_trigger_id",
    "next_ts",
    "rich_text_blocks",
    "slash_command",
    "socket_mode_envelope",
    "state_values",
    "url_verification",
    "view_submission",
]
