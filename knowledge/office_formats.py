"""Extract text blocks from PDF (pypdf) and Word .docx (python-docx) files."""

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

logger = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)


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
    title = None
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:
        logger.debug("PDF metadata unreadable", exc_info=True)
    return blocks, (str(title).strip() or None) if title else None


def _docx_table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


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
            rows = _docx_table_rows(item)
            if rows:
                blocks.append(Block("\n".join(rows)))
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
