"""Slack links in a message: their text kept for the title, and the item's external reference."""

from __future__ import annotations

import re

_LINK = re.compile(r"<(?P<url>https?://[^<>|\s]{1,500})\|(?P<text>[^<>]{1,200})>")
_TICKET = r"[A-Z][A-Z0-9]{0,9}-\d{1,6}"
_REF = re.compile(
    rf"^\W*(?P<a>{_TICKET})\b"  # "R-001: ...", "ATL-12 may slip"
    rf"|\b(?:ref(?:erence)?|ticket|jira|id|see)\s*[:#]?\s*(?P<b>{_TICKET})\b",
    re.IGNORECASE,
)


_POINTER = re.compile(r"(?:see|ref|reference|ticket|jira|link|details|cf\.?|via|in)\s*:?\s*$", re.I)


def with_link_text(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each ``<url|label>`` that is part of a sentence replaced by its label,
    padded to the same length (offsets stay valid), and the spans replaced: "<https://x/ATL-12|
    ATL-12> may slip" reads "ATL-12 ... may slip"; "see <https://x|X-1>" is left as it is."""
    spans: list[tuple[int, int]] = []

    def label(m: re.Match[str]) -> str:
        if _POINTER.search(text[max(0, m.start() - 12) : m.start()]):
            return m.group()
        spans.append(m.span())
        return m.group("text").ljust(len(m.group()))

    return _LINK.sub(label, text), spans


def external_ref(text: str) -> str | None:
    """The id the message gives the item elsewhere: a ticket key ("ATL-12", "R-001") that opens
    it or follows "ref"/"ticket", or a link whose label is one (then the link's address)."""
    for m in _LINK.finditer(text[:4000]):
        if re.fullmatch(_TICKET, m.group("text").strip()):
            return m.group("url")
    m = _REF.search(with_link_text(text[:4000])[0])
    if m is None:
        return None
    ref = m.group("a") or m.group("b")
    return ref if re.fullmatch(_TICKET, ref) else None
