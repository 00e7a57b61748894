"""Parse HTML into heading/paragraph blocks (``parse_html``).

h1-h6 become headings and block elements paragraphs; inline ``<a href>``,
``<strong>``/``<b>``, ``<em>``/``<i>`` and ``<code>`` become the common inline
markup (``knowledge.markup``); a table's rows become one paragraph each, cells
named by their column header.
"""

from __future__ import annotations

import re
from typing import Any

from knowledge.documents import Block
from knowledge.markup import plain

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "form", "head"}
_MAX_FOOTER_LINK_SHARE = 0.5
"""A footer whose text is at least this much link text is navigation (dropped)."""
_BLOCK = {
    "p", "div", "li", "ul", "ol", "pre", "blockquote", "section", "article", "main",
    "dl", "dt", "dd", "figure", "figcaption", "br", "hr", "header", "aside", "details",
    "summary", "address", "body", "html", "tr", "thead", "tbody", "footer",
}  # fmt: skip
_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
_WEB_LINK = re.compile(r"^(?:https?://|mailto:)\S+$")


def _table_rows(table: Any) -> tuple[list[list[str]], bool]:
    """A table's cell texts, row by row, and whether its first row is a header."""
    rows: list[list[str]] = []
    header = False
    for number, row in enumerate(table.find_all("tr")):
        cells = row.find_all(["td", "th"], recursive=False)
        if number == 0:
            header = bool(cells) and (
                all(c.name == "th" for c in cells) or row.find_parent("thead") is not None
            )
        rows.append([" ".join(c.get_text(" ", strip=True).split()) for c in cells])
    return rows, header


def _is_navigation(footer: Any) -> bool:
    """A footer made of links (site map, "Privacy · Terms · Contact") or holding a menu
    or a form (newsletter, cookie consent) is navigation; one of plain text (an owner,
    a review date, a note) is content. Link density is the usual boilerplate cue."""
    if footer.find(["nav", "form", "button", "input"]) is not None:
        return True
    text = len("".join(footer.get_text(" ", strip=True).split()))
    links = sum(len("".join(a.get_text(" ", strip=True).split())) for a in footer.find_all("a"))
    return not text or links >= _MAX_FOOTER_LINK_SHARE * text


def parse_html(text: str) -> tuple[list[Block], str | None]:
    """HTML: h1-h6 become headings; block elements become paragraphs.

    Returns the blocks and the ``<title>``, if any. Scripts, styles, navigation and
    footers that are navigation (``_is_navigation``) are dropped; a page footer of text
    is kept, in the page's introduction (``_with_page_notes``). ``<main>`` or
    ``<article>`` is preferred when present.
    """
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment

    from knowledge.text_formats import table_rows

    soup = BeautifulSoup(text, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    for footer in soup.find_all("footer"):
        if not footer.decomposed and _is_navigation(footer):
            footer.decompose()
    for tag in soup.find_all(_SKIP):
        if not tag.decomposed:
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    page_footers = [  # about the whole page, not its last section: read apart, see below
        footer.extract()
        for footer in root.find_all("footer")
        if footer.find_parent(["article", "section", "footer"]) in (None, root)
    ]
    blocks: list[Block] = []
    inline: list[str] = []

    def flush() -> None:
        joined = re.sub(r"[ \t\r\f\v]+", " ", "".join(inline))
        joined = "\n".join(line.strip() for line in joined.split("\n") if line.strip())
        if joined:
            blocks.append(Block(joined))
        inline.clear()

    def marked(node: Tag, in_pre: bool) -> None:
        """An inline element: its text wrapped in its markup (when it has text)."""
        start = len(inline)
        walk(node, in_pre)
        inner = "".join(inline[start:])
        del inline[start:]
        content = inner.strip()
        href = str(node.get("href") or "") if node.name == "a" else ""
        if not content or in_pre:
            inline.append(inner)
        elif node.name == "a":
            label = plain(content)
            inline.append(f"[{label}]({href})" if _WEB_LINK.match(href) else label)
        else:
            mark = _MARKS[node.name or ""]
            lead = inner[: len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()) :]
            body = content if mark == "`" else plain(content)
            inline.append(f"{lead}{mark}{body}{mark}{trail}")

    def walk(node: Tag, in_pre: bool = False) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                inline.append(str(child) if in_pre else str(child).replace("\n", " "))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name or ""
            if re.fullmatch(r"h[1-6]", name):
                flush()
                heading = child.get_text(" ", strip=True)
                if heading:
                    blocks.append(Block(heading, level=int(name[1])))
            elif name == "table":
                flush()
                rows, header = _table_rows(child)
                blocks.extend(Block(row) for row in table_rows(rows, header=header))
            elif name in _BLOCK:
                flush()
                walk(child, in_pre or name == "pre")
                flush()
            elif name == "a" or name in _MARKS:
                marked(child, in_pre)
            else:
                walk(child, in_pre)

    walk(root)
    flush()
    body = blocks
    blocks = []
    for footer in page_footers:
        walk(footer)
        flush()
    return _with_page_notes(body, blocks), title


def _with_page_notes(body: list[Block], notes: list[Block]) -> list[Block]:
    """``body`` with a page footer's ``notes`` in its introduction (after a leading
    heading and the paragraphs before the next heading): the footer speaks for the
    whole page ("Owner: Finance Operations"), not for the last section above it."""
    at = 1 if body and body[0].is_heading else 0
    while at < len(body) and not body[at].is_heading:
        at += 1
    return [*body[:at], *notes, *body[at:]]
