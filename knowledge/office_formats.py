"""Extract text blocks from PDF (pypdf) and Word .docx (python-docx) files.

A PDF's title is its metadata title when that is a real one, else the text set in
the largest type on its first page; a Word table's rows become one block each, the
cells named by the header row ("Milestone: Go-live · Date: 3 March 2027").
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from knowledge.documents import (
    Block,
    CorruptDocument,
    PasswordProtected,
)
from knowledge.text_formats import table_rows

logger = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)
# Metadata titles that name the file or the tool rather than the document.
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled|title|document\d*|microsoft (?:word|powerpoint) - .*"
    r"|.*\.(?:docx?|pdf|pptx?|txt))$",
    re.I,
)
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s")


def _pdf_paragraphs(page_text: str, page: int) -> list[Block]:
    """Turn one page's extracted text into paragraphs (blank-line separated)."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", page_text)  # re-join hyphenated words
    blocks = []
    for part in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in part.splitlines() if line.strip()]
        if lines:
            blocks.append(Block(" ".join(lines), page=page))
    return blocks


def _pdf_outline(reader: Any) -> dict[int, list[Block]]:
    """Bookmarks as heading blocks, keyed by the 0-based page they point to."""
    headings: dict[int, list[Block]] = {}

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
                title = str(item.title).strip()
            except Exception:  # a broken bookmark should not lose the document
                continue
            if title and page is not None and page >= 0:
                headings.setdefault(page, []).append(
                    Block(title, level=min(level, 6), page=page + 1)
                )

    try:
        walk(reader.outline, 1)
    except Exception:
        logger.debug("PDF outline unreadable; continuing without headings", exc_info=True)
    return headings


def parse_pdf(data: bytes, filename: str) -> tuple[list[Block], str | None]:
    """Text of every page, with bookmarks as headings; returns blocks and the PDF title.

    Raises:
        CorruptDocument: not a readable PDF.
        PasswordProtected: the PDF needs a password to open.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    corrupt = CorruptDocument(
        filename, "isn't a readable PDF (it may be damaged); re-export it and upload it again."
    )
    locked = PasswordProtected(
        filename, "is password-protected; remove the password and upload it again."
    )
    if b"%PDF-" not in data[:1024]:
        raise corrupt
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise locked
            except (DependencyError, FileNotDecryptedError, NotImplementedError) as exc:
                raise locked from exc
        pages = list(reader.pages)
    except PasswordProtected:
        raise
    except FileNotDecryptedError as exc:
        raise locked from exc
    except Exception as exc:
        raise corrupt from exc

    outline = _pdf_outline(reader)
    blocks: list[Block] = []
    failures = 0
    for number, page in enumerate(pages):
        blocks.extend(outline.get(number, []))
        try:
            text = page.extract_text() or ""
        except Exception:
            failures += 1
            logger.warning("could not extract text from page %d of %s", number + 1, filename)
            continue
        blocks.extend(_pdf_paragraphs(text, number + 1))
    if pages and failures == len(pages):
        raise corrupt
    return blocks, _pdf_metadata_title(reader) or (_largest_text(pages[0]) if pages else None)


def _pdf_metadata_title(reader: Any) -> str | None:
    try:
        title = " ".join(str((reader.metadata or {}).get("/Title") or "").split())
    except Exception:
        logger.debug("PDF metadata unreadable", exc_info=True)
        return None
    return title if title and not _PLACEHOLDER_TITLE.match(title) else None


def _largest_text(page: Any) -> str | None:
    """The text set in the largest type on a page (a title), if it stands out and is
    not a numbered section heading such as "1 Introduction"."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        scale = max(abs(float(tm[0])), abs(float(tm[3])))
        scale *= max(abs(float(cm[0])), abs(float(cm[3])))
        if text.strip():
            runs.append((round(float(size or 0) * (scale or 1.0), 1), text))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:
        logger.debug("PDF type sizes unreadable", exc_info=True)
        return None
    sizes = [size for size, _ in runs]
    if not sizes or max(sizes) <= min(sizes):
        return None  # one size throughout: no title stands out
    largest = max(sizes)
    title = " ".join(" ".join(text for size, text in runs if size == largest).split())
    if not title or len(title) > 200 or _NUMBERED_HEADING.match(title):
        return None
    return title


def _docx_table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            text = " ".join(cell.text.split())
            cells.append("" if text == previous else text)  # merged cells repeat
            previous = text
        rows.append(cells)
    return table_rows(rows)


def parse_docx(data: bytes, filename: str) -> tuple[list[Block], str | None]:
    """Paragraphs and tables in order; "Heading N"/"Title" styles become headings.

    Raises:
        PasswordProtected: an encrypted Office file (stored as an OLE container).
        CorruptDocument: not a readable .docx.
    """
    if data.startswith(_OLE_MAGIC):
        raise PasswordProtected(
            filename,
            "looks password-protected (or is an old .doc file); remove the password "
            "or save it as .docx and upload it again.",
        )
    corrupt = CorruptDocument(
        filename, "isn't a readable Word document (it may be damaged); re-save it as .docx."
    )
    if not data.startswith(b"PK"):
        raise corrupt
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
        core_title = (document.core_properties.title or "").strip() or None
    except Exception as exc:
        raise corrupt from exc

    blocks: list[Block] = []
    style_title = None
    for item in items:
        if isinstance(item, Table):
            blocks.extend(Block(row) for row in _docx_table_rows(item))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        match = _HEADING_STYLE.match(style.strip())
        if style.strip().lower() == "title":
            style_title = style_title or text
        elif match:
            blocks.append(Block(text, level=max(1, min(int(match.group(1)), 6))))
        else:
            blocks.append(Block(text))
    return blocks, core_title or style_title
