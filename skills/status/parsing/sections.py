"""Cutting an update into labelled sections (done / next / blockers ...), line by line."""

from __future__ import annotations

import re

from skills.status.parsing.emoji import _ANY_MARK, _MARK_SECTION
from skills.status.parsing.labels import (
    _LABEL,
    _LABEL_SECTION,
    _QUESTION,
    _RESOLVED_QUALIFIER,
    BLOCKERS,
    DONE,
    NEXT,
    OTHER,
    THIS_WEEK,
    TODAY,
    UNLABELLED,
)
from skills.status.parsing.tense import _lead

_BULLET = re.compile(
    r"^\s*(?:(?:[-*\u2022\u25e6\u25aa\u2023\u00b7>]+|\d{1,2}[.)])\s+)?\[[ xX\u2713\u2714]?\]\s+"
    r"|^\s*(?:[-*\u2022\u25e6\u25aa\u2023\u00b7>]+|\d{1,2}[.)])\s+"
)
# A checklist box says the state itself: "[x] login page" is done, "[ ] search" is not.
_CHECKBOX = re.compile(r"^\s*(?:(?:[-*\u2022]+|\d{1,2}[.)])\s+)?\[(?P<mark>[ xX\u2713\u2714]?)\]\s")
_HEADING_WORDS = re.compile(
    r"\b(?:weeks?|wk|sprint|day|update|report|stand-?up|status|summary|retro|check-?in|"
    r"four-up)\b|\bwk\d",
    re.I,
)
_HEADING_FRAGMENT = re.compile(
    r"\b(?:weeks?|wk|sprint|day)\s*#?\d|\b(?:update|report|stand-?up|four-up)\W*$|\bwk\d", re.I
)


_DAY_BEFORE = re.compile(
    r"(?<![\w'])(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?(?:'s)?"
    r"|today's|tomorrow's)\s+$",
    re.I,
)


def _at_boundary(line: str, start: int) -> bool:
    """True when a label at ``start`` opens a line, sentence, clause or emoji section."""
    before = line[:start].rstrip()
    if not before or re.fullmatch(r"(?:\s|\u00a7[A-Z]\u00a7|[-*\u2022])*", before):
        return True
    if before.endswith(("-", "\u2013", "\u2014")):
        return before[:-1].endswith(" ")
    if before.endswith(":"):  # "update: done - X; next - Y", not "Blockers: waiting on ..."
        topic = re.split(r"[.!?;,\u00a7]", before[:-1])[-1].strip(" -*\u2022").lower()
        return 0 < len(topic.split()) <= 3 and topic not in _LABEL_SECTION
    return before.endswith((".", "!", "?", ";", ",", "\u00a7", " /", "\u2022", "|"))


def _chunks(line: str) -> list[tuple[str | None, str, bool]]:
    """Split one line into (section or None, text, had_label) chunks."""
    cuts: list[tuple[int, int, str]] = []
    for m in _LABEL.finditer(line):
        section = _LABEL_SECTION[m.group("label").lower()]
        if m.group("soft") is not None and section not in (NEXT, THIS_WEEK, TODAY):
            continue
        if m.group("soft") == "":  # "Today I'll ...", "this week we plan to ...": ahead
            section = NEXT
        if m.group("ask") is not None and section not in (BLOCKERS, OTHER):
            continue
        if section == BLOCKERS and _RESOLVED_QUALIFIER.search(m.group("qual")):
            section = DONE  # "Issues fixed: ..."
        day = _DAY_BEFORE.search(line[: m.start()])  # "Mon plan:", "Fri done:": one label
        start = day.start() if day and _at_boundary(line, day.start()) else m.start()
        if _at_boundary(line, start):
            cuts.append((start, m.end(), section))
    for m in _QUESTION.finditer(line):
        if _at_boundary(line, m.start()):
            cuts.append((m.start(), m.end(), m.lastgroup or OTHER))
    for m in re.finditer(r"\u00a7[DNB]\u00a7", line):
        cuts.append((m.start(), m.end(), _MARK_SECTION[m.group(0)]))
    cuts.sort(key=lambda cut: (cut[0], -cut[1]))
    out: list[tuple[str | None, str, bool]] = []
    pos, section, labelled = 0, None, False
    for start, end, new_section in cuts:
        if start < pos:
            continue
        out.append((section, line[pos:start], labelled))
        pos, section, labelled = end, new_section, True
    out.append((section, line[pos:], labelled))
    return [c for c in out if c[2] or c[1].strip(" \u00a7X-*\u2022")]


# A list number in a line: "1. ...", "2) ...", "(3) ..." before a word.
_LIST_NUMBER = re.compile(r"(?:^|(?<=\s))\(?(?P<n>\d{1,2})[.)](?=\s+[^\s\d])")


def _cut_numbered_run(line: str) -> str:
    """Mark a numbered list run into one line ("1. api spec 2. sdk 3. blocked: review") as
    separate items, so no number sticks to the item before it. Numbers count as a list only
    when they run 1, 2, 3 ... in order (a new 1 starts a new list: "Done: 1. a 2. b Next: 1. c
    2. d")."""
    runs: list[list[re.Match[str]]] = []
    for m in _LIST_NUMBER.finditer(line):
        n = int(m.group("n"))
        if n == 1:
            runs.append([m])
        elif runs and n == len(runs[-1]) + 1:
            runs[-1].append(m)
    cuts = sorted((m for run in runs if len(run) >= 2 for m in run), key=lambda m: m.start())
    for m in reversed(cuts):
        line = line[: m.start()] + " \u00a7X\u00a7 " + line[m.end() :]
    return line


def _is_heading(line: str) -> bool:
    """A first line like "Week 7 update", "Advanced Search" or "async update:"."""
    plain = _ANY_MARK.sub(" ", line).strip()
    words = plain.split()
    if not words or plain.endswith(":"):
        return True
    if len(words) <= 7 and _HEADING_WORDS.search(plain) and not re.search(r"[.;]\s", plain):
        return _lead(plain)[0] not in ("past", "future")
    if len(words) > 3 or re.search(r"[.!?,;]", plain):
        return False
    return all(w[:1].isupper() for w in words) or _lead(plain)[0] is None


def _checkbox_section(line: str) -> str | None:
    """DONE for a ticked checklist line, NEXT for an empty box, None for any other line."""
    box = _CHECKBOX.match(line)
    if box is None:
        return None
    return NEXT if box.group("mark").strip() == "" else DONE


def _sections(text: str) -> list[tuple[str, str]]:
    """Cut the normalised text into (section, text) chunks, in order."""
    lines = [_cut_numbered_run(line) for line in text.split("\n")]
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    if len(non_empty) > 1:
        first = lines[non_empty[0]]
        if (
            _checkbox_section(first) is None
            and _chunks(_BULLET.sub("", first))[0][0] is None
            and _is_heading(first)
        ):
            lines[non_empty[0]] = ""
    result: list[tuple[str, str]] = []
    header: str | None = None  # section of the last header-only label line ("Done:")
    for line in lines:
        if not line.strip():
            header = None
            continue
        bare = re.sub(r"^[#>\s]+|[\s:]+$", "", _BULLET.sub("", _ANY_MARK.sub(" ", line))).lower()
        if bare in _LABEL_SECTION:  # a header line without a colon: "## Done", "Next steps"
            header = _LABEL_SECTION[bare]
            continue
        chunks = _chunks(_BULLET.sub("", line))
        opening = _checkbox_section(line) or header  # what the line's first chunk reports
        for index, (section, chunk, _) in enumerate(chunks):
            result.append((section or (opening if index == 0 else None) or UNLABELLED, chunk))
        if any(labelled for _, _, labelled in chunks):
            last_section, last_text, _ = chunks[-1]
            header = last_section if not last_text.strip(" \u00a7X") else None
    return result
