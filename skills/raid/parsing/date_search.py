"""Finding the entry's date in a message, and date phrases no rule could read."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from skills.raid.parsing.dates import _ANY_CUE, _ASCII_LOWER, _DATE, _SKIP, _STRONG, _resolve
from skills.raid.parsing.text import _head_and_tail, _overlaps
from skills.raid.parsing.words import (
    _DECIDED_CUES,
    _EVENT_CUES,
    _FILLER_CUES,
    _MASKABLE_CUES,
    _MONTHS,
    _NAMED_DAY_CUES,
    _NEGATIVE_CUES,
    _NO_DATE,
    _STRONG_CUES,
    _WEAK_CUES,
    _WEEKDAYS,
)


@dataclass
class _DateHit:
    value: date | None
    span: tuple[int, int]
    score: float
    text: str
    cue_start: int


def _date_problem(phrase: str) -> str:
    return (
        f"I couldn't read the date '{phrase}'; try a form like 'Friday', '15 Dec' or '2026-12-15'."
    )


def _cue_words(text: str, start: int) -> list[tuple[str, int]]:
    """The last few words before ``start`` in the same sentence, with their offsets."""
    low = max(0, start - 48)
    window = text[low:start]
    cut = max(window.rfind(ch) for ch in ".;!?\n") + 1
    words = re.finditer(r"[A-Za-z][A-Za-z'-]*", window[cut:])
    return [(m.group().lower(), low + cut + m.start()) for m in words][-4:]


def _find_dates(
    text: str, today: date, *, past: bool = False, owner_clauses: list[tuple[int, int]] = ()
) -> tuple[list[_DateHit], list[tuple[int, int]], list[str]]:
    """Dates in ``text``: usable hits, spans of past/context dates ("since Monday"), problems.

    ``past``: the entry's date has happened (a decision's), so undated days read backwards
    and dates ahead are an event's, not the entry's. A date inside an owner's clause ("<@U1>
    to send it today") is when they will do it. Dates that say when something was reported,
    raised, took effect or happened ("was approved in June") are context.
    """
    hits: list[_DateHit] = []
    context: list[tuple[int, int]] = []
    problems: list[str] = []
    for m in _head_and_tail(list(_DATE.finditer(text.translate(_ASCII_LOWER)))):
        value, base, cue_level = _resolve(m, today, past)
        if cue_level == _SKIP:
            continue
        cues = _cue_words(text, m.start())
        words = [word for word, _ in cues]
        last = words[-1] if words else ""
        if last in _NAMED_DAY_CUES and m.group("wday"):
            continue
        if words[-2:] == ["as", "of"]:
            context.append((cues[-2][1], m.end()))
            continue
        context_cue = next((w for w in reversed(words) if w not in _WEAK_CUES | _FILLER_CUES), "")
        happened = {"was", "were"} & set(words[-3:]) and not {"due", "by"} & set(words)
        if (
            (last in _NEGATIVE_CUES and not past)
            or context_cue in _EVENT_CUES
            or (happened and not past)
            or re.match(r"\s+ago\b", text[m.end() : m.end() + 5])
        ):
            context.append((cues[-1][1] if cues else m.start(), m.end()))
            continue
        strong = [(word, pos) for word, pos in cues if word in _STRONG_CUES]
        if any(start <= m.start() < end for start, end in owner_clauses):
            strong.append(("owner", m.start()))  # "<@U1> to re-send it today"
        if past and m.group("wday") and not {w for w, _ in strong} & _DECIDED_CUES:
            context.append(m.span())  # "goes live on Thursday": an event, unless "agreed on Fri"
            continue
        weak = any(word in _WEAK_CUES for word in words[-2:])
        if (cue_level == _STRONG and not strong) or (
            cue_level == _ANY_CUE and not (strong or weak)
        ):
            continue
        if value is None:
            problems.append(_date_problem(text[m.start() : m.end()].strip()))
            continue
        if past and value > today:  # "decided: launch moves to 12 Jan": an event's date
            context.append((m.start(), m.end()))
            continue
        score = base + (3 if strong else 0.5 if last in _WEAK_CUES else 0)
        cue_start = m.start()
        for word, pos in reversed(cues):
            if word not in _MASKABLE_CUES:
                break
            cue_start = pos
        hits.append(_DateHit(value, m.span(), score, text[m.start() : m.end()].strip(), cue_start))
    return hits, context, problems


_DATE_LABEL = re.compile(
    r"\b(?P<label>due(?:\s+date)?|deadline|review(?:\s+date)?|target(?:\s+date)?|date|by|eta)"
    r"\s*(?P<colon>[:=])?\s*(?:on\s+)?(?P<phrase>[^,.;!?\n()<>]{1,40})",
    re.IGNORECASE,
)
_DATE_NAMES = list(_WEEKDAYS) + list(_MONTHS) + ["today", "tomorrow", "tonight"]


_NUMERIC_DATE_LIKE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?(?![\d/.-]|\s*(?:%|(?:days?|weeks?|months?|years?"
    r"|hours?|mins?|minutes?|points?|people|users|times|x)\b))",
    re.IGNORECASE,
)


def _looks_like_date(phrase: str) -> bool:
    """A phrase a user meant as a date: "31/13", "2026-13-01", "fridya", "decmber 5"."""
    if _NUMERIC_DATE_LIKE.match(phrase):
        return True
    for word in re.findall(r"[a-z]{5,10}", phrase.lower())[:3]:
        if word in _DATE_NAMES:
            return True
        if difflib.get_close_matches(word, _DATE_NAMES, n=1, cutoff=0.8):
            return True
    return False


def _unreadable_dates(text: str, hits: list[_DateHit], masked: list[tuple[int, int]]) -> list[str]:
    """Explicit date phrases ("due fridya", "review: 31/13") that no rule could read."""
    taken = [h.span for h in hits] + masked
    problems = []
    for m in _DATE_LABEL.finditer(text[:20_000]):
        phrase = " ".join(m.group("phrase").split()[:4])
        span = m.span("phrase")
        if not phrase or _overlaps(span, taken) or phrase.lower() in _NO_DATE:
            continue
        if re.match(r"(?i)(?:to|the|a|an)\b", phrase):
            continue
        if not (
            _looks_like_date(phrase) or (m.group("colon") and m.group("label").lower() != "by")
        ):
            continue
        problems.append(_date_problem(phrase))
        if len(problems) >= 3:
            break
    return problems


def _ends_clause(text: str, end: int) -> bool:
    """Whether a date phrase ends its clause (so it can be cut from a title)."""
    return bool(
        re.match(
            r"\s*(?:$|[,.;:!?)\n—–-]|<@|(?:pls|please|thanks|latest|at the latest)\b)",
            text[end : end + 40],
        )
    )


def _starts_clause(text: str, start: int) -> bool:
    """Whether a phrase opens its clause ("UAT: as of today none of ...")."""
    before = text[max(0, start - 40) : start].rstrip()
    return not before or before[-1] in ",.;:!?(\n—–-"


def _pick_date(hits: list[_DateHit]) -> _DateHit | None:
    if not hits:
        return None
    return max(hits, key=lambda h: (h.score, -h.span[0]))
