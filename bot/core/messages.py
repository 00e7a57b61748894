"""Transport-neutral messages in and replies out.

Every transport (Slack event, slash command, button, console line, scheduled
job) becomes one of the inbound types here; every skill answers with `Reply`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Via = Literal["command", "mention", "dm", "message", "console", "scheduler"]
# What no text a person types holds: control characters (but tab and line breaks), which
# PostgreSQL refuses (NUL) or a title hides, and lone UTF-16 surrogates, which no encoder takes.
UNTYPABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def typable(value: Any) -> Any:
    """`value` (a string, or lists and dicts of them) without untypable characters."""
    if isinstance(value, str):
        return UNTYPABLE.sub("", value)
    if isinstance(value, list):
        return [typable(v) for v in value]
    if isinstance(value, dict):
        return {k: typable(v) for k, v in value.items()}
    return value


@dataclass
class Message:
    """Something a person said to the bot.

    `draft`, where the transport has one, shows a reply while it is still being written
    (the text so far; the final reply then takes its place): see `Context.draft`.
    """

    text: str
    user: str
    channel: str | None = None
    via: Via = "console"
    is_dm: bool = False
    ts: str | None = None
    thread_ts: str | None = None
    team: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    trigger_id: str | None = None
    permalink: str | None = None
    draft: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.text = typable(self.text)


@dataclass
class Action:
    """A button or menu pressed on a message the bot posted."""

    action_id: str
    value: str
    user: str
    channel: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None
    trigger_id: str | None = None
    team: str | None = None

    def __post_init__(self) -> None:
        self.value = typable(self.value)


@dataclass
class ViewSubmission:
    """A submitted modal: `values` maps each input's action id to what was entered."""

    callback_id: str
    values: dict[str, Any]
    user: str
    private_metadata: str = ""
    team: str | None = None

    def __post_init__(self) -> None:
        self.values = typable(self.values)


@dataclass
class Shortcut:
    """A message shortcut ("Add to RAID log") run on someone's message."""

    callback_id: str
    user: str
    channel: str | None
    message_text: str
    message_ts: str | None = None
    message_user: str | None = None
    permalink: str | None = None
    trigger_id: str | None = None
    team: str | None = None

    def __post_init__(self) -> None:
        self.message_text = typable(self.message_text)


@dataclass
class Upload:
    """A file to post along with a reply."""

    filename: str
    content: bytes
    title: str | None = None


@dataclass
class Reply:
    """What a skill says back.

    By default a reply goes back where the message came from (in its thread for
    mentions). `to_user` sends it as a DM to someone else, `to_channel` posts it
    in a channel; `modal` opens a Block Kit view; `replace_original` updates the
    message whose button was pressed; `home` is an App Home tab view, published for
    `to_user` (default: the asker).

    `thread_key` names a thread across requests and processes (e.g.
    `checkin:apollo:2026-11-23`): the post with `starts_thread` opens it, and the
    transport remembers where that post went (`bot.core.threads`); later replies
    with the same key are posted in its thread. Until an opener is known they are
    posted where they would go without a key.
    """

    text: str
    blocks: list[dict[str, Any]] | None = None
    ephemeral: bool | None = None
    in_thread: bool = True
    to_user: str | None = None
    to_channel: str | None = None
    modal: dict[str, Any] | None = None
    upload: Upload | None = None
    replace_original: bool = False
    thread_key: str | None = None
    starts_thread: bool = False
    refused: bool = False  # the authorization rule said no (for tests and the console's JSON)
    home: dict[str, Any] | None = None


class UserError(Exception):
    """A mistake the user can fix; its message is shown to them and nothing is saved."""


class FieldErrors(UserError):
    """Modal input errors, keyed by block id, shown next to the fields."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
