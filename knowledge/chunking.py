"""Structure-aware chunking: split on headings, then paragraphs, then sentences.

Each chunk carries the document title, its heading path (e.g. "Releases > Minor
releases") and its order in the document. Small sections and paragraphs are
merged up to ``max_words``; long paragraphs are split at sentence boundaries into
balanced pieces, so no chunk is a tiny tail and sentences are not cut unless a
single sentence is longer than a chunk.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.documents import Block, LoadedDocument
from knowledge.markup import plain

DEFAULT_MAX_WORDS = 150
DEFAULT_MIN_WORDS = 40
HEADING_SEPARATOR = " > "

_ABBREVIATIONS = {
    "e.g", "i.e", "et al", "etc", "vs", "fig", "figs", "eq", "dr", "mr", "mrs", "ms",
    "prof", "no", "vol", "approx", "ca", "cf", "st", "inc", "ltd", "jr", "sr", "resp",
}  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_LIST_LINE = re.compile(r"^\s*(?:[-*+•|]|\d+[.)])\s")


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document."""

    text: str
    title: str
    heading_path: tuple[str, ...]
    order: int
    page: int | None = None

    @property
    def heading(self) -> str:
        """The heading path joined with " > " ("" at the top of a document)."""
        return HEADING_SEPARATOR.join(self.heading_path)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def index_text(self) -> str:
        """Text to embed and index: title and heading path as context, then the body
        without inline markup (a link's address is not what it is about)."""
        body = plain(self.text)
        context = [part for part in (self.title, self.heading) if part]
        if context and body.startswith(context[0]):
            context = context[1:]  # the body already opens with the title
        return "\n".join([*context, body]) if context else body

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata (Chroma accepts only str/int/float/bool values)."""
        meta: dict[str, str | int] = {
            "title": self.title,
            "heading": self.heading,
            "order": self.order,
        }
        if self.page is not None:
            meta["page"] = self.page
        return meta


def content_hash(content: str | bytes) -> str:
    """sha256 hex digest of text (UTF-8) or bytes, for incremental re-indexing."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def chunk_id(document_id: str | int, order: int) -> str:
    """A stable chunk id from its document id and position."""
    return f"{document_id}:{order}"


def last_word(text: str, start: int, end: int) -> str:
    """The last word of ``text[start:end]``, read from its end: at most 40 characters of
    it, enough for any abbreviation, so a sentence of many "Dr." costs no rescans."""
    words = text[max(start, end - 40) : end].rsplit(None, 1)
    return words[-1] if words else ""


def _segments(text: str) -> list[str]:
    """Lines with wrapped ones joined; a list item or table row starts a segment."""
    segments: list[list[str]] = []
    listed = False  # the last segment reads as a list item or table row
    for line in text.splitlines():
        if not line.strip():
            continue
        if segments and not listed and not _LIST_LINE.match(line):
            segments[-1].append(line.strip())
            if len(segments[-1]) == 2:  # "1." then "Next" reads "1. Next": an item
                listed = bool(_LIST_LINE.match(segments[-1][0] + " "))
        else:
            segments.append([line.strip()])
            listed = bool(_LIST_LINE.match(segments[-1][0]))
    return [" ".join(lines) for lines in segments]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; list items and table rows count as sentences."""
    sentences: list[str] = []
    for segment in _segments(text):
        start = 0
        for match in _SENTENCE_END.finditer(segment):
            word = last_word(segment, start, match.start()).rstrip(".").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "e.g. Foo", "J. Smith"
            sentences.append(segment[start : match.start()].strip())
            start = match.end()
        tail = segment[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def _words(text: str) -> int:
    return len(text.split())


def _pack(pieces: list[str], max_words: int) -> list[str]:
    """Join pieces into balanced groups of at most ``max_words`` words."""
    total = sum(_words(p) for p in pieces)
    target = total / max(1, math.ceil(total / max_words))
    groups: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        n = _words(piece)
        if groups[-1] and (size + n > max_words or size + n / 2 > target):
            groups.append([])
            size = 0
        groups[-1].append(piece)
        size += n
    return [" ".join(g) for g in groups if g]


def split_paragraph(text: str, max_words: int) -> list[str]:
    """Split a long paragraph at sentence boundaries (words only as a last resort)."""
    if _words(text) <= max_words:
        return [text]
    pieces: list[str] = []
    for sentence in split_sentences(text):
        words = sentence.split()
        if len(words) <= max_words:
            pieces.append(sentence)
        else:
            pieces.extend(
                " ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)
            )
    return _pack(pieces, max_words)


@dataclass
class _Unit:
    text: str
    path: tuple[str, ...]
    is_heading: bool
    page: int | None
    words: int


def _units(blocks: Iterable[Block], title: str, max_words: int) -> list[_Unit]:
    stack: list[tuple[int, str]] = []
    units: list[_Unit] = []
    for block in blocks:
        if block.is_heading:
            stack = [(lvl, txt) for lvl, txt in stack if lvl < block.level]
            stack.append((block.level, block.text.strip()))
            path = tuple(txt for _, txt in stack)
            units.append(_Unit(block.text.strip(), path, True, block.page, _words(block.text)))
            continue
        path = tuple(txt for _, txt in stack)
        for piece in split_paragraph(block.text.strip(), max_words):
            units.append(_Unit(piece, path, False, block.page, _words(piece)))
    if units and title:
        for unit in units:  # a top heading equal to the title adds nothing to paths
            if unit.path and unit.path[0].casefold() == title.strip().casefold():
                unit.path = unit.path[1:]
    return units


def chunk_blocks(
    blocks: Iterable[Block],
    *,
    title: str = "",
    max_words: int = DEFAULT_MAX_WORDS,
    min_words: int = DEFAULT_MIN_WORDS,
) -> list[Chunk]:
    """Chunk blocks: a new chunk starts at a heading once the current one has
    ``min_words``, or when the next paragraph would pass ``max_words``."""
    chunks: list[Chunk] = []
    current: list[_Unit] = []
    words = 0  # body words in `current` (kept, not summed: a run of headings grows it)

    def emit() -> None:
        nonlocal words
        first = next((n for n, u in enumerate(current) if not u.is_heading), None)
        if first is not None:
            body = current[first]
            text = "\n\n".join(u.text for u in current[first:])
            chunks.append(Chunk(text, title, body.path, len(chunks), body.page))
        current.clear()
        words = 0

    for unit in _units(blocks, title, max_words):
        if unit.is_heading:
            if words >= min_words:
                emit()
        elif words and words + unit.words > max_words:
            cut = len(current)
            while cut and current[cut - 1].is_heading:
                cut -= 1
            trailing = current[cut:]
            del current[cut:]
            emit()
            current.extend(trailing)
        current.append(unit)
        words += 0 if unit.is_heading else unit.words
    emit()
    return chunks


def chunk_document(
    document: LoadedDocument,
    *,
    max_words: int = DEFAULT_MAX_WORDS,
    min_words: int = DEFAULT_MIN_WORDS,
) -> list[Chunk]:
    """Chunk a loaded document (see ``chunk_blocks``)."""
    return chunk_blocks(
        document.blocks, title=document.title, max_words=max_words, min_words=min_words
    )


def chunk_text(
    text: str,
    *,
    title: str = "",
    max_words: int = DEFAULT_MAX_WORDS,
    min_words: int = DEFAULT_MIN_WORDS,
) -> list[Chunk]:
    """Chunk plain text: paragraphs separated by blank lines, no headings looked for."""
    from knowledge.text_formats import paragraph_blocks

    return chunk_blocks(
        paragraph_blocks(text.splitlines()), title=title, max_words=max_words, min_words=min_words
    )
