"""Inline markup kept in passages: one small Markdown subset for every format.

The parsers turn Markdown, reStructuredText and HTML inline markup into the same
forms — ``**strong**``, ``*emphasis*`` (or ``_emphasis_``), ``` `code` ``` and
``[label](url)`` — so a quote can be shown with its emphasis, code and links.
``plain`` strips them (for search, embeddings and comparisons); ``spans`` splits a
text into typed pieces for a renderer (Slack mrkdwn lives with the skill, which
escapes each piece).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "strong", "em", "code", "link"]

# Each opening mark is read at most to the next mark of its kind, so the time is linear in
# the text however many marks never close ("**a**a**a…" and "[[[…" were quadratic).
_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\[\]]+)\]\((?P<url>[^()\s]+(?:\([^()\s]*\))?)(?:\s+\"[^\"]*\")?\)"
    r"|(?P<sd>\*\*|__)(?=\S)(?P<strong>(?:(?!(?P=sd))[^\n]|\n(?!\s*\n))+?)(?<=\S)(?P=sd)(?!\w)"
    r"|(?<![\w*])\*(?=[^\s*])(?P<em>[^*]+?)(?<=[^\s*])\*(?![\w*])"
    r"|(?<![\w])_(?=[^\s_])(?P<em2>[^_]+?)(?<=[^\s_])_(?!\w)"
)


@dataclass(frozen=True)
class Span:
    """A piece of inline text: plain text, strong, emphasis, code or a link (``url``)."""

    kind: Kind
    text: str
    url: str | None = None


def spans(text: str) -> list[Span]:
    """``text`` as spans, in order; markup that does not close is plain text."""
    out: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            out.append(Span("text", text[position : match.start()]))
        if match.group("code") is not None:
            out.append(Span("code", match.group("code")))
        elif match.group("label") is not None:
            out.append(Span("link", plain(match.group("label")), match.group("url")))
        elif match.group("strong") is not None:
            out.append(Span("strong", plain(match.group("strong"))))
        else:
            out.append(Span("em", plain(match.group("em") or match.group("em2"))))
        position = match.end()
    if position < len(text):
        out.append(Span("text", text[position:]))
    return out


def plain(text: str) -> str:
    """``text`` without inline markup: links become their label, markers go."""
    if not any(c in text for c in "`[*_"):
        return text
    return "".join(span.text for span in spans(text))
