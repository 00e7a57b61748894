"""How answers, document lists and the index status read in Slack and the console."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from bot.core import ui
from bot.core.messages import Reply
from bot.core.text import escape, link, mention, shorten
from knowledge.chunking import HEADING_SEPARATOR
from knowledge.markup import spans
from skills.kb.models import KbDocument

if TYPE_CHECKING:  # the answering stack (numpy, bm25s) loads with the first question
    from bot.llm.answers import Written
    from skills.kb.answers import Answer, Citation
    from skills.kb.service import Outcome

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
    """A document as every reply names it: its title, a link when it has one (escaped
    once, by `link` or here: escaped twice, Slack would show "&lt;" for "<")."""
    title = shorten(document.title, 80)
    return link(document.link, title) if document.link else f"*{escape(title)}*"


def mrkdwn(text: str) -> str:
    """Document text with its inline markup (`knowledge.markup`) as Slack mrkdwn, escaped:
    strong as *bold*, emphasis as _italics_, code as `code`, web links as links."""
    out = []
    for span in spans(" ".join(text.split())):
        if span.kind == "link" and span.url and span.url.startswith(("http", "mailto:")):
            out.append(link(span.url, span.text))
        elif span.kind in _MRKDWN and span.text.strip():
            mark = _MRKDWN[span.kind]
            body = escape(span.text if span.kind == "code" else span.text.replace(mark, ""))
            out.append(f"{mark}{body}{mark}")
        else:
            out.append(escape(span.text))
    return "".join(out)


_MRKDWN = {"strong": "*", "em": "_", "code": "`"}


def section_of(heading: str, title: str) -> str:
    """The heading path without the document's own title at its head."""
    parts = [p for p in heading.split(HEADING_SEPARATOR) if p]
    if parts and parts[0] == title:
        parts = parts[1:]
    return " › ".join(parts)


def place_label(citation: Citation) -> str:
    """The document and section: "*Title* › Section" (never a server path)."""
    label = document_label(citation.document)
    heading = section_of(citation.heading, citation.document.title)
    return f"{label} › {escape(shorten(heading, 80))}" if heading else label


def citation_line(citation: Citation) -> str:
    updated = f"updated {citation.document.modified_at:%-d %b %Y}"
    return f"[{citation.number}] {place_label(citation)} · {updated}"


def feedback_buttons(answer: Answer) -> ui.Block:
    value = str(answer.record.id)
    return ui.actions(
        ui.button(":thumbsup: Helpful", HELPFUL, value),
        ui.button(":thumbsdown: Not helpful", UNHELPFUL, value),
        block_id=f"kb_feedback_{value}",
    )


def ask_line(contacts: list[str]) -> str:
    """Who to ask when the documents don't say: the project's PM(s)."""
    if not contacts:
        return "A project PM may know, and can add a document that says."
    people = " or ".join(mention(c) for c in contacts[:3])
    return f"Ask {people} (PM), who may know, and can add a document that says."


def sources_text(answer: Answer) -> str:
    """Numbered cited sources, then *See also* for the close documents not quoted."""
    lines = [citation_line(c) for c in answer.citations if c.cited]
    also = list(dict.fromkeys(place_label(c) for c in answer.citations if not c.cited))
    if also:
        lines.append("_See also:_ " + ", ".join(also))
    return "*Sources*\n" + "\n".join(lines)


def draft_text(written: Written) -> str:
    """A model's answer while it is being written: its checked sentences so far."""
    return f"{escape(written.text)}\n\n_Still writing…_"


def answer_reply(answer: Answer, where: str) -> Reply:
    """The answer (the direct sentence first, at most three quotes, numbered sources, See
    also); or the closest passage under a caveat; or "not found" with the closest
    sections and who to ask."""
    quotes = "\n".join(f"> {mrkdwn(q.text)} [{q.source}]" for q in answer.extract.quotes)
    if answer.written:  # a model's answer, checked against the cited passages
        quotes = escape(answer.written)
    if answer.verdict == "answer":
        sources = sources_text(answer)
        text = f"{quotes}\n\n{sources}"
        blocks = [ui.section(quotes), ui.context(sources)]
    elif answer.verdict == "unsure":
        what, it = ("passages are", "them") if answer.extract.cited > 1 else ("passage is", "it")
        caveat = (
            f":warning: I'm not sure {where} answer this. The closest {what} below: "
            f"check {it} before you rely on {it}."
        )
        sources = sources_text(answer)
        ask = ask_line(answer.contacts)
        text = f"{caveat}\n{quotes}\n\n{sources}\n{ask}"
        blocks = [ui.section(caveat), ui.section(quotes), ui.context(f"{sources}\n{ask}")]
    else:
        closest = list(dict.fromkeys(place_label(c) for c in answer.citations))[:3]
        text = f"I couldn't find that in {where}."
        if closest:
            text += " The closest sections are:\n" + "\n".join(f"• {c}" for c in closest)
        text += "\n" + ask_line(answer.contacts)
        blocks = [ui.section(text)]
    blocks.append(feedback_buttons(answer))
    text, blocks = ui.within_limits(text, blocks)
    return Reply(text=text, blocks=blocks)


def outcome_line(outcome: Outcome) -> str:
    """One ingest result for a person: what happened to which document (`Outcome.name`: its
    title, as `kb list` shows it)."""
    from skills.kb.service import FAILED, REMOVED, UNCHANGED

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
