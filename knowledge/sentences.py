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

from knowledge.chunking import last_word
from knowledge.text_formats import CODE_LIKE

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HRULE = re.compile(r"^\s*([-*_=~^#+])(?:\s*\1){2,}\s*$")
_SEPARATOR_CHARACTERS = re.compile(r"[\s:|+-]*")
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
# "Label: value" — a field or an instruction ("Run: kubectl ..."), content rather than a title.
_FIELD = re.compile(r"^[*_`]*[A-Z][\w '()/-]{0,40}[*_`]*:[*_`]*\s+\S")
_HARD_BREAK = re.compile(r"(?<!\\)\\\s*$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # never past the next "<": one scan
_TABLE_CELL = " · "  # knowledge.text_formats.TABLE_CELL_SEPARATOR


def _bare_heading(line: str) -> bool:
    """A line that reads as a heading: short, no closing punctuation, not a table row,
    and not a label with a command or a phrase after it ("Run: kubectl rollout ...";
    "Phase 1: Planning" is a heading)."""
    text = line.strip()
    field = _FIELD.match(text)
    value = text[field.end() - 1 :] if field else ""
    return (
        _TABLE_CELL not in text  # a table row ("Date: 3 March · Who: PM")
        and not (field and (value[:1].islower() or CODE_LIKE.search(value)))
        and bool(_BARE_HEADING.match(text.rstrip("*_`")))
    )


def _separator_row(line: str) -> bool:
    """A table's rule row ("|---|:--:|", "+----+"): only rule characters, "--" among them.
    (As one regex, that backtracked through a long line in polynomial time.)"""
    return "--" in line and bool(_SEPARATOR_CHARACTERS.fullmatch(line))


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


def _units(text: str) -> list[tuple[str, bool]]:
    """Group lines into paragraph/list-item/table-row units; drop code, rules, directives.

    Each unit comes with whether it stands apart from the unit before: a table row, the
    unit after one, and the first unit after a heading or a rule do.
    """
    units: list[tuple[str, bool]] = []
    current: list[str] = []
    fence: str | None = None
    table_row = False  # the last line was a pipe-table row

    bullet_unit = False  # the unit being built is a list item
    apart = False  # a heading or rule came since the last unit
    last_row = False  # the last unit added was a table row (either form)

    def add(unit: str, *, row: bool = False) -> None:
        nonlocal apart, last_row
        units.append((unit, apart or row or last_row))
        apart, last_row = False, row

    def flush() -> None:
        nonlocal apart
        if current and not bullet_unit and len(current) == 1 and _bare_heading(current[0]):
            apart = True  # a bare heading line (chunks keep them) is not a sentence
        elif current:
            add(" ".join(current), row=_TABLE_CELL in current[0])
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
        if table_row and "|" in line and _separator_row(line):
            units.pop()  # the row above the separator is the table's header
        if stripped.startswith("|") and stripped.count("|") >= 2 and not _separator_row(line):
            flush()
            add(_table_row(stripped), row=True)
            table_row = True
            continue
        table_row = False
        if not stripped or _HRULE.match(line) or _separator_row(line):
            flush()
            apart = apart or bool(stripped)
            continue
        if _ATX_HEADING.match(line) or _RST_DIRECTIVE.match(line):
            flush()
            apart = True
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
            if current and _ends_field(current[-1]) and stripped[:1].isupper():
                flush()  # "Run: kubectl ..." then "Wait until ...": two units
            if not current:
                bullet_unit = False
            current.append(stripped)
        if hard_break:
            flush()
    flush()
    return units


def _ends_field(line: str) -> bool:
    """A "Label: value" line with no closing punctuation: the next line does not continue it."""
    return bool(_FIELD.match(line)) and not re.search(r"[.!?:;,]\W*$", line)


def _split_unit(unit: str) -> list[str]:
    pieces: list[str] = []
    for part in _INLINE_BULLET.split(unit):
        start = 0
        for match in _SENTENCE_END.finditer(part):
            word = last_word(part, start, match.start()).strip("\"'”’)]*_`").rstrip(".").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "e.g. Foo", "J. Smith"
            pieces.append(part[start : match.start() + len(match.group(1))].strip())
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
    return [s for s, _ in sentences_apart(text, context=context)]


def sentences_apart(text: str, *, context: Sequence[str] = ()) -> list[tuple[str, bool]]:
    """``split_sentences`` with, for each sentence, whether it stands apart from the one
    before: a heading or a table lies between them, or either is a table row. Such
    sentences are quoted separately, never run together into one quote."""
    out: list[tuple[str, bool]] = []
    for unit, apart in _units(strip_context(text, context)):
        for number, sentence in enumerate(_split_unit(unit)):
            out.append((sentence, apart and number == 0))
    return out


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
    lines = passage.split("\n")
    for number, line in enumerate(lines):
        text = " ".join(line.split())
        if not text:
            continue
        if offset >= position:
            break
        alone = (number == 0 or not lines[number - 1].strip()) and (
            number + 1 == len(lines) or not lines[number + 1].strip()
        )  # the chunker keeps a heading as a paragraph of its own
        if alone and _bare_heading(text):
            heading = text.strip("*_` ")
        offset += len(text) + 1
    return heading
