"""Block Kit building blocks (plain dicts) and Slack's limits, enforced in one place."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from bot.core.text import shorten

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000  # any text object, but:
MAX_FIELD_TEXT = 2000  # a section field
MAX_HEADER_TEXT = 150  # a header
MAX_MESSAGE_TEXT = 3900
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_MODAL_BLOCKS = 100
MAX_HOME_BLOCKS = 100

Block = dict[str, Any]
T = TypeVar("T")


def section(text: str, *, accessory: Block | None = None) -> Block:
    """A mrkdwn section (the caller escapes user text)."""
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, 150)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text or " "}]}


def divider() -> Block:
    return {"type": "divider"}


def button(label: str, action_id: str, value: Any = "", *, style: str | None = None) -> Block:
    """A button; `value` may be any JSON-able data (strings are kept as they are)."""
    raw = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": shorten(label, MAX_BUTTON_LABEL)},
        "action_id": action_id,
        "value": raw[:MAX_BUTTON_VALUE],
    }
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
) -> Block:
    """A plain-text input; its value comes back under `block_id` in `ViewSubmission.values`."""
    element: Block = {"type": "plain_text_input", "action_id": block_id, "multiline": multiline}
    if initial:
        element["initial_value"] = initial[:3000]
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": shorten(placeholder, 150)}
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": shorten(hint, 2000)}
    return block


def select_input(
    block_id: str,
    label: str,
    options: list[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
) -> Block:
    """A static select of (value, label) options."""
    opts = [{"text": {"type": "plain_text", "text": lbl}, "value": val} for val, lbl in options]
    element: Block = {"type": "static_select", "action_id": block_id, "options": opts}
    chosen = [o for o in opts if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def user_input(
    block_id: str, label: str, *, initial: str | None = None, optional: bool = True
) -> Block:
    element: Block = {"type": "users_select", "action_id": block_id}
    if initial:
        element["initial_user"] = initial
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def date_input(
    block_id: str, label: str, *, initial: str | None = None, optional: bool = True
) -> Block:
    element: Block = {"type": "datepicker", "action_id": block_id}
    if initial:
        element["initial_date"] = initial
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def modal(
    title: str,
    callback_id: str,
    blocks: list[Block],
    *,
    submit: str | None = "Save",
    close: str = "Cancel",
    private_metadata: str = "",
) -> Block:
    """A modal view definition (`submit=None`: a read-only modal with only a close button)."""
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": shorten(title, 24)},
        "close": {"type": "plain_text", "text": shorten(close, 24)},
        "private_metadata": private_metadata[:3000],
        "blocks": clamp_blocks(blocks, MAX_MODAL_BLOCKS),
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": shorten(submit, 24)}
    return view


def home(blocks: list[Block]) -> Block:
    """An App Home tab view within Slack's limits: 100 blocks, 3,000 characters a section.
    Build long lists a page at a time (`page_of`) so nothing needs cutting here."""
    return {"type": "home", "blocks": clamp_blocks(blocks, MAX_HOME_BLOCKS)}


def page_of(items: Sequence[T], page: int, size: int) -> tuple[list[T], int, int]:
    """The items on `page` (1-based, moved into the pages there are), that page, and how many
    pages there are (at least 1)."""
    pages = max(1, -(-len(items) // size))
    page = min(max(1, page), pages)
    return list(items[(page - 1) * size : page * size]), page, pages


def clamp_blocks(blocks: list[Block], max_blocks: int) -> list[Block]:
    """At most `max_blocks` blocks (the last one saying more was cut), and every text in
    them, a section's, a context element's or a field's, within Slack's limit for it."""
    clamped = [
        _clamped(block, MAX_HEADER_TEXT if block.get("type") == "header" else None)
        for block in blocks
    ]
    if len(clamped) > max_blocks:
        clamped = clamped[: max_blocks - 1] + [context("_…more than fits in one message._")]
    return clamped


def _clamped(value: Any, limit: int | None = None) -> Any:
    """`value` with each text object shortened: a field's to 2,000 characters, any other's
    to `limit` or 3,000."""
    if isinstance(value, list):
        return [_clamped(item, limit) for item in value]
    if not isinstance(value, dict):
        return value
    out = {
        key: _clamped(item, MAX_FIELD_TEXT if key == "fields" else limit)
        for key, item in value.items()
    }
    if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
        out["text"] = shorten(value["text"], limit or MAX_SECTION_TEXT)
    return out


def within_limits(text: str, blocks: list[Block] | None) -> tuple[str, list[Block] | None]:
    """Clamp a message to Slack's limits: 50 blocks, 3,000 characters a section."""
    text = shorten(text, MAX_MESSAGE_TEXT)
    if not blocks:
        return text, blocks
    return text, clamp_blocks(blocks, MAX_BLOCKS)
