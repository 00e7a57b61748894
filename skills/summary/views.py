"""Pieces shared by the summary and portfolio messages: capped lists, links, the heat map."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core import ui
from bot.core.messages import Upload
from bot.core.text import escape, link, shorten
from skills.raid.models import RaidItem

log = logging.getLogger(__name__)

MAX_LINES = 10  # per list; the rest is counted
ROOM = 200  # kept free in a section for the "…and N more" line


def source_link(item: RaidItem) -> str:
    """` · <url|source>` when the item came from a message with a permalink, else ''."""
    source = (item.source or "").strip()
    return f" · {link(source, 'source')}" if source.startswith(("https://", "http://")) else ""


def key_and_title(item: RaidItem, width: int = 80) -> str:
    return f"*{item.key}* {escape(shorten(item.title, width))}"


def listing(title: str, lines: Sequence[str], *, max_lines: int = MAX_LINES, more: str = "") -> str:
    """A titled list that fits one section: whole lines only, the rest counted."""
    out, size = [title], len(title)
    for line in lines[:max_lines]:
        if size + 1 + len(line) > ui.MAX_SECTION_TEXT - ROOM:
            break
        out.append(line)
        size += 1 + len(line)
    hidden = len(lines) - (len(out) - 1)
    if hidden > 0:
        out.append(f"_…and {hidden} more{more}_")
    return "\n".join(out)


def chunks(lines: Sequence[str], limit: int = ui.MAX_SECTION_TEXT - ROOM) -> list[str]:
    """Join lines into texts of at most `limit` characters, never splitting a line."""
    texts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = shorten(line, limit)
        if current and size + 1 + len(line) > limit:
            texts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        texts.append("\n".join(current))
    return texts


def clip_lines(text: str, limit: int = ui.MAX_MESSAGE_TEXT) -> str:
    """Cut `text` to `limit` characters at a line break, so no link or mention is split."""
    if len(text) <= limit:
        return text
    tail = "\n_…cut to fit one message._"
    head = text[: limit - len(tail)]
    cut = head.rfind("\n")
    return (head[:cut] if cut > 0 else head) + tail


def heatmap_upload(items: Sequence[RaidItem], *, title: str, filename: str) -> Upload | None:
    """The 5×5 heat map of the scored items as a PNG, or None (nothing scored, no renderer)."""
    scored = [i for i in items if i.score]
    if not scored:
        return None
    try:
        from skills.raid.heatmap import render_heatmap
    except ImportError:
        log.info("no heat map renderer yet; %s goes without one", filename)
        return None
    try:
        png = render_heatmap(scored, title=title)
    except Exception:
        log.exception("heat map %s failed; sending the summary without it", filename)
        return None
    return Upload(filename=filename, content=png, title="RAID heat map")
