"""Sentences of a passage: Markdown and reStructuredText aware.

``split_sentences`` turns a chunk into quotable sentences: list items and table rows
are units (table headers dropped), wrapped lines are joined, code fences, rules,
headings and directives are dropped, and "e.g." or "Dr." do not end a sentence. A
heading line the chunker kept as text is never a sentence; ``heading_before`` finds
it again to name the section a quote comes from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HRULE = re.compile(r"^\s*([-*_=~^#+])(?:\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?[\s:|+-]*-{2,}[\s:|+-]*\|?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|[a-zA-Z][.)]|#\.)\s+(?:\[[ xX]\]\s+)?")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s")
# Sentence ends: . ! ? (and closing quotes/brackets) followed by space and a capital,
# digit, quote, bracket or markup character.
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'”’)\]*_`]*)\s+(?=[\"'“‘(\[*_`]?[A-Z0-9])")
# Bullets packed into one line by the chunker: "... end. - Next item".
_INLINE_BULLET = re.compile(r"(?<=[.!?:;,)])\s+(?:[-*•]|\d{1,3}[.)])\s+(?=\S)")
_ABBREVIATIONS = {
    "e.g", "i.e", "al", "etc", "vs", "fig", "eq", "dr", "mr", "mrs", "ms", "prof", "no", "vol",
    "approx", "ca", "cf", "st", "inc", "ltd", "jr", "sr", "resp", "dept", "est", "min", "max",
}  # fmt: skip
_WORD = re.compile(r"\w+")
# A short line of its own with no closing punctuation: a heading the chunker kept as text.
_BARE_HEADING = re.compile(r"^(?:\S+\s+){0,9}\S*[^\s.!?:;,)\]\"'”’]$")
_HARD_BREAK = re.compile(r"(?<!\\)\\\s*$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_TABLE_CELL = " · "  # knowledge.text_formats.TABLE_CELL_SEPARATOR


def strip_context(text: str, context: Sequence[str]) -> str:
    """Drop the leading title/heading lines ``Chunk.index_text`` puts before the body."""
    lines = text.split("\n")
    wanted = {c.strip() for c in context if c and c.strip()}
    while lines and (not lines[0].strip() or lines[0].strip() in wanted):
        lines.pop(0)
    return "\n".join(lines)


def _table_row(line: str) -> str:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return " | ".join(c for c in cells if c)


def _units(text: str) -> list[str]:
    """Group lines into paragraph/list-item/table-row units; drop code, rules, directives."""
    units: list[str] = []
    current: list[str] = []
    fence: str | None = None
    table_row = False  # the last unit was a table row

    bullet_unit = False  # the unit being built is a list item

    def flush() -> None:
        if current and not (
            not bullet_unit
            and len(current) == 1
            and _TABLE_CELL not in current[0]  # a table row ("Date: 3 March · Who: PM")
            and _BARE_HEADING.match(current[0].rstrip("*_`"))
        ):
            units.append(
                " ".join(current)
            )  # a bare heading line (chunks keep them) is not a sentence
        current.clear()

    for raw in text.split("\n"):
        line = _HTML_TAG.sub("", raw).rstrip()
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            flush()
            fence = match.group(1)
            continue
        stripped = line.strip()
        if table_row and "|" in line and _TABLE_SEPARATOR.match(line):
            units.pop()  # the row above the separator is the table's header
        if (
            stripped.startswith("|")
            and stripped.count("|") >= 2
            and not _TABLE_SEPARATOR.match(line)
        ):
            flush()
            units.append(_table_row(stripped))
            table_row = True
            continue
        table_row = False
        if not stripped or _HRULE.match(line) or _TABLE_SEPARATOR.match(line):
            flush()
            continue
        if _ATX_HEADING.match(line) or _RST_DIRECTIVE.match(line):
            flush()
            continue
        hard_break = _HARD_BREAK.search(line)  # Markdown: a line ending in a backslash
        if hard_break:
            line = line[: hard_break.start()]
            stripped = line.strip()
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            bullet_unit = True
            current.append(line[bullet.end() :].strip())
        else:
            if not current:
                bullet_unit = False
            current.append(stripped)
        if hard_break:
            flush()
    flush()
    return units


def _split_unit(unit: str) -> list[str]:
    pieces: list[str] = []
    for part in _INLINE_BULLET.split(unit):
        start = 0
        for match in _SENTENCE_END.finditer(part):
            end = match.start() + len(match.group(1))
            candidate = part[start:end].strip()
            last = candidate.rsplit(None, 1)[-1] if candidate else ""
            last_word = last.strip("\"'”’)]*_`").rstrip(".").lower()
            if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue  # "e.g. Foo", "J. Smith"
            pieces.append(candidate)
            start = match.end()
        tail = part[start:].strip()
        if tail:
            pieces.append(tail)
    return [p for p in pieces if _WORD.search(p)]


def split_sentences(text: str, *, context: Sequence[str] = ()) -> list[str]:
    """Split a passage into quotable sentences.

    Each list item and table row is its own unit, wrapped lines are joined, code
    blocks, horizontal rules, headings and reST directives are dropped, and units
    are split at sentence ends (not after "e.g." and the like). Leading lines equal
    to one of ``context`` (the title and heading the indexer prepends) are skipped.
    """
    return [s for unit in _units(strip_context(text, context)) for s in _split_unit(unit)]


# -- question and sentence analysis ----------------------------------------------


def heading_before(passage: str, quote: str) -> str | None:
    """The last bare heading line above `quote` in `passage` (a chunk can span sections)."""
    words = quote.split()
    if not words:
        return None
    position = " ".join(passage.split()).find(" ".join(words[:6]))
    if position < 0:
        return None
    heading, offset = None, 0
    for line in passage.split("\n"):
        text = " ".join(line.split())
        if not text:
            continue
        if offset >= position:
            break
        if _TABLE_CELL not in text and _BARE_HEADING.match(text.rstrip("*_`")):  # not a row
            heading = text.strip("*_` ")
        offset += len(text) + 1
    return heading
