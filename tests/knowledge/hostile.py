"""Hostile files built in memory (never committed), and a meter of the memory they cost.

The zip bombs are streamed into the archive chunk by chunk, so building one costs a few
MB however far it unpacks.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.knowledge.files import make_docx, pdf_from_objects

MB = 1024 * 1024
CHUNK = 4 * MB


@dataclass(frozen=True)
class Part:
    """A zip part's content: `head`, then `chunk` repeated `times`, then `tail`."""

    head: bytes
    chunk: bytes = b""
    times: int = 0
    tail: bytes = b""


def _deflated(part: Part) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, size): the chunk is compressed once and its bytes
    repeated, which a full flush before and after makes a valid stream."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    head = packer.compress(part.head) + packer.flush(zlib.Z_FULL_FLUSH)
    chunk = packer.compress(part.chunk) + packer.flush(zlib.Z_FULL_FLUSH) if part.times else b""
    tail = packer.compress(part.tail) + packer.flush(zlib.Z_FINISH)
    crc = zlib.crc32(part.head)
    for _ in range(part.times):
        crc = zlib.crc32(part.chunk, crc)
    crc = zlib.crc32(part.tail, crc)
    size = len(part.head) + len(part.chunk) * part.times + len(part.tail)
    return head + chunk * part.times + tail, crc, size


def build_zip(parts: dict[str, bytes | Part]) -> bytes:
    """A zip of deflated parts, written by hand so a part may unpack to gigabytes cheaply."""
    out = io.BytesIO()
    directory = []
    for name, content in parts.items():
        data, crc, size = _deflated(content if isinstance(content, Part) else Part(content))
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        directory.append((encoded, fields, out.tell()))
        out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data)
    start = out.tell()
    for encoded, fields, offset in directory:
        out.write(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    size, count = out.tell() - start, len(directory)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def _parts_of(data: bytes) -> dict[str, bytes | Part]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_WORD = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def bomb_docx(unpacked_mb: int = 400) -> bytes:
    """A valid .docx whose one paragraph is `unpacked_mb` MB of text (about 1 MB packed)."""
    body = Part(
        b"<w:document %s><w:body><w:p><w:r><w:t>" % _WORD,
        b"A" * CHUNK,
        unpacked_mb * MB // CHUNK,
        b"</w:t></w:r></w:p></w:body></w:document>",
    )
    return build_zip(_parts_of(make_docx(title="Plan")) | {"word/document.xml": body})


def paragraphs_docx(unpacked_mb: int = 90) -> bytes:
    """A .docx within the zip limits (~10x packed, like real text) that fills memory when
    parsed: millions of short paragraphs."""
    words = b"".join(
        b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % os.urandom(6).hex().encode()
        for _ in range(CHUNK // 48)
    )
    body = Part(
        b"<w:document %s><w:body>" % _WORD,
        words,
        unpacked_mb * MB // len(words),
        b"</w:body></w:document>",
    )
    return build_zip(_parts_of(make_docx(title="Plan")) | {"word/document.xml": body})


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="RAID" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    ),
    "xl/worksheets/sheet1.xml": (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        "</row></sheetData></worksheet>"
    ),
}


def shared_strings_xlsx(unpacked_mb: int = 1000, *, ratio_chunk: int = CHUNK) -> bytes:
    """A ~10 MB .xlsx whose shared-strings part unpacks to `unpacked_mb` MB: distinct strings
    with a long common tail, packed about 100:1."""
    strings = b"".join(
        b"<si><t>%s %s</t></si>" % (os.urandom(4).hex().encode(), b"risk " * 200)
        for _ in range(ratio_chunk // 1024)
    )
    header = b"<si><t>title</t></si><si><t>type</t></si>"
    sst = Part(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + header,
        strings,
        unpacked_mb * MB // len(strings),
        b"</sst>",
    )
    parts: dict[str, bytes | Part] = {k: v.encode() for k, v in _XLSX_PARTS.items()}
    return build_zip(parts | {"xl/sharedStrings.xml": sst})


def bomb_pdf(operations: int = 1_000_000) -> bytes:
    """A one-page PDF of a few KB whose deflated content stream holds `operations` text
    arrays: about a minute of CPU to extract (pypdf's own stream limits allow it)."""
    stream = zlib.compress(b"BT /F1 9 Tf\n" + b"[(a) 1 (b) 2] TJ\n" * operations + b"ET", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects)


def deep_html(depth: int = 200_000) -> bytes:
    """HTML nested `depth` elements deep, with one sentence at the bottom."""
    return b"<html><body>%s Deep text. %s</body></html>" % (b"<div>" * depth, b"</div>" * depth)


# -- measuring ------------------------------------------------------------------------


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
            except OSError:
                continue
    return found


def tree_pss_mb() -> float:
    """Proportional memory of this process and all its descendants, in MB."""
    return sum(_pss_kb(pid) for pid in _tree(os.getpid())) / 1024


@dataclass
class Peak:
    """Growth of the process tree's memory over its level when measuring began."""

    mb: float = 0.0


@contextmanager
def peak_memory(interval: float = 0.02) -> Iterator[Peak]:
    """Sample this process tree's memory (PSS, children included) every `interval` seconds."""
    peak = Peak()
    base = tree_pss_mb()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak.mb = max(peak.mb, tree_pss_mb() - base)
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()
        peak.mb = max(peak.mb, tree_pss_mb() - base)
