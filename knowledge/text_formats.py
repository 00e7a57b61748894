"""Parse Markdown, reStructuredText, HTML and plain text into heading/paragraph blocks.

The parsers are deliberately small: they find headings and paragraphs well enough
for chunking and citations, and keep all readable text; they are not renderers.
Inline markup is kept in one form for every format (``knowledge.markup``: strong,
emphasis, code and ``[label](url)`` links); headings are plain text. A table's rows
become paragraphs of their own, each cell named by its column header
("Milestone: Go-live · Date: 3 March 2027").
"""

from __future__ import annotations

import re

from knowledge.documents import Block
from knowledge.markup import plain

_ATX_OPENING = re.compile(r" {0,3}(#{1,6})(?![^ \t])")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# No run of brackets here may pass the next opening one, so each pattern scans a text once
# however many open without closing ("[[[[…" would otherwise take time quadratic in it).
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_MD_REF_LINK = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MD_TABLE_ROW = re.compile(r"\S.*\|")
_MD_SEPARATOR_CELL = re.compile(r"\s*:?-{2,}:?\s*")
_MD_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_RST_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_RST_DIRECTIVE = re.compile(r"^\.\.\s+[\w:-]+::")
_RST_ROLE = re.compile(r":[\w:+-]{1,40}:`([^`<]*?)\s*(?:<[^<>`]*>)?`")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<((?:https?|mailto):[^<>`]+)>`__?")
_RST_TARGET_LINK = re.compile(r"`([^`<]+?)\s*<[^<>`]+>`__?")
_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_REFERENCE = re.compile(r"`([^`<]+)`__?")


def paragraph_blocks(lines: list[str]) -> list[Block]:
    """Group lines into paragraph blocks separated by blank lines."""
    blocks, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(Block("\n".join(current).strip()))
            current = []
    return blocks


# A plain-text heading: a section number ("5.", "2.1", "A)") and a few words.
_SECTION_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]?|[A-Z][.)])\s+(?=\S)")
_LIST_MARK = re.compile(r"^[-*+•>]\s")
CODE_LIKE = re.compile(r"[=$`{}<>|\\/@#\[\]~^*_]|(?:^|\s)-\w|\w\.\w")
"""Characters of code, commands, paths, markup and addresses rather than of titles."""
_MAX_HEADING_WORDS = 8
_MAX_HEADING_CHARS = 70


def _title_like(line: str) -> bool:
    """A short line that reads like a title: a few words, starting with a capital or a
    section number, with no sentence punctuation at its end, no "label: value" colon,
    and none of the characters of code, commands, paths or addresses."""
    text = line.strip()
    title = _SECTION_NUMBER.sub("", text)
    words = title.split()
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and len(text) <= _MAX_HEADING_CHARS
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".,;:!?-("
        and ":" not in text
        and not _LIST_MARK.match(text)
        and not CODE_LIKE.search(title)
        and any(ch.isalpha() for ch in words[0])
    )


def _heading_line(lines: list[str], *, followed: bool) -> bool:
    """Whether the first of a paragraph's ``lines`` is a heading.

    Alone, it needs a paragraph after it (``followed``); above other lines, the next
    must start a sentence (not continue a wrapped one) and the line must be clearly
    shorter than the paragraph's others (a wrapped line fills the width).
    """
    first = lines[0]
    if first[:1].isspace() or not _title_like(first):
        return False
    if len(lines) == 1:
        return followed
    after = lines[1].strip()
    if lines[1][:1].isspace() or not (after[:1].isupper() or after[:1].isdigit()):
        return False
    return len(first.strip()) < 0.6 * max(len(line.strip()) for line in lines[1:])


def parse_plain_text(text: str) -> list[Block]:
    """Plain text: paragraphs separated by blank lines; a short title-like line at the
    start of a paragraph (``_heading_line``) is a heading, its section number dropped
    ("5. Code freeze" -> "Code freeze", so that it never reads as a list item).

    Plain text has no heading levels: every heading is level 1, one after another.
    """
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines() + [""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append(current)
            current = []
    blocks: list[Block] = []
    for number, lines in enumerate(paragraphs):
        if _heading_line(lines, followed=number + 1 < len(paragraphs)):
            blocks.append(Block(_SECTION_NUMBER.sub("", lines[0].strip()), level=1))
            lines = lines[1:]
        if lines:
            blocks.append(Block("\n".join(lines).strip()))
    return blocks


TABLE_CELL_SEPARATOR = " · "


def table_rows(rows: list[list[str]], *, header: bool = True) -> list[str]:
    """Table rows as lines, each cell named by its column header when there is one.

    ``[["Milestone", "Date"], ["Go-live", "3 March 2027"]]`` gives
    ``["Milestone: Go-live · Date: 3 March 2027"]``. Empty cells are left out.
    """
    rows = [[" ".join(cell.split()) for cell in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    names = rows[0] if header and len(rows) > 1 else []
    lines = []
    for row in rows[1:] if names else rows:
        cells = []
        for i, cell in enumerate(row):
            if not cell:
                continue
            name = plain(names[i]) if i < len(names) else ""
            cells.append(f"{name}: {cell}" if name and name != cell else cell)
        if cells:
            lines.append(TABLE_CELL_SEPARATOR.join(cells))
    return lines


def _without_comments(text: str) -> str:
    """``text`` without its HTML comments (``<!-- … -->``), in one pass: a comment that
    never closes is kept, as are the ones after it (none of them can close either)."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        kept.append(text[position:start])
        position = end + 3
    kept.append(text[position:])
    return "".join(kept)


def _atx_heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and text ("## Scope ##" gives (2, "Scope")), else None.

    Read with string operations: one regex for the whole line backtracked through a long
    run of spaces in it, in time quadratic in the run.
    """
    opening = _ATX_OPENING.match(line)
    if not opening:
        return None
    text = line[opening.end() :].strip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare[-1:] in (" ", "\t"):  # a closing run of #s
        text = bare.rstrip(" \t")
    return len(opening.group(1)), text


def _table_separator(line: str) -> bool:
    """A Markdown table's separator row ("| --- | :--: |"), cell by cell (see `_atx_heading`)."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return all(_MD_SEPARATOR_CELL.fullmatch(cell) for cell in row.split("|"))


def _clean_markdown_inline(text: str) -> str:
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"[\1](\1)", text)
    return _MD_REF_LINK.sub(r"\1", text)


def _markdown_table(lines: list[str]) -> list[Block]:
    """A Markdown table (header, separator, rows) as one block per row."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    rows = [rows[0], *rows[2:]]
    return [Block(_clean_markdown_inline(row)) for row in table_rows(rows)]


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
    lines, title = _strip_front_matter(_without_comments(text).splitlines())
    blocks: list[Block] = []
    para: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if para:
            blocks.append(Block(_clean_markdown_inline("\n".join(para)).strip()))
            para.clear()

    table: list[str] = []
    for number, line in enumerate(lines):
        if table:
            if _MD_TABLE_ROW.match(line):
                table.append(line)
                continue
            blocks.extend(_markdown_table(table))
            table.clear()
        if (
            not fence
            and _MD_TABLE_ROW.match(line)
            and number + 1 < len(lines)
            and _table_separator(lines[number + 1])
            and "|" in lines[number + 1]
        ):
            flush()
            table.append(line)
            continue
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
        atx = _atx_heading(line)
        setext = _SETEXT.match(line)
        if atx:
            flush()
            heading = plain(_clean_markdown_inline(atx[1].strip()))
            if heading:
                blocks.append(Block(heading, level=atx[0]))
        elif setext and len(para) == 1:
            heading = plain(_clean_markdown_inline(para.pop().strip()))
            blocks.append(Block(heading, level=1 if setext.group(1)[0] == "=" else 2))
        elif not line.strip():
            flush()
        elif not _MD_REF_DEF.match(line):
            para.append(line.rstrip())
    flush()
    if table:
        blocks.extend(_markdown_table(table))
    return [b for b in blocks if b.text], title


def _clean_rst_inline(text: str) -> str:
    """reST inline markup in the common form: literals as `code`, web links as [label](url)."""
    text = _RST_LITERAL.sub(r"`\1`", text)
    text = _RST_ROLE.sub(r"\1", text)
    text = _RST_LINK.sub(r"[\1](\2)", text)
    text = _RST_TARGET_LINK.sub(r"\1", text)
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
        blocks.append(Block(plain(_clean_rst_inline(title.strip())), level=styles.index(style) + 1))

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


from knowledge.html_format import parse_html  # noqa: E402 - uses table_rows above

__all__ = ["parse_html", "parse_markdown", "parse_plain_text", "parse_rst", "table_rows"]
