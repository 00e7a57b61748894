"""How answers, document lists and the index status read in Slack and the console."""

from __future__ import annotations

import os

from bot.core import ui
from bot.core.messages import Reply
from bot.core.text import escape, link, shorten
from knowledge.chunking import HEADING_SEPARATOR
from skills.kb.answers import Answer, Citation
from skills.kb.models import KbDocument
from skills.kb.service import FAILED, REMOVED, UNCHANGED, Outcome

HELPFUL, UNHELPFUL = "kb_helpful", "kb_unhelpful"
MAX_LISTED = 25


def location(document: KbDocument) -> str:
    """Where a document lives: its Slack link, or its path (relative to here when inside)."""
    if document.link:
        return document.link
    try:
        return (
            os.path.relpath(document.source)
            if document.source.startswith(os.getcwd())
            else document.source
        )
    except ValueError:
        return document.source


def document_label(document: KbDocument) -> str:
    title = escape(shorten(document.title, 80))
    return link(document.link, title) if document.link else f"*{title}*"


def closest_label(document: KbDocument) -> str:
    if document.link:
        return document_label(document)
    return f"{document_label(document)} (`{escape(shorten(location(document), 60))}`)"


def section_of(heading: str, title: str) -> str:
    """The heading path without the document's own title at its head."""
    parts = [p for p in heading.split(HEADING_SEPARATOR) if p]
    if parts and parts[0] == title:
        parts = parts[1:]
    return " › ".join(parts)


def citation_line(citation: Citation) -> str:
    document = citation.document
    parts = [f"[{citation.number}] {document_label(document)}"]
    heading = section_of(citation.heading, document.title)
    if heading:
        parts[0] += f" › {escape(shorten(heading, 80))}"
    if not document.link:
        parts.append(f"`{escape(shorten(location(document), 80))}`")
    parts.append(f"updated {document.modified_at:%-d %b %Y}")
    return " · ".join(parts)


def feedback_buttons(answer: Answer) -> ui.Block:
    value = str(answer.record.id)
    return ui.actions(
        ui.button(":thumbsup: Helpful", HELPFUL, value),
        ui.button(":thumbsdown: Not helpful", UNHELPFUL, value),
        block_id=f"kb_feedback_{value}",
    )


def answer_reply(answer: Answer, where: str) -> Reply:
    """The answer with quotes and numbered sources, or "not found" with the closest documents."""
    if answer.found:
        quotes = [f"> {escape(q.text)} [{q.source}]" for q in answer.extract.quotes]
        body = "\n".join(quotes)
        sources = "\n".join(citation_line(c) for c in answer.citations if c.cited)
        also = list(
            dict.fromkeys(document_label(c.document) for c in answer.citations if not c.cited)
        )
        if also:
            sources += "\n_See also:_ " + ", ".join(also)
        text = f"{body}\n\n*Sources*\n{sources}"
        blocks = [ui.section(body), ui.context(f"*Sources*\n{sources}")]
    else:
        closest = list(dict.fromkeys(c.document.id for c in answer.citations))[:3]
        by_id = {c.document.id: c.document for c in answer.citations}
        lines = [f"• {closest_label(by_id[i])}" for i in closest]
        text = f"I couldn't find that in {where}."
        if lines:
            text += " The closest documents are:\n" + "\n".join(lines)
        blocks = [ui.section(text)]
    blocks.append(feedback_buttons(answer))
    text, blocks = ui.within_limits(text, blocks)
    return Reply(text=text, blocks=blocks)


def outcome_line(outcome: Outcome) -> str:
    """One ingest result for a person: what happened to which file."""
    name = escape(outcome.name)
    if outcome.status == FAILED:
        return f":warning: {escape(outcome.detail)}"
    if outcome.status == UNCHANGED:
        return f"*{name}* is already up to date."
    if outcome.status == REMOVED:
        return f"Removed *{name}* (its file is gone)."
    passages = outcome.document.chunk_count if outcome.document else 0
    verb = "Added" if outcome.status == "added" else "Updated"
    return f"{verb} *{name}* ({passages} passage{'s' if passages != 1 else ''})."


def documents_text(documents: list[KbDocument], where: str) -> str:
    if not documents:
        return f"No documents in {where} yet. " + ADD_HINT
    lines = [f"*{len(documents)} document{'s' if len(documents) != 1 else ''} in {where}*"]
    for document in documents[:MAX_LISTED]:
        lines.append(
            f"`#{document.id}` {document_label(document)} · {document.file_type} · "
            f"{document.chunk_count} passages · updated {document.modified_at:%-d %b %Y}"
        )
    if len(documents) > MAX_LISTED:
        lines.append(f"…and {len(documents) - MAX_LISTED} more (`livepmo kb list` shows all).")
    lines.append("Remove one with `kb remove #ID`.")
    return "\n".join(lines)


ADD_HINT = (
    "Share a .md, .txt, .pdf, .docx or .html file in the project's channel, or run "
    "`livepmo ingest PATH --project KEY`."
)
