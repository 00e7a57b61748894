"""Render replies for a terminal: mrkdwn and Block Kit turned into plain text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bot.core.messages import Reply

SPECIAL = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>")
LINK = re.compile(r"<((?:https?|mailto|file):[^>|]+)(?:\|([^>]*))?>")


NameOf = Callable[[str], str]


def plain(mrkdwn: str, name_of: NameOf | None = None) -> str:
    """Slack mrkdwn to readable text: mentions (by name), channels and links, then entities."""

    def special(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return f"@{label or target}"
        if sigil == "@" and name_of and not label:
            return f"@{name_of(target)}"
        return f"{sigil}{label or target}"

    text = SPECIAL.sub(special, mrkdwn)
    text = LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def press_hint(element: dict[str, Any]) -> str:
    label = element.get("text", {}).get("text", "?")
    value = element.get("value", "")
    return f"[{label}] (type: !press {element.get('action_id')} {value})".rstrip()


def render_blocks(blocks: list[dict[str, Any]], name_of: NameOf | None = None) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            text = block.get("text", {}).get("text", "")
            lines.append(plain(text, name_of) if kind == "section" else f"== {text} ==")
            for field in block.get("fields", []):
                lines.append("  " + plain(field.get("text", ""), name_of))
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append("  " + press_hint(accessory))
        elif kind == "context":
            elements = block.get("elements", [])
            lines.append(" ".join(plain(e.get("text", ""), name_of) for e in elements))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            buttons = [
                press_hint(e) for e in block.get("elements", []) if e.get("type") == "button"
            ]
            lines.extend("  " + b for b in buttons)
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
    return lines


def render_modal(view: dict[str, Any]) -> list[str]:
    title = view.get("title", {}).get("text", "Form")
    lines = [f"[form: {title}]"]
    example: dict[str, str] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            lines.extend(render_blocks([block]))
            continue
        element = block.get("element", {})
        initial = element.get("initial_value") or element.get("initial_date") or ""
        initial = initial or element.get("initial_user") or ""
        option = element.get("initial_option")
        if option:
            initial = option["value"]
        optional = " (optional)" if block.get("optional") else ""
        label = block.get("label", {}).get("text", "")
        lines.append(f"  {block['block_id']}: {label}{optional} = {initial!r}")
        example[block["block_id"]] = initial
    lines.append(f"  submit with: !submit {view.get('callback_id')} {json.dumps(example)}")
    return lines


def render_reply(reply: Reply, name_of: NameOf | None = None) -> str:
    """One reply as terminal text, with where it went when not back to the asker.

    A post in a named thread (`thread_key`, not its opener) says so and is indented
    under a bar, as Slack shows replies under the message that opened the thread.
    """
    prefix = ""
    if reply.to_user:
        prefix = f"(DM to @{name_of(reply.to_user) if name_of else reply.to_user}) "
    elif reply.to_channel:
        prefix = f"(posted in #{reply.to_channel}) "
    elif reply.ephemeral:
        prefix = "(only you) "
    in_thread = bool(reply.thread_key and not reply.starts_thread)
    if in_thread and reply.to_channel and not reply.to_user:
        prefix = f"(in the thread in #{reply.to_channel}) "
    elif in_thread:
        prefix = f"{prefix[:-2]}, in the thread) " if prefix else "(in the thread) "
    body = render_blocks(reply.blocks, name_of) if reply.blocks else [plain(reply.text, name_of)]
    if reply.home:
        body = ["[App Home]", *render_blocks(reply.home.get("blocks", []), name_of)]
    if reply.modal:
        body += render_modal(reply.modal)
    if reply.upload:
        body.append(f"[file: {reply.upload.filename}, {len(reply.upload.content):,} bytes]")
    if in_thread:
        return "  ↳ " + prefix + "\n".join(body).replace("\n", "\n  │ ")
    return prefix + "\n".join(body)


def reply_json(reply: Reply) -> dict[str, Any]:
    """A reply as one JSON-able object (`text` and `blocks` always present)."""
    return {
        "text": reply.text,
        "blocks": reply.blocks or [],
        "rendered": render_reply(reply),
        "ephemeral": bool(reply.ephemeral),
        "to_user": reply.to_user,
        "to_channel": reply.to_channel,
        "modal": reply.modal,
        "home": reply.home,
        "file": reply.upload.filename if reply.upload else None,
        "thread_key": reply.thread_key,
        "starts_thread": reply.starts_thread,
    }
