"""The Block Kit limits Slack enforces, so the mock refuses what Slack would."""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_MESSAGE_TEXT = 40000


def _too_long(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _too_many(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} items [json-pointer:{pointer}]"


def _text_of(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def _element_errors(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict):
        return [f"must be an object [json-pointer:{where}]"]
    errors = []
    if len(element.get("action_id", "")) > MAX_ID:
        errors.append(_too_long(MAX_ID, f"{where}/action_id"))
    if element.get("type") == "button":
        if len(_text_of(element.get("text"))) > MAX_BUTTON_TEXT:
            errors.append(_too_long(MAX_BUTTON_TEXT, f"{where}/text/text"))
        if len(element.get("value", "")) > MAX_BUTTON_VALUE:
            errors.append(_too_long(MAX_BUTTON_VALUE, f"{where}/value"))
    return errors


def _block_errors(block: Any, where: str) -> list[str]:
    if not isinstance(block, dict) or "type" not in block:
        return [f"must provide an object with a type [json-pointer:{where}]"]
    errors = []
    kind = block["type"]
    if len(block.get("block_id", "")) > MAX_ID:
        errors.append(_too_long(MAX_ID, f"{where}/block_id"))
    if kind == "section":
        if len(_text_of(block.get("text"))) > MAX_SECTION_TEXT:
            errors.append(_too_long(MAX_SECTION_TEXT, f"{where}/text/text"))
        fields = block.get("fields") or []
        if len(fields) > MAX_SECTION_FIELDS:
            errors.append(_too_many(MAX_SECTION_FIELDS, f"{where}/fields"))
        for i, item in enumerate(fields):
            if len(_text_of(item)) > MAX_FIELD_TEXT:
                errors.append(_too_long(MAX_FIELD_TEXT, f"{where}/fields/{i}/text"))
        if "text" not in block and not fields:
            errors.append(f"must provide either text or fields [json-pointer:{where}]")
        if isinstance(block.get("accessory"), dict):
            errors += _element_errors(block["accessory"], f"{where}/accessory")
    elif kind == "header" and len(_text_of(block.get("text"))) > MAX_HEADER_TEXT:
        errors.append(_too_long(MAX_HEADER_TEXT, f"{where}/text/text"))
    elif kind in ("actions", "context"):
        elements = block.get("elements") or []
        limit = MAX_ACTIONS_ELEMENTS if kind == "actions" else MAX_CONTEXT_ELEMENTS
        if not elements or len(elements) > limit:
            errors.append(f"must provide 1 to {limit} items [json-pointer:{where}/elements]")
        if kind == "actions":
            for i, element in enumerate(elements):
                errors += _element_errors(element, f"{where}/elements/{i}")
    elif kind == "input" and isinstance(block.get("element"), dict):
        errors += _element_errors(block["element"], f"{where}/element")
    return errors


def blocks_errors(blocks: Any, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Slack-style error strings for ``blocks``; empty when Slack would accept them."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    errors = []
    if len(blocks) > max_blocks:
        errors.append(_too_many(max_blocks, "/blocks"))
    for i, block in enumerate(blocks):
        errors += _block_errors(block, f"/blocks/{i}")
    return errors


def view_errors(view: Any) -> list[str]:
    """Slack-style error strings for a modal or Home tab view."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return ["must provide a view with type modal or home [json-pointer:/view]"]
    errors = [
        e.replace("[json-pointer:/", "[json-pointer:/view/")
        for e in blocks_errors(view.get("blocks", []), MAX_VIEW_BLOCKS)
    ]
    if view["type"] == "modal":
        if not _text_of(view.get("title")) or len(_text_of(view.get("title"))) > MAX_VIEW_TITLE:
            errors.append(_too_long(MAX_VIEW_TITLE, "/view/title/text") + " (and not empty)")
        for key in ("submit", "close"):
            if key in view and len(_text_of(view[key])) > MAX_VIEW_TITLE:
                errors.append(_too_long(MAX_VIEW_TITLE, f"/view/{key}/text"))
    if len(view.get("private_metadata", "")) > MAX_PRIVATE_METADATA:
        errors.append(_too_long(MAX_PRIVATE_METADATA, "/view/private_metadata"))
    if len(view.get("callback_id", "")) > MAX_ID:
        errors.append(_too_long(MAX_ID, "/view/callback_id"))
    return errors
