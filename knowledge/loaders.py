"""Load .md, .txt, .rst, .html, .pdf and .docx files into ``LoadedDocument`` blocks.

Every refusal is a ``DocumentLoadError`` subclass carrying a ``user_message``
that says what is wrong and what to do, so the bot can reply per file. PDF, Word and
HTML are parsed in a child process with a memory and time budget, a .docx only after its
zip directory passed `knowledge.untrusted.check_zip`.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from knowledge.documents import (
    BinaryFile,
    Block,
    DocumentLoadError,
    EmptyDocument,
    FileTooLarge,
    LoadedDocument,
    OverBudget,
    UnsupportedFileType,
)
from knowledge.office_formats import parse_docx, parse_pdf
from knowledge.text_formats import parse_html, parse_markdown, parse_plain_text, parse_rst
from knowledge.untrusted import FileRefused, check_zip, preload, run_bounded

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

FILE_TYPES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".rst": "rst",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
SUPPORTED_EXTENSIONS = tuple(sorted(FILE_TYPES))
BOUNDED_TYPES = frozenset({"pdf", "docx", "html"})  # parsers that can be made to explode
ZIP_TYPES = frozenset({"docx"})
preload(__name__, "docx", "pypdf", "bs4")
_BINARY_MAGIC = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a zip or Office file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office file",
}


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def file_type_for(filename: str) -> str:
    """The loader kind for ``filename`` (e.g. ``"pdf"``).

    Raises:
        UnsupportedFileType: the extension is not one we read.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in FILE_TYPES:
        kind = f"{suffix} files" if suffix else "Files without an extension"
        raise UnsupportedFileType(
            filename,
            f"isn't something I can read: {kind} aren't supported. "
            f"Upload one of: {', '.join(SUPPORTED_EXTENSIONS)}.",
        )
    return FILE_TYPES[suffix]


def check_size(filename: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise ``FileTooLarge`` when ``size`` exceeds ``max_bytes``."""
    if size > max_bytes:
        raise FileTooLarge(
            filename,
            f"is {_size_text(size)}, over the {_size_text(max_bytes)} limit; "
            "split it into smaller files and upload those.",
        )


def decode_text(data: bytes, filename: str) -> str:
    """Decode a text file (UTF-8 or UTF-16 with BOM, else Windows-1252), refusing binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # judged below like any other bytes
    head = data[:8192]
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise BinaryFile(
                filename, f"looks like {kind}, not text; check the file and its extension."
            )
    if b"\x00" in head:
        raise BinaryFile(filename, "is a binary file, not text; upload a text export instead.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and (controls + sample.count("\ufffd")) / len(sample) > 0.05:
        raise BinaryFile(filename, "is a binary file, not text; upload a text export instead.")
    return text


def _parse(data: bytes, filename: str, file_type: str) -> tuple[list[Block], str | None]:
    """Parse in a child with a budget where the format needs one, else here."""
    if file_type not in BOUNDED_TYPES:
        return _parse_here(data, filename, file_type)
    try:
        if file_type in ZIP_TYPES:
            check_zip(data)
        return run_bounded(_parse_here, data, filename, file_type)
    except FileRefused as exc:
        cls = FileTooLarge if exc.code == "unpacks_too_large" else OverBudget
        raise cls(filename, exc.detail) from None


def _parse_here(data: bytes, filename: str, file_type: str) -> tuple[list[Block], str | None]:
    if file_type == "pdf":
        return parse_pdf(data, filename)
    if file_type == "docx":
        return parse_docx(data, filename)
    text = decode_text(data, filename)
    if file_type == "markdown":
        return parse_markdown(text)
    if file_type == "html":
        return parse_html(text)
    if file_type == "rst":
        return parse_rst(text), None
    # A heading found in plain text is a guess (``parse_plain_text``): it names a section,
    # never the document, which keeps its file name.
    return parse_plain_text(text), Path(filename).stem


def load_bytes(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Parse an uploaded file's bytes; ``filename`` picks the format.

    Raises:
        DocumentLoadError: a subclass naming the problem (type, size, binary,
            corrupt, password, empty).
    """
    name = Path(filename).name or filename
    file_type = file_type_for(name)
    check_size(name, len(data), max_bytes)
    blocks, title = _parse(data, name, file_type)
    blocks = [b for b in blocks if b.text.strip()]
    if not any(not b.is_heading for b in blocks):
        hint = " If it is a scan, run OCR on it first." if file_type == "pdf" else ""
        raise EmptyDocument(name, f"has no text I can index.{hint}")
    if not title:
        title = next((b.text for b in blocks if b.is_heading), None)
    return LoadedDocument(
        title=title or Path(name).stem,
        blocks=tuple(blocks),
        file_type=file_type,
        source=filename,
    )


def load_document(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedDocument:
    """Load a file from disk; the size limit is checked before anything is read.

    Raises:
        DocumentLoadError: as for ``load_bytes``; also when the file cannot be opened.
    """
    path = Path(path)
    file_type_for(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentLoadError(path.name, f"couldn't be opened ({exc.strerror}).") from exc
    check_size(path.name, size, max_bytes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentLoadError(path.name, f"couldn't be read ({exc.strerror}).") from exc
    document = load_bytes(data, path.name, max_bytes=max_bytes)
    return LoadedDocument(
        title=document.title,
        blocks=document.blocks,
        file_type=document.file_type,
        source=str(path),
    )
