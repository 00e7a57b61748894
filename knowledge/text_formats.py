"""Parse Markdown, reStructuredText, HTML and plain text into heading/paragraph blocks.

The parsers are deliberately small: they find headings and paragraphs well enough
for chunking and citations, and keep all readable text; they are not renderers.
"""

from __future__ import annotations

import re

from knowledge.documents import Block

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RST_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_RST_DIRECTIVE = re.compile(r"^\.\.\s+[\w:-]+::")
_RST_ROLE = re.compile(r":[\w:+-]+:`([^`<]*?)\s*(?:<[^>]*>)?`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]+>`__?")
_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_REFERENCE = re.compile(r"`([^`<]+)`__?")


def _paragraph_blocks(lines: list[str]) -> list[Block]:
    """Group lines into paragraph blocks separated by blank lines."""
    blocks, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(Block("\n".join(current).strip()))
            current = []
    return blocks


def parse_plain_text(text: str) -> list[Block]:
    """Plain text: paragraphs separated by blank lines, no headings."""
    return _paragraph_blocks(text.splitlines())


def _clean_markdown_inline(text: str) -> str:
    text = _MD_IMAGE.sub(r"\1", text)
    return _MD_LINK.sub(r"\1", text)


def _strip_front_matter(lines: list[str]) -> tuple[list[str], str | None]:
    """Drop a leading YAML front-matter block; return its ``title:`` if any."""
    if not lines or lines[0].strip() != "---":
        return lines, None
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            title = None
            for line in lines[1:end]:
                if line.lower().startswith("title:"):
                    title = line.split(":", 1)[1].strip().strip("\"'") or None
            return lines[end + 1 :], title
    return lines, None


def parse_markdown(text: str) -> tuple[list[Block], str | None]:
    """Markdown (ATX and setext headings, fenced code kept as text).

    Returns the blocks and the front-matter title, if there was one.
    """
    lines, title = _strip_front_matter(_HTML_COMMENT.sub("", text).splitlines())
    blocks: list[Block] = []
    para: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if para:
            blocks.append(Block(_clean_markdown_inline("\n".join(para)).strip()))
            para.clear()

    for line in lines:
        if fence:
            para.append(line)
            if line.strip().startswith(fence):
                fence = None
                flush()
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            flush()
            fence = fence_match.group(1)
            para.append(line)
            continue
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            flush()
            heading = _clean_markdown_inline((atx.group(2) or "").strip())
            if heading:
                blocks.append(Block(heading, level=len(atx.group(1))))
        elif setext and len(para) == 1:
            heading = _clean_markdown_inline(para.pop().strip())
            blocks.append(Block(heading, level=1 if setext.group(1)[0] == "=" else 2))
        elif not line.strip():
            flush()
        elif not _MD_REF_DEF.match(line):
            para.append(line.rstrip())
    flush()
    return [b for b in blocks if b.text], title


def _clean_rst_inline(text: str) -> str:
    text = _RST_ROLE.sub(r"\1", text)
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_LITERAL.sub(r"\1", text)
    return _RST_REFERENCE.sub(r"\1", text)


def parse_rst(text: str) -> list[Block]:
    """reStructuredText: underlined (optionally overlined) section titles become headings.

    Heading levels follow the order in which adornment styles first appear, as in
    docutils. Directive lines and their options are dropped, their content kept;
    comments and link targets are dropped.
    """
    lines = text.splitlines()
    styles: list[tuple[str, bool]] = []
    blocks: list[Block] = []
    para: list[str] = []
    skip_indented = False
    i = 0

    def flush() -> None:
        if para:
            blocks.append(Block(_clean_rst_inline("\n".join(para)).strip()))
            para.clear()

    def heading(title: str, char: str, overline: bool) -> None:
        flush()
        style = (char, overline)
        if style not in styles:
            styles.append(style)
        blocks.append(Block(_clean_rst_inline(title.strip()), level=styles.index(style) + 1))

    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after = lines[i + 2] if i + 2 < len(lines) else ""
        if skip_indented:
            if not line.strip() or line[:1].isspace():
                i += 1
                continue
            skip_indented = False
        over = _RST_ADORNMENT.match(line)
        if over and nxt.strip() and _RST_ADORNMENT.match(after) and after[0] == line[0]:
            heading(nxt, line[0], True)
            i += 3
            continue
        under = _RST_ADORNMENT.match(nxt)
        if (
            line.strip()
            and not para
            and under
            and not _RST_ADORNMENT.match(line)
            and len(nxt.rstrip()) >= min(len(line.strip()), 3)
        ):
            heading(line, nxt[0], False)
            i += 2
            continue
        if line.startswith("__ "):  # anonymous link target
            flush()
            skip_indented = True
            i += 1
            continue
        if line.startswith(".."):
            flush()
            if _RST_DIRECTIVE.match(line):
                argument = line.split("::", 1)[1].strip()
                if argument and not line.startswith((".. image", ".. figure")):
                    para.append(argument)
                    flush()
                i += 1
                while i < len(lines) and re.match(r"^\s+:[\w -]+:", lines[i]):
                    i += 1  # directive options
                continue
            skip_indented = True  # comment, link target or substitution
            i += 1
            continue
        if line.strip():
            para.append(line.strip() if line[:1].isspace() else line.rstrip())
        else:
            flush()
        i += 1
    flush()
    return [b for b in blocks if b.text]


_HTML_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "form", "head"}
_HTML_BLOCK = {
    "p", "div", "li", "ul", "ol", "pre", "blockquote", "section", "article", "main",
    "table", "tr", "thead", "tbody", "dl", "dt", "dd", "figure", "figcaption", "br",
    "hr", "header", "aside", "details", "summary", "address", "body", "html",
}  # fmt: skip
_HTML_CELL = {"td", "th"}


def parse_html(text: str) -> tuple[list[Block], str | None]:
    """HTML: h1-h6 become headings; block elements become paragraphs.

    Returns the blocks and the ``<title>``, if any. Scripts, styles, navigation
    and footers are dropped; ``<main>`` or ``<article>`` is preferred when present.
    """
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment

    soup = BeautifulSoup(text, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    for tag in soup.find_all(_HTML_SKIP):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    inline: list[str] = []

    def flush() -> None:
        joined = re.sub(r"[ \t\r\f\v]+", " ", "".join(inline))
        lines = (part.strip().removesuffix("|").strip() for part in joined.split("\n"))
        joined = "\n".join(line for line in lines if line)
        if joined:
            blocks.append(Block(joined))
        inline.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                inline.append(str(child) if node.name == "pre" else str(child).replace("\n", " "))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name or ""
            if re.fullmatch(r"h[1-6]", name):
                flush()
                heading = child.get_text(" ", strip=True)
                if heading:
                    blocks.append(Block(heading, level=int(name[1])))
            elif name in _HTML_BLOCK:
                flush()
                walk(child)
                flush()
            elif name in _HTML_CELL:
                walk(child)
                inline.append(" | ")
            else:
                walk(child)

    walk(root)
    flush()
    return blocks, title
