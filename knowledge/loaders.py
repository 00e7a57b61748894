"""Load .md, .txt, .rst, .html, .pdf and .docx files into ``LoadedDocument`` blocks.

Every refusal is a ``DocumentLoadError`` subclass carrying a ``user_message``
that says what is wrong and what to do, so the bot can reply per file. Every file is
parsed (and, by ``load_passages``, chunked) in a child process with the same memory and
time budget, a .docx only after its zip directory passed `knowledge.untrusted.check_zip`;
only a text file of at most ``IN_PROCESS_MAX_BYTES`` is read here, since its parsers and
the chunker take time linear in it and it cannot come near the budget. ``load_passages``
also refuses a document longer than ``PassageBudget`` allows (characters, passages,
sentences): each passage and sentence is embedded when it is indexed.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from knowledge.chunking import Chunk, chunk_document
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
from knowledge.sentences import split_sentences
from knowledge.text_formats import parse_html, parse_markdown, parse_plain_text, parse_rst
from knowledge.untrusted import FileRefused, check_zip, preload, run_bounded

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
IN_PROCESS_MAX_BYTES = 64 * 1024
T = TypeVar("T")
_SPLIT = "split it into smaller files and upload those."


@dataclass(frozen=True)
class PassageBudget:
    """How much of one document is indexed; past it, a document is refused (split it).

    Each passage and each of its sentences is embedded, at about 0.25 ms of CPU a token
    and 2 ms a text at least (2 cores: 1 MB of prose, 1,227 passages and 5,323 sentences,
    took 116 s). The defaults admit about 3 MB of ordinary prose (1,500 passages and 8,000
    sentences a MB) and bound the embedding at about 10 minutes of CPU. ``characters`` is
    checked first, before chunking (which needs several times the text's memory).
    """

    characters: int = 8_000_000
    passages: int = 5_000
    sentences: int = 50_000

    def check_text(self, filename: str, text: str) -> None:
        """Raise ``OverBudget`` when a document's text is longer than allowed."""
        if len(text) > self.characters:
            raise OverBudget(
                filename,
                f"holds {len(text) / 1e6:,.1f} million characters of text, more than the "
                f"{self.characters / 1e6:,g} million I index from one document; {_SPLIT}",
            )

    def check_passages(self, filename: str, chunks: Sequence[Chunk]) -> None:
        """Raise ``OverBudget`` when ``chunks`` are more passages or sentences than allowed."""
        if len(chunks) > self.passages:
            raise OverBudget(
                filename,
                f"makes {len(chunks):,} passages, more than the {self.passages:,} I index "
                f"from one document; {_SPLIT}",
            )
        if sum(len(chunk.text) for chunk in chunks) < 2 * self.sentences:
            return  # a sentence takes two characters at least (a letter and a break)
        # the sentences `knowledge.passages.embed_sentences` embeds
        sentences = sum(len(split_sentences(chunk.text)) for chunk in chunks)
        if sentences > self.sentences:
            raise OverBudget(
                filename,
                f"has {sentences:,} sentences, more than the {self.sentences:,} I index "
                f"from one document; {_SPLIT}",
            )


PASSAGE_BUDGET = PassageBudget()

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
BOUNDED_TYPES = frozenset({"pdf", "docx", "html"})  # in a child whatever their size
ZIP_TYPES = frozenset({"docx"})
preload(__name__, "docx", "pypdf", "bs4", "knowledge.chunking", "knowledge.sentences")
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
            f"is {_size_text(size)}, over the {_size_text(max_bytes)} limit; {_SPLIT}",
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


def _read(func: Callable[..., T], data: bytes, filename: str, max_bytes: int, *args: Any) -> T:
    """``func(data, filename, file_type, *args)`` for a file of a type we read and within
    ``max_bytes``: in a child with the memory and time budget of `knowledge.untrusted`, or
    here for a text file of at most ``IN_PROCESS_MAX_BYTES``.

    Raises:
        DocumentLoadError: a refusal (type, size, budget), or whatever `func` raised.
    """
    name = Path(filename).name or filename
    file_type = file_type_for(name)
    check_size(name, len(data), max_bytes)
    if file_type not in BOUNDED_TYPES and len(data) <= IN_PROCESS_MAX_BYTES:
        return func(data, filename, file_type, *args)
    try:
        if file_type in ZIP_TYPES:
            check_zip(data)
        return run_bounded(func, data, filename, file_type, *args)
    except FileRefused as exc:
        cls = FileTooLarge if exc.code == "unpacks_too_large" else OverBudget
        raise cls(name, exc.detail) from None


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
            corrupt, password, empty, over the memory or time budget).
    """
    return _read(_document, data, filename, max_bytes)


def load_passages(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget: PassageBudget | None = None,
) -> tuple[LoadedDocument, list[Chunk]]:
    """``load_bytes`` and ``chunk_document`` under one memory and time budget, refused
    past ``budget`` (``PASSAGE_BUDGET``) before anything is embedded or saved.

    Raises:
        DocumentLoadError: as ``load_bytes``; ``OverBudget`` for too many passages or
            sentences.
    """
    return _read(_passages, data, filename, max_bytes, budget or PASSAGE_BUDGET)


def _passages(
    data: bytes, filename: str, file_type: str, budget: PassageBudget
) -> tuple[LoadedDocument, list[Chunk]]:
    document = _document(data, filename, file_type)
    name = Path(filename).name or filename
    budget.check_text(name, document.text)
    chunks = chunk_document(document)
    budget.check_passages(name, chunks)
    return document, chunks


def _document(data: bytes, filename: str, file_type: str) -> LoadedDocument:
    """The blocks and title of a file; refused when it has no text."""
    name = Path(filename).name or filename
    blocks, title = _parse_here(data, name, file_type)
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
