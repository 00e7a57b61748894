"""Offline parsing of RAID entries typed in Slack.

``parse_raid_message("log a risk: vendor may slip, owner <@U1>, review Friday, P4 I3", ...)``
returns a :class:`RaidDraft` with the type, a short title, owner, date and probability/impact.
Everything is rule-based and deterministic (no LLM, no network) and never raises on odd input.
Messages longer than 8,000 characters (pasted documents) are read at their start and end only,
which keeps the worst case around 50 ms for 40,000 characters. ``parse_level``,
``parse_levels`` and ``parse_date_phrase`` read values typed in update commands
(``/pmo raid update APOLLO-R7 date next friday``).

Reading order: bot mention and command words ("@pmo log a risk:") are cut; probability and
impact are found first (so "1/5" is never a date), then dates, owners, the type, and the title
from what is left of the first sentence.

Date conventions (Europe-style, documented once here): numeric dates are day-first unless the
day is over 12; a weekday alone means its next occurrence after today; "next Friday" and
"Friday next week" mean the Friday of next calendar week (Monday-Sunday); "end of week" is
Friday; "next week" is next Monday; a day and month without a year that is more than 30 days
in the past rolls to next year.
"""

from __future__ import annotations

import calendar
import difflib
import logging
import re
import string
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from skills.raid.scoring import MAX_LEVEL, MIN_LEVEL, RaidType, Severity, severity

logger = logging.getLogger(__name__)

TITLE_MAX_WORDS = 12
TITLE_SCAN_CHARS = 3000  # titles come from the start of the message
TITLE_MAX_CHARS = 100
# Long messages (pasted documents) are read at the start and the end only, to stay fast.
HEAD_CHARS, TAIL_CHARS = 6000, 2000
TypeSource = Literal["explicit", "default", "guess"]
LevelKind = Literal["probability", "impact"]
LEVEL_HELP = "a number 1-5, or very low / low / medium / high / very high"


@dataclass
class RaidDraft:
    """What a message says about a new RAID entry, before it is stored."""

    type: RaidType
    title: str
    description: str
    owner: str | None = None  # Slack user id, e.g. "U04F2KQ8V1M"
    owner_name: str | None = None  # owner written as plain text ("@bob", "supplier lead")
    date: date | None = None  # due date (issues, dependencies) or review/target date
    date_text: str | None = None  # the phrase the date was read from
    probability: int | None = None  # 1-5
    impact: int | None = None  # 1-5
    problems: list[str] = field(default_factory=list)
    missing_title: bool = False
    type_source: TypeSource = "guess"

    @property
    def score(self) -> int | None:
        """Probability x impact, when both are known."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def severity(self) -> Severity | None:
        """Severity band of the score, when both levels are known."""
        if self.probability is None or self.impact is None:
            return None
        return severity(self.probability, self.impact)


# --------------------------------------------------------------------------- text helpers

_TRANSLATE = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2026": "..."}
)
_MENTION = re.compile(
    r"<@([UW][A-Z0-9]{2,})(?:\|[^<>]{0,80})?>"  # Slack: <@U123> or <@U123|name>
    r"|(?<![\w<])@(?!(?:here|channel|everyone)\b)([A-Za-z][\w.\-]{0,40})"  # typed: @bob
)
_SPECIAL = re.compile(r"<[!#][^<>]{0,120}>|<https?://[^<>\s]{1,500}>|\bhttps?://\S{1,500}")
_WORD = re.compile(r"[^\W_][\w'&+./-]*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _normalise(text: str) -> str:
    text = text.translate(_TRANSLATE).replace("\r", "\n")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" ?\n[\n ]*", "\n", text)
    return text.strip()


def _blank(text: str, spans: list[tuple[int, int]], fill: str = " ") -> str:
    """Replace each span of ``text`` by ``fill`` characters, keeping offsets."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


# --------------------------------------------------------------------------- levels (P and I)

_GENERIC_LEVELS = {
    "very low": 1, "really low": 1, "extremely low": 1, "negligible": 1, "insignificant": 1,
    "minimal": 1, "trivial": 1, "low": 2, "minor": 2, "small": 2, "limited": 2, "medium": 3,
    "med": 3, "moderate": 3, "mid": 3, "average": 3, "high": 4, "major": 4, "significant": 4,
    "serious": 4, "big": 4, "very high": 5, "really high": 5, "extremely high": 5,
    "super high": 5, "extreme": 5, "critical": 5, "severe": 5, "catastrophic": 5, "huge": 5,
    "massive": 5,
}  # fmt: skip
_PROBABILITY_WORDS = {
    "rare": 1, "remote": 1, "very unlikely": 1, "highly unlikely": 1, "extremely unlikely": 1,
    "really unlikely": 1, "improbable": 2, "unlikely": 2, "not likely": 2, "possible": 3,
    "plausible": 3, "50/50": 3, "likely": 4, "probable": 4, "quite likely": 4,
    "very likely": 5, "highly likely": 5, "extremely likely": 5, "almost certain": 5,
    "almost certainly": 5, "nearly certain": 5, "near certain": 5, "certain": 5,
    "virtually certain": 5,
}  # fmt: skip


def _alternation(words: dict[str, int]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in ordered)


_GEN = _alternation(_GENERIC_LEVELS)
_PROBW = _alternation(_PROBABILITY_WORDS)
_NUMBER = (  # 4, 4/5, 4 out of 5, 70%, (3), 3-4
    r"\(?\s*\d{1,3}(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d(?![\d/]))?(?:\s*(?:/|out\s+of)\s*\d{1,3})?"
    r"\s*%?\s*\)?"
)
_P_LABEL = r"likelihood|likelyhood|probability|probabilty|prob|chances?|odds"
_I_LABEL = r"impact|severity|sev|consequences?|seriousness"
_SLASH_VALUE = rf"(?:{_GEN}|{_PROBW}|\d|(?-i:VH|VL|H|M|L)\b)"
_LETTER = r"(?-i:VH|VL|H|M|L)"  # H/M/L ratings, upper case only
_LEVEL_ATOM = re.compile(  # every alternative starts a word: the lookarounds make misses cheap
    r"(?<!\w)(?=[\w(])(?:"
    # P/I: high/medium, likelihood/impact: 4/3
    r"(?P<slash>(?:(?-i:[PL])|likelihood|probability|prob)\s*[/x×]\s*(?:(?-i:I)|impact|severity)"
    rf"\s*[:=\-]?\s*(?P<pv>{_SLASH_VALUE})\s*/\s*(?P<iv>{_SLASH_VALUE}))"
    # P4 I3, L3/I4, P: 3 I: 4
    r"|(?P<pair>(?<![\w-])(?-i:[PLI])\s*[:=]?\s*\d{1,2}\s*[,/&]?\s*(?:and\s+)?"
    r"(?-i:[PLI])\s*[:=]?\s*\d{1,2}(?!\w|\.\d))"
    # 4x3, 3x4 (IxL)
    r"|(?P<grid>(?<![\w.])\d\s*[x×*]\s*\d(?!\w|\.\d)"
    r"(?:\s*\(?\s*(?-i:[PLI])\s*[x×*/]\s*(?-i:[PLI])\s*\)?)?)"
    # P2, I5
    r"|(?P<letnum>(?<![\w-])(?-i:[PLI])\s*[:=]?\s*\d{1,2}(?!\w|\.\d|%))"
    # labels: likelihood, prob, L, P / impact, severity, sev, I
    rf"|(?P<plab>\b(?:{_P_LABEL})\b|(?<![\w'&/-])(?-i:[PL])(?![\w'&]))"
    rf"|(?P<ilab>\b(?:{_I_LABEL})\b|(?<![\w'&/-])(?-i:I)(?![\w'&]))"
    # likely/high, H/M (probability then impact)
    rf"|(?P<pislash>(?:\b(?:{_PROBW})|{_LETTER})\s*/\s*(?:\b(?:{_GEN})\b|{_LETTER}\b))"
    # values: high, very low, medium-high; likely, almost certain; H; 4, 4/5, 70%, (3)
    rf"|(?P<gen>\b(?:{_GEN})(?:\s*(?:-|/|to)\s*(?:{_GEN}))?\b)"
    rf"|(?P<probw>\b(?:{_PROBW})\b)"
    r"|(?P<hml>(?<![\w'&/-])(?-i:VH|VL|H|M)(?![\w'&]))"
    rf"|(?P<num>(?<![\w.]){_NUMBER}(?!\w|\.\d)))",
    re.IGNORECASE,
)
_LEVEL_GAP = re.compile(
    r"[\s:=,/&()\-–—]*(?:(?:is|was|of|at|would be|will be|could be|rated(?: as)?"
    r"|scored?(?: as| at)?|level|being|probably|and|looks|seems|feels"
    r"|if (?:wrong|not|so|incorrect|invalid|it happens|this happens|it fails|that's wrong))"
    r"[\s:=,/()\-–—]+)*",
    re.IGNORECASE,
)
_CLAUSE_EDGE = re.compile(r"[.,;:!?()\[\]\n—–]|\s-\s|\b(?:and|but|with|so)\b", re.IGNORECASE)
_BARE_FILLER = re.compile(
    r"^(?:\s|i'd say|i would say|i think|i reckon|i'd guess"
    r"|(?:i'd )?(?:rate|rated|put|call) (?:it|this)(?: as| at)?|imo|imho|tbh|probably|fairly"
    r"|quite|pretty|rather|it's|its|it is|this is|seems|feels|looks|is|very much|so|though"
    r"|overall|maybe|to happen|to occur|to materiali[sz]e|to be an? (?:problem|issue)"
    r"|\(?\d(?:\s*/\s*5)?\)?|[-–—:,])*$",
    re.IGNORECASE,
)


_UNIT_AFTER = re.compile(
    r"\s*(?:days?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?|people|users|staff|teams?"
    r"|customers|sites?|k|m|bn|£|\$|€)\b",
    re.IGNORECASE,
)


@dataclass
class _Level:
    kind: str  # "p" or "i"
    value: int | None
    span: tuple[int, int]
    strength: int  # 3 numbers, 2 words after a label, 1 a probability word on its own


def _number_level(raw: str, kind: str) -> tuple[int | None, bool]:
    """Value of a typed number (``4``, ``4/5``, ``8/10``, ``70%``); flag says out of range."""
    m = re.search(
        r"(\d{1,3}(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d))?(?:\s*(?:/|out\s+of)\s*(\d{1,3}))?\s*(%)?",
        raw,
    )
    if not m:
        return None, False
    number = max(float(m.group(1)), float(m.group(2) or 0))  # a range "3-4" rounds up
    if m.group(4):
        if kind != "p" or number > 100:
            return None, number > 100
        return next(
            lv for lv, top in ((1, 10), (2, 30), (3, 50), (4, 80), (5, 100)) if number <= top
        ), False
    if m.group(3):
        scale = int(m.group(3))
        if scale == 0 or number > scale or number < 0:
            return None, True
        number = number if scale == 5 else max(1.0, number * 5 / scale)
    value = int(number + 0.5)
    if not MIN_LEVEL <= value <= MAX_LEVEL:
        return None, True
    return value, False


_LETTER_LEVELS = {"VL": 1, "L": 2, "M": 3, "H": 4, "VH": 5}
_RANGE_SPLIT = re.compile(r"\s*(?:(?<=\w)-(?=\w+$)|/|\bto\b)\s*")  # "medium-high", "low/medium"
MAX_MATCHES = 400  # per kind of phrase; pathological input keeps the first and last ones


def _word_level(raw: str, kind: str) -> int | None:
    if raw.strip() in _LETTER_LEVELS:
        return _LETTER_LEVELS[raw.strip()]
    phrase = re.sub(r"-?ish$", "", raw.lower().strip())
    values = []
    for part in [phrase, *_RANGE_SPLIT.split(phrase)]:
        word = " ".join(part.replace("-", " ").split())
        value = _GENERIC_LEVELS.get(word)
        if value is None and kind == "p":
            value = _PROBABILITY_WORDS.get(word)
        if value is not None and part is phrase:
            return value  # "very-high" as a whole, before "very" / "high"
        if value is not None:
            values.append(value)
    return max(values) if values else None


def _atom_kind(m: re.Match[str]) -> str:
    return m.lastgroup or ""  # the outermost named group: the alternative that matched


def _bare_probability(text: str, m: re.Match[str]) -> bool:
    """A probability word standing alone in its clause ("Likely, high impact", "unlikely (2)")."""
    start, end = m.start(), m.end()
    left = text[max(0, start - 60) : start]
    edges = list(_CLAUSE_EDGE.finditer(left))
    before = left[edges[-1].end() :] if edges else left
    right = text[end : end + 60]
    edge = _CLAUSE_EDGE.search(right)
    after = right[: edge.start()] if edge else right
    if edge and edge.group() == "(":
        close = right.find(")")
        after = right[: close + 1] if close != -1 else after
    return bool(_BARE_FILLER.match(before)) and bool(_BARE_FILLER.match(after))


def _head_and_tail(matches: list[re.Match[str]]) -> list[re.Match[str]]:
    if len(matches) <= MAX_MATCHES:
        return matches
    return matches[: MAX_MATCHES * 3 // 4] + matches[-MAX_MATCHES // 4 :]


def _level_atoms(text: str) -> list[re.Match[str]]:
    return _head_and_tail(list(_LEVEL_ATOM.finditer(text)))


class _LevelReader:
    """Collects probability/impact statements from one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.atoms = _level_atoms(text)
        self.kinds = [_atom_kind(atom) for atom in self.atoms]
        self.used: set[int] = set()
        self.found: list[_Level] = []
        self.problems: list[str] = []

    def add(self, kind: str, raw: str, span: tuple[int, int], strength: int, numeric: bool) -> None:
        value = _word_level(raw, kind) if not numeric else None
        if numeric:
            tail = self.text[span[1] : span[1] + 12]
            if _UNIT_AFTER.match(tail):
                return  # "impact 2 weeks", "impact 200 users": an amount, not a level
            value, out_of_range = _number_level(raw, kind)
            if out_of_range:
                if re.match(r"\s*[A-Za-z]", tail) and "/" not in raw:
                    return
                name = "Probability" if kind == "p" else "Impact"
                self.problems.append(
                    f"{name} '{raw.strip()}' is outside the 1-5 scale; use {LEVEL_HELP}."
                )
        if value is not None or numeric:
            self.found.append(_Level(kind, value, span, strength))

    def read(self) -> _LevelReader:
        self._compact()
        self._label_value_runs()
        self._bare_probabilities()
        return self

    def _compact(self) -> None:
        """ "P4 I3", "4x3 (LxI)", "P2", "P/I: high/medium", "high/medium" on its own."""
        for i, (atom, kind) in enumerate(zip(self.atoms, self.kinds, strict=True)):
            text = atom.group()
            if kind == "slash":
                for dim, group in (("p", "pv"), ("i", "iv")):
                    value = atom.group(group)
                    self.add(dim, value, atom.span(), 3, value.isdigit())
                self.used.add(i)
            elif kind in ("gen", "pislash") and "/" in text and _bare_probability(self.text, atom):
                first, second = (part.strip() for part in text.split("/", 1))
                self.add("p", first, atom.span(), 2, False)
                self.add("i", second, atom.span(), 2, False)
                self.used.add(i)
            elif kind == "pair":
                labels = re.findall(r"[PLI](?=\s*[:=]?\s*\d)", text)
                dims = ["i" if label == "I" else "p" for label in labels[:2]]
                if len(dims) == 2 and dims[0] != dims[1]:
                    for dim, number in zip(dims, re.findall(r"\d{1,2}", text), strict=False):
                        self.add(dim, number, atom.span(), 3, True)
                    self.used.add(i)
            elif kind == "grid":
                first, second = re.findall(r"\d", text)[:2]
                order = re.search(r"([PLI])\s*[x×*/]\s*[PLI]", text)
                if order and order.group(1) == "I":  # "(IxL)"
                    first, second = second, first
                self.add("p", first, atom.span(), 3, True)
                self.add("i", second, atom.span(), 3, True)
                self.used.add(i)
            elif kind == "letnum":
                letter = text.lstrip()[0]
                self.add("i" if letter == "I" else "p", text[1:], atom.span(), 3, True)
                self.used.add(i)

    def _pair_at(self, i: int) -> tuple[str, re.Match[str]] | None:
        """The (dimension, value atom) formed by atoms i and i + 1, if they pair up."""
        a, b = self.atoms[i], self.atoms[i + 1]
        ka, kb = self.kinds[i], self.kinds[i + 1]
        gap = self.text[a.end() : b.start()]
        if i in self.used or i + 1 in self.used or len(gap) > 30:
            return None
        if not _LEVEL_GAP.fullmatch(gap):
            return None
        if ka in ("plab", "ilab") and b.group() == "L":  # "I: L" is impact low
            kb = "hml"
        if ka in ("plab", "ilab") and kb in ("gen", "num", "probw", "hml"):
            if kb == "probw" and ka == "ilab":
                return None
            return ("p" if ka == "plab" else "i", b)
        # value before label ("high impact"): adjacent, and not a "(2)" annotating a word
        adjacent = re.fullmatch(r"[\s-]*", gap) and not a.group().lstrip().startswith("(")
        if ka in ("gen", "num") and kb in ("plab", "ilab") and len(b.group()) > 1 and adjacent:
            return ("p" if kb == "plab" else "i", a)
        return None

    def _label_value_runs(self) -> None:
        """ "likelihood high impact medium", "medium likelihood, high impact", "I: L"."""
        i = 0
        while i < len(self.atoms) - 1:
            pair = self._pair_at(i)
            if pair is None:
                i += 1
                continue
            dim, value_atom = pair
            end = self.atoms[i + 1].end()
            raw, numeric = value_atom.group(), _atom_kind(value_atom) == "num"
            nxt = self.atoms[i + 2] if i + 2 < len(self.atoms) else None
            between = self.text[end : nxt.start()] if nxt else ""
            in_brackets = nxt is not None and nxt.group().lstrip().startswith("(")
            if in_brackets and self.kinds[i + 2] == "num" and not between.strip():
                raw, numeric, end = nxt.group(), True, nxt.end()  # "medium impact (3)"
                self.used.add(i + 2)
            self.add(dim, raw, (self.atoms[i].start(), end), 3 if numeric else 2, numeric)
            self.used.update((i, i + 1))
            i += 2

    def _bare_probabilities(self) -> None:
        """ "I'd say likely", "unlikely (2)", "Very unlikely but extreme impact"."""
        for i, atom in enumerate(self.atoms):
            if i in self.used or self.kinds[i] != "probw":
                continue
            if atom.group() != "50/50" and not _bare_probability(self.text, atom):
                continue
            raw, numeric, end = atom.group(), False, atom.end()
            nxt = self.atoms[i + 1] if i + 1 < len(self.atoms) else None
            gap = self.text[end : nxt.start()] if nxt else ""
            small = nxt is not None and re.fullmatch(
                r"\(?\s*\d\s*(?:/\s*5)?\s*\)?", nxt.group().strip()
            )
            if small and re.fullmatch(r"[\s,]*", gap):
                raw, numeric, end = nxt.group(), True, nxt.end()
            self.add("p", raw, (atom.start(), end), 1, numeric)
            if nxt is not None and self.kinds[i + 1] == "gen" and i + 1 not in self.used:
                # "unlikely but catastrophic": the adjective after is the impact
                tail = self.text[nxt.end() : nxt.end() + 4]
                joined = re.fullmatch(
                    r"\s*(?:but|and|,|/)\s*(?:(?:it\s+)?(?:would|will|could|might|'d)\s+be\s+"
                    r"|it's\s+|is\s+)?",
                    gap,
                    re.IGNORECASE,
                )
                if joined and re.match(r"\s*(?:$|[.,;!?)\n]|if\b)", tail):
                    self.add("i", nxt.group(), nxt.span(), 1, False)


def _read_levels(text: str) -> tuple[list[_Level], list[str]]:
    """Find probability/impact statements in ``text``; return them and user-facing problems."""
    reader = _LevelReader(text).read()
    return reader.found, reader.problems


def _best_level(levels: list[_Level], kind: str) -> int | None:
    candidates = [lv for lv in levels if lv.kind == kind and lv.value is not None]
    if not candidates:
        return None
    best = max(candidates, key=lambda lv: (lv.strength, -lv.span[0]))
    return best.value


def parse_levels(text: str) -> tuple[int | None, int | None, list[str]]:
    """Read probability and impact from free text ("P4 I3", "likelihood high, impact low").

    Returns ``(probability, impact, problems)``; problems name out-of-range numbers.
    """
    levels, problems = _read_levels(_normalise(text or "")[:50_000])
    return _best_level(levels, "p"), _best_level(levels, "i"), problems


_LEVEL_LABEL = re.compile(
    rf"^\s*(?:(?:{_P_LABEL}|{_I_LABEL})\b|[pli](?=\s*[:=]?\s*\d))\s*[:=]?\s*", re.IGNORECASE
)


def parse_level(text: str, *, kind: LevelKind | None = None) -> int | None:
    """Read one level typed in a command: ``"high" -> 4``, ``"4/5" -> 4``, ``"unlikely" -> 2``.

    Accepts 1-5, "N/5" or "N/10", very low ... very high, H/M/L and the 5x5 matrix words;
    ``kind="impact"`` refuses likelihood-only words ("unlikely") and percentages.
    Returns None for anything unreadable or outside 1-5.
    """
    raw = _LEVEL_LABEL.sub("", (text or "").strip()).strip().strip(".!").strip()
    if not raw or len(raw) > 40:
        return None
    dim = "i" if kind == "impact" else "p"
    if re.fullmatch(_NUMBER, raw):
        value, _ = _number_level(raw, dim)
        return value
    return _word_level(raw.upper() if raw.upper() in _LETTER_LEVELS else raw, dim)


# --------------------------------------------------------------------------- dates

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
}  # fmt: skip
_WD = (
    r"(?:monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu|friday|fri|"
    r"saturday|sunday)"
)
_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_ORD = r"(?:st|nd|rd|th)"
_NUMW = (
    r"(?:\d{1,3}|a couple of|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve)"
)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps offsets
_DEADLINE = r"(?:eod|cob|eop|end of (?:the )?day|end of play|close of (?:play|business))"
_DATE = re.compile(  # every alternative starts a word: the lookarounds make misses cheap
    r"(?<!\w)(?=\w)(?:"
    # 2026-12-15
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)"
    # 15/12, 15/12/2026, 15.12.26
    r"|(?P<num>(?<![\w./-])(?P<nd>\d{1,2})(?P<sep>[/.-])(?P<nm>\d{1,2})"
    r"(?:(?P=sep)(?P<ny>\d{4}|\d{2}))?(?![\w/%]|\.\d|-\d))"
    # 15 Dec, Fri 4th of December 2026
    rf"|(?P<dm>\b(?:{_WD},?\s+(?:the\s+)?)?(?P<dd>\d{{1,2}})(?P<dord>{_ORD})?(?:\s+of)?[\s-]+"
    rf"(?P<dmon>{_MON})\b\.?(?:,?[\s-]+(?P<dy>\d{{4}})\b)?)"
    # Dec 15, December 15th, 2026
    rf"|(?P<md>\b(?:{_WD},?\s+)?(?P<mmon>{_MON})\.?\s+(?P<md_d>\d{{1,2}})(?P<mord>{_ORD})?\b"
    rf"(?!:|\.\d)(?:,?\s+(?P<my>\d{{4}})\b)?)"
    # end of Jan, mid-December, start of next month
    r"|(?P<modmonth>\b(?P<mod>end|start|beginning|middle|mid|early|late)(?:\s+of)?[\s-]+"
    rf"(?:(?P<mrel>this|next)\s+month\b|(?P<mmon2>{_MON})\b(?:\s+(?P<my2>\d{{4}})\b)?))"
    # January, March 2027
    rf"|(?P<month>\b(?P<monly>{_MON})\b(?:\s+(?P<my3>\d{{4}})\b)?)"
    # Friday, next Friday, this Thu, Wednesday next week, Friday week, EOD Friday
    rf"|(?P<wday>\b(?:{_DEADLINE}\s+(?:on\s+)?)?"
    r"(?:(?P<wmod>this|next|coming|the following|following|last)\s+)?"
    rf"(?P<wd>{_WD})\b(?:\s+(?P<wweek>next week|this week|week))?)"
    # tomorrow, EOD tomorrow, today, EOD
    rf"|(?P<rel>\b(?:(?:{_DEADLINE}|first thing)\s+)?"
    r"(?P<relw>day after tomorrow|tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow|today|tonight"
    rf"|yesterday|{_DEADLINE})\b)"
    # end of next week, next week, EOW
    r"|(?P<week>\b(?:(?P<wkmod>end|start|beginning|middle|mid|early|late)(?:\s+of)?\s+)?"
    r"(?:the\s+)?(?P<wkrel>this|next)\s+week\b|\b(?:end of (?:the )?week|eow)\b)"
    # end of month, EOM, next month; end of year, next year; end of Q1, EOQ
    r"|(?P<rmonth>\b(?:end of (?:the |this )?month|eom|month[- ]end|next month)\b)"
    r"|(?P<year>\b(?:end of (?:the |this )?year|eoy|year[- ]end|next year)\b)"
    r"|(?P<quarter>\b(?:end of (?:the |this )?quarter|eoq|quarter[- ]end"
    r"|(?:end of )?q(?P<q>[1-4])(?:\s+(?P<qy>\d{4}))?)\b)"
    # in 2 weeks, within 10 working days, 3 days from now, in a fortnight
    rf"|(?P<dur>\b(?:(?:in|within|after)\s+)?(?P<dn>{_NUMW})\s+"
    r"(?P<du>(?:working |business )?days?|weeks?|months?|fortnights?|years?)"
    r"(?:\s+(?P<dtail>from now|from today|time|today|tomorrow|later))?\b)"
    r"|(?P<fortnight>\b(?:in|within)\s+a\s+fortnight\b)"
    # week 50, wk 50 (ISO week: its Monday)
    r"|(?P<isoweek>\b(?:wk|week)\s*(?P<wn>\d{1,2})\b)"
    # the 15th; Christmas
    rf"|(?P<nth>\b(?:the\s+)?(?P<nthd>\d{{1,2}}){_ORD}\b)"
    r"|(?P<hol>\b(?:christmas eve|christmas day|christmas|xmas|boxing day|new year'?s eve"
    r"|new year'?s day|new year)\b))"
)  # matched against ASCII-lower-cased text: much faster than re.IGNORECASE
_STRONG_CUES = _words(
    "by due until till til before deadline review reviewed revisit check check-in checkin "
    "validate confirm confirmed need needed needs target eta chase fix fixed deliver delivered "
    "ready complete completed done expected scheduled planned land lands revisit reassess "
    "decision decide sort resolve close finish finished than go-live launch milestone cutover "
    "cut-over kickoff kick-off w/c commencing"
)
_WEAK_CUES = _words("on for at in from")
_NEGATIVE_CUES = _words("since last past ago was were")
_NAMED_DAY_CUES = _words("black cyber good easter ash holy")  # "Black Friday" ...
_MASKABLE_CUES = _WEAK_CUES | _words(
    "by due until till til before deadline review reviewed revisit reassess check check-in "
    "checkin validate confirm need needed needs eta target chase expected scheduled planned "
    "to be it them that this one back the latest sorted signed off done no not later than"
)


@dataclass
class _DateHit:
    value: date | None
    span: tuple[int, int]
    score: float
    text: str
    cue_start: int


def _today(now: datetime, tz: ZoneInfo) -> date:
    if now.tzinfo is None:
        return now.date()
    return now.astimezone(tz).date()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _roll_forward(value: date, today: date, *, year_given: bool) -> date:
    """Day-and-month dates well in the past mean next year."""
    if year_given or value >= today - timedelta(days=30):
        return value
    return _safe_date(value.year + 1, value.month, value.day) or _month_end(
        value.year + 1, value.month
    )


def _full_year(text: str | None, today: date) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


# How much context a date form needs before it is taken as the entry's date.
_SELF = 0  # explicit: "15 Dec", "2026-12-15", "in 2 weeks", "next Friday", "EOD"
_ANY_CUE = 1  # "Friday", "next week": needs "by", "review", "on" ... before it
_STRONG = 2  # "today", "14/12", "January", "the 15th": needs "by", "due", "review" ...
_SKIP = -1  # not a date at all ("overran by 3 days")
_Resolved = tuple[date | None, float, int]  # (date, or None if impossible; base score; cue level)


def _resolve(m: re.Match[str], today: date) -> _Resolved:
    """Resolve one match of ``_DATE`` against ``today``."""
    g = m.groupdict()
    if g["iso"]:
        return _safe_date(int(g["iy"]), int(g["im"]), int(g["id"])), 3, _SELF
    if g["num"]:
        return _resolve_numeric(m, today)
    if g["dm"] or g["md"]:
        day = int(g["dd"] or g["md_d"])
        month_name = (g["dmon"] or g["mmon"]).lower()
        year = _full_year(g["dy"] or g["my"], today)
        sure = bool(g["dord"] or g["mord"] or year) or month_name != "may"  # "2 may slip"
        value = _safe_date(year or today.year, _MONTHS[month_name], day)
        if value is not None:
            value = _roll_forward(value, today, year_given=year is not None)
        return value, 3, _SELF if sure else _STRONG
    if g["modmonth"]:
        return _resolve_month_part(g, today), 3, _SELF
    if g["month"]:
        if g["monly"].lower() == "may" and not g["my3"]:
            return None, 0, _SKIP
        month = _MONTHS[g["monly"].lower()]
        year = _full_year(g["my3"], today) or today.year
        if not g["my3"] and _month_end(year, month) < today:
            year += 1
        return date(year, month, 1), 1, _STRONG
    if g["wday"]:
        return _resolve_weekday(g, today)
    if g["rel"]:
        word = g["relw"].lower()
        if word == "day after tomorrow":
            return today + timedelta(days=2), 2, _ANY_CUE
        if word.startswith(("tom", "tm")):
            return today + timedelta(days=1), 2, _ANY_CUE
        if word == "yesterday":
            return today - timedelta(days=1), 1, _STRONG
        if word in ("today", "tonight"):
            return today, 1, _STRONG
        return today, 2, _SELF  # EOD, COB
    if g["week"] or g["rmonth"] or g["year"] or g["quarter"]:
        return _resolve_period(g, today)
    if g["dur"] and not g["dtail"] and not g["dur"].lower().startswith(("in", "with", "after")):
        return None, 0, _SKIP  # "overran by 3 days" is an amount, not a date
    if g["dur"] or g["fortnight"]:
        return _resolve_duration(g, today), 2, _SELF
    if g["isoweek"]:
        return _iso_week_monday(int(g["wn"]), today), 2, _STRONG
    if g["hol"]:
        name = g["hol"].lower()
        month, day = _HOLIDAYS[next(key for key in _HOLIDAYS if key in name)]
        value = date(today.year, month, day)
        return (value if value >= today else date(today.year + 1, month, day)), 2, _STRONG
    if g["nth"]:
        day = int(g["nthd"])
        value = _safe_date(today.year, today.month, day)
        if value is None or value < today:
            nxt = _add_months(today.replace(day=1), 1)
            value = _safe_date(nxt.year, nxt.month, day)
        return value, 2, _STRONG
    return None, 0, _SKIP


_HOLIDAYS = {  # checked in order: the first key found in the phrase wins
    "christmas eve": (12, 24), "boxing": (12, 26), "christmas": (12, 25), "xmas": (12, 25),
    "eve": (12, 31), "new year": (1, 1),
}  # fmt: skip


def _iso_week_monday(week: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
        if monday >= today - timedelta(days=6):
            return monday
    return None


def _resolve_numeric(m: re.Match[str], today: date) -> _Resolved:
    g = m.groupdict()
    day, month = int(g["nd"]), int(g["nm"])
    if month > 12 >= day:  # day first unless impossible ("12/15")
        day, month = month, day
    year = _full_year(g["ny"], today)
    if (
        g["sep"] != "/"
        and year is None
        and re.match(r"\s*[A-Za-z%]", m.string[m.end() : m.end() + 3])
    ):
        return None, 0, _SKIP  # "up 2.5 points"
    value = _safe_date(year or today.year, month, day)
    if value is not None:
        value = _roll_forward(value, today, year_given=year is not None)
    return value, 3, _STRONG if year is None else _SELF


def _resolve_month_part(g: dict[str, str | None], today: date) -> date:
    """ "end of Jan", "mid-December", "start of next month"."""
    mod = (g["mod"] or "").lower()
    if g["mrel"]:
        first = _add_months(today.replace(day=1), 1 if g["mrel"].lower() == "next" else 0)
        year, month, year_given = first.year, first.month, True
    else:
        month = _MONTHS[(g["mmon2"] or "").lower()]
        year = _full_year(g["my2"], today) or today.year
        year_given = bool(g["my2"])
    if not year_given and _month_end(year, month) < today - timedelta(days=30):
        year += 1
    if mod in ("end", "late"):
        return _month_end(year, month)
    return date(year, month, 15 if mod in ("mid", "middle") else 1)


def _resolve_weekday(g: dict[str, str | None], today: date) -> _Resolved:
    target = _WEEKDAYS[(g["wd"] or "").lower()]
    mod = (g["wmod"] or "").lower()
    week = (g["wweek"] or "").lower()
    monday = today - timedelta(days=today.weekday())
    ahead = (target - today.weekday()) % 7 or 7  # the next one, never today
    if mod == "last":
        return None, 0, _SKIP
    if week == "week" and not mod:  # British "Friday week": a week after the coming Friday
        return today + timedelta(days=ahead + 7), 2, _SELF
    if mod in ("next", "the following", "following") or week == "next week":
        return monday + timedelta(days=7 + target), 2, _SELF
    if mod in ("this", "coming") or week == "this week":
        value = monday + timedelta(days=target)
        return (value if value >= today else value + timedelta(days=7)), 2, _SELF
    return today + timedelta(days=ahead), 2, _ANY_CUE


def _resolve_period(g: dict[str, str | None], today: date) -> _Resolved:
    """Weeks, months, years and quarters: "end of next week", "EOM", "end of Q1"."""
    monday = today - timedelta(days=today.weekday())
    if g["week"]:
        text, mod = g["week"].lower(), (g["wkmod"] or "").lower()
        start = monday + timedelta(days=7 if "next" in text else 0)
        if mod in ("end", "late") or text in ("end of week", "end of the week", "eow"):
            friday = start + timedelta(days=4)
            value = friday if friday >= today else friday + timedelta(days=7)
            return value, 2, _SELF if mod or "eow" in text or "end" in text else _ANY_CUE
        if mod in ("mid", "middle"):
            return start + timedelta(days=2), 2, _SELF
        if "next" in text:
            return start, 2, _SELF if mod else _ANY_CUE
        return max(start + timedelta(days=4), today), 2, _ANY_CUE
    if g["rmonth"]:
        if g["rmonth"].lower() == "next month":
            return _add_months(today.replace(day=1), 1), 2, _ANY_CUE
        return _month_end(today.year, today.month), 2, _SELF
    if g["year"]:
        if "next" in g["year"].lower():
            return date(today.year + 1, 1, 1), 2, _ANY_CUE
        return date(today.year, 12, 31), 2, _SELF
    if g["q"]:
        year = _full_year(g["qy"], today) or today.year
        value = _month_end(year, int(g["q"]) * 3)
        if not g["qy"] and value < today:
            value = _month_end(year + 1, int(g["q"]) * 3)
        return value, 2, _SELF if (g["quarter"] or "").lower().startswith("end") else _STRONG
    return _month_end(today.year, ((today.month - 1) // 3 + 1) * 3), 2, _SELF


def _resolve_duration(g: dict[str, str | None], today: date) -> date | None:
    if g["fortnight"]:
        return today + timedelta(days=14)
    count = _NUMBER_WORDS.get((g["dn"] or "").lower())
    if count is None:
        count = int(g["dn"] or 0)
    if count > 400:
        return None
    unit = (g["du"] or "").lower()
    base = today + timedelta(days=1) if (g["dtail"] or "").lower() == "tomorrow" else today
    if unit.startswith(("working", "business")):
        value = base
        while count > 0:
            value += timedelta(days=1)
            count -= value.weekday() < 5
        return value
    if unit.startswith("day"):
        return base + timedelta(days=count)
    if unit.startswith("fortnight"):
        return base + timedelta(days=14 * count)
    if unit.startswith("week"):
        return base + timedelta(weeks=count)
    if unit.startswith("month"):
        return _add_months(base, count)
    return _add_months(base, 12 * count)


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


def _find_dates(text: str, today: date) -> tuple[list[_DateHit], list[tuple[int, int]], list[str]]:
    """Dates in ``text``: usable hits, spans of past/context dates ("since Monday"), problems."""
    hits: list[_DateHit] = []
    context: list[tuple[int, int]] = []
    problems: list[str] = []
    for m in _head_and_tail(list(_DATE.finditer(text.translate(_ASCII_LOWER)))):
        value, base, cue_level = _resolve(m, today)
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
        if last in _NEGATIVE_CUES or re.match(r"\s+ago\b", text[m.end() : m.end() + 5]):
            context.append((cues[-1][1] if cues else m.start(), m.end()))
            continue
        strong = [(word, pos) for word, pos in cues if word in _STRONG_CUES]
        weak = any(word in _WEAK_CUES for word in words[-2:])
        if (cue_level == _STRONG and not strong) or (
            cue_level == _ANY_CUE and not (strong or weak)
        ):
            continue
        if value is None:
            problems.append(_date_problem(text[m.start() : m.end()].strip()))
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
_NO_DATE = _words("tbc tbd tba none n/a na unknown unset -")


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


def parse_date_phrase(text: str, *, now: datetime, tz: ZoneInfo) -> date | None:
    """Read one date typed in a command ("next friday", "15 Dec", "in 2 weeks", "2026-12-15").

    Tries the rules used for messages first, then ``dateparser`` for anything else.
    Returns None when the phrase is not a date.
    """
    phrase = _normalise(text or "")
    if len(phrase) > 200:
        return None
    phrase = re.sub(r"(?i)^(?:by|due|on|before|until|till|review|for)\s+", "", phrase).strip()
    if not phrase:
        return None
    today = _today(now, tz)
    for m in _DATE.finditer(phrase.translate(_ASCII_LOWER)):
        value, _, _ = _resolve(m, today)
        if value is not None and len(m.group().strip()) >= len(phrase.rstrip(".!")) * 0.6:
            return value
    if not re.search(r"[A-Za-z0-9]", phrase):
        return None
    try:
        import dateparser  # imported lazily: it is slow to load and only a fallback

        base = now if now.tzinfo is None else now.astimezone(tz).replace(tzinfo=None)
        parsed = dateparser.parse(
            phrase,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "STRICT_PARSING": False,
            },
        )
    except Exception:  # dateparser can raise on exotic input; a phrase we can't read is None
        logger.debug("dateparser failed on a date phrase", exc_info=True)
        return None
    return parsed.date() if parsed else None


# --------------------------------------------------------------------------- owner

_OWN_AFTER = re.compile(  # what follows a mention of the owner: "owns", "to chase", "pls"
    r"\s*(?:\([^)]{0,30}\)\s*)?[,:\-–—]?\s*(?:"
    r"(?P<own>owns|owner\b|to own|will own|can (?:you )?own|could (?:you )?own|pls own|please own"
    r"|is (?:the )?owner|as owner|owning|is on (?:it|this)|on it|has (?:it|this)|taking (?:it|this)"
    r"|is handling|is responsible|is accountable|assigned|is assigned|to take (?:it|this))"
    r"|(?P<act>to (?!be\b|the\b)[a-z]+|pls\b|please\b|plz\b|can you\b|could you\b|would you\b"
    r"|will\b|chasing|handling|driving|leading|investigating|looking|is looking|is chasing))",
    re.IGNORECASE,
)
_NOT_OWNER_AFTER = re.compile(  # "thanks <@U1> for spotting", "<@U1> said", "<@U1>'s team"
    r"\s*(?:for (?:spotting|flagging|raising|catching|pointing|the heads|noticing|reporting)"
    r"|said|says|mentioned|raised|reported|flagged|spotted|noticed|thinks|suggested|asked|'s\b)",
    re.IGNORECASE,
)
_OWN_BEFORE = re.compile(
    r"(?:owner(?:ship)?|owned by|owner is|assign(?:ed)? to|assignee|accountable|responsible|dri"
    r"|led by|over to|handing to|action on|"
    r"actions? for)\s*[:=\-–—]?\s*(?:is\s+)?$",
    re.IGNORECASE,
)
_NOT_OWNER_BEFORE = re.compile(
    r"\b(?:thanks|thank you|thx|ty|cheers|kudos|cc|raised by|reported by|spotted by|flagged by|"
    r"from|per|via|as|like|with|and|ask|asked|told|tell|by|says|said)\s*[:,]?\s*$",
    re.IGNORECASE,
)
_OWNER_TEXT = re.compile(  # an owner named without a Slack mention: "owner supplier lead,"
    r"\b(?:owner|owned by|assigned to)\s*[:=\-]?\s*(?:is\s+)?"
    r"(?P<name>@[\w.\-]+|[A-Za-z][\w.\-]*(?:\s+[A-Za-z][\w.\-]*){0,2}?)"
    r"(?=\s*(?:[,.;!?\n)]|$)|\s+(?:to|review|due|by|and|for|on|pls|please)\b)",
    re.IGNORECASE,
)


@dataclass
class _Mention:
    user_id: str | None
    name: str | None
    span: tuple[int, int]
    strength: int  # 3 owner words, 2 action words, 1 neutral, 0 not an owner
    mask: tuple[int, int]  # the mention with its owner clause, left out of titles


def _mentions(text: str, bot_user_id: str | None) -> tuple[list[_Mention], tuple[int, int] | None]:
    """Mentions other than the bot's, and the span of the bot mention if one leads the text."""
    found: list[_Mention] = []
    bot_span = None
    for m in _head_and_tail(list(_MENTION.finditer(text))):
        user_id, name = m.group(1), m.group(2)
        after = text[m.end() : m.end() + 60]
        before = text[max(0, m.start() - 40) : m.start()]
        own = _OWN_AFTER.match(after)
        own_before = _OWN_BEFORE.search(before)
        not_before = _NOT_OWNER_BEFORE.search(before)
        is_own = bool(own and own.group("own")) or bool(own_before)
        leading = m.start() < 40 and not text[: m.start()].strip(" ,:")
        if bot_user_id and user_id:
            is_bot = user_id == bot_user_id
        else:  # unknown bot id, or a typed "@pmo": a mention leading the message is the bot
            is_bot = leading and not is_own and not bot_span
        if is_bot:
            if leading:
                bot_span = m.span()
            continue
        if is_own:
            strength = 3
        elif _NOT_OWNER_AFTER.match(after) or not_before:
            strength = 0
        elif own:
            strength = 2
        else:
            strength = 1
        edge = re.search(r"[,.;:!?\n]|\s[—–]\s|\s-\s", text[m.end() : m.end() + 80])
        clause_end = m.end() + (edge.start() if edge else min(80, len(text) - m.end()))
        cue = own_before or not_before
        mask_start = m.start() - len(before) + cue.start() if cue else m.start()
        if after.startswith("'s"):  # "<@U1>'s team must deliver": part of the sentence
            mask_start = clause_end = m.end()
        found.append(_Mention(user_id, name, m.span(), strength, (mask_start, clause_end)))
    return found, bot_span


def _pick_owner(mentions: list[_Mention]) -> _Mention | None:
    for strength in (3, 2):
        for mention in mentions:
            if mention.strength == strength:
                return mention
    neutral = [m for m in mentions if m.strength == 1]
    people = {m.user_id or (m.name or "").lower() for m in neutral}
    return neutral[0] if len(people) == 1 else None


# --------------------------------------------------------------------------- type

_TYPE_WORDS = {
    RaidType.RISK: r"risks?",
    RaidType.ISSUE: r"issues?|problems?|blockers?|incidents?",
    RaidType.ASSUMPTION: r"assumptions?|assum(?:e|es|ed|ing)|presum(?:e|es|ed|ing)"
    r"|tak(?:e|ing|en) (?:it )?(?:as given|for granted)",
    RaidType.DEPENDENCY: r"dependenc(?:y|ies)|deps?|depend(?:s|ing|ent)? (?:on|upon)"
    r"|rel(?:y|ies|ying) on|reliant on|waiting (?:on|for)|blocked (?:by|until|on|till)"
    r"|contingent (?:on|upon)|prerequisites?",
}
_TYPE_WORD_RES = {t: re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for t, p in _TYPE_WORDS.items()}
_EXPLICIT_NOUNS = r"risk|issue|problem|blocker|assumption|dependency|dep|incident"
_EXPLICIT = [  # the message says what it is: "log a risk", "Issue (RED):", "as a dependency"
    re.compile(
        r"\b(?:log|logging|logged|add|adding|raise|raising|new|record|recording|create|creating"
        r"|open|opening|track|tracking|flag|flagging|register|registering|capture|capturing|note"
        r"|noting)\s+(?:(?:this|that|it|these|down|as|under|an?|another|the|new|one more|hard"
        r"|soft|key|potential|major|minor|critical|external)\s+){0,4}"
        rf"(?P<word>{_EXPLICIT_NOUNS})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*(?:[\w/+-]+\s+){0,2}?(?P<word>risks?|issues?|problems?|blockers?|assumptions?"
        r"|dependency|dependencies|deps?)\b\s*(?:\([^)]{0,40}\)\s*)?"
        r"(?:[:\-–—>]|for\b|that\b|of\b|on\b|upon\b|$)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:there's|there is|there are|theres|this is|it's|that's)\s+(?:an?\s+|some\s+)?"
        rf"(?:\w+\s+)?(?P<word>{_EXPLICIT_NOUNS})s?\b",
        re.IGNORECASE,
    ),
]
_NEGATED_BEFORE = re.compile(r"(?:\bat|\bno|\bnot\s+an?|\bwithout)\s+$", re.IGNORECASE)
_NOT_A_TYPE_AFTER = re.compile(r"\s*(?:#?\d|register|log\b|owner)", re.IGNORECASE)  # "risk 8"


def _cue(pattern: str, weight: float) -> tuple[re.Pattern[str], float]:
    return re.compile(pattern, re.IGNORECASE), weight


# Hints used when the message names no type: (pattern, weight), counted at most twice each.
_CUES: dict[RaidType, list[tuple[re.Pattern[str], float]]] = {
    RaidType.RISK: [
        _cue(r"\b(?:may|might|could)\b(?! have been)", 2),
        _cue(r"\bif\b[^.;]{0,80}\b(?:we'll|we will|we'd|we would|will|would)\b", 3),
        _cue(
            r"\b(?:potential(?:ly)?|possibl[ey]|chance|threat|in case|what if|exposure|fail to"
            r"|not be able to|won't be able to|if\b)",
            1,
        ),
    ],
    RaidType.ISSUE: [
        _cue(
            r"\b(?:is|are|has been|have been|was|were|got|gets)\s+"
            r"(?:now\s+|still\s+|fully\s+|completely\s+|totally\s+)?"
            r"(?:broken|down|failing|failed|blocked|delayed|late|stuck|outstanding|overdue"
            r"|missing|exhausted|used up|over budget|overspent|unavailable|corrupt(?:ed)?"
            r"|crashing|wrong)\b",
            3,
        ),
        _cue(
            r"\b(?:stalled|unfilled|vacant|on hold|still (?:not|no|waiting|pending|open"
            r"|outstanding|unresolved|missing))\b",
            2,
        ),
        _cue(
            r"\b(?:resigned|quit|lost|missed|rejected|cancell?ed|slipped|breached|leaked|exceeded"
            r"|went (?:down|over)|has (?:left|gone)|dropped|refused|withdrawn|pulled out"
            r"|keeps? (?:failing|crashing|breaking))\b",
            2,
        ),
        _cue(
            r"\b(?:broke|broken|failed|fails|failures?|failing|crash(?:ed|es|ing)?|not working"
            r"|stopped working|outage|bug|defects?|errors?|overran|overrun|shortfall|ran out"
            r"|run out|used up|exhausted)\b",
            2,
        ),
        _cue(
            r"\b(?:causing|caused|has (?:now )?(?:impacted|affected|hit|delayed)|holding up"
            r"|holding back|blocking|slipped|burned|burnt|didn't|doesn't|isn't|aren't|hasn't"
            r"|haven't|wasn't|weren't|(?:are|is|we're|i'm) (?:now )?blocked|none of|nobody"
            r"|no one|no longer|as of today|right now|currently|(?:has|have) just"
            r"|just (?:told|announced|found|heard|learned|learnt)|(?:is|are) going up"
            r"|(?:has|have) gone up|increased"
            r"|since (?:the|yesterday|last|this|\w+day))\b",
            1.5,
        ),
        _cue(
            r"\b(?:delay(?:s|ed)? (?:in|to|on)|no (?:\w+ )?(?:sponsor|budget|owner|access|funding"
            r"|resource)s?)\b|\bcan't\b(?![^.]{0,60}\buntil\b)",
            2,
        ),
    ],
    RaidType.DEPENDENCY: [
        _cue(
            r"\b(?:until|till|unless|hinges on|prerequisite"
            r"|only (?:happens|possible|after|once|when|if))\b",
            2,
        ),
        _cue(r"\b(?:once|relies|rely|depends?|waiting)\b", 1.5),
        _cue(
            r"\b(?:needs?|needed|requires?|required)\b[^.]{0,60}\b(?:before|from|in place)\b"
            r"|\b(?:before|prior to) (?:any|we|build|design|go-live|launch|starting)\b",
            2,
        ),
        _cue(
            r"\b(?:must deliver|to deliver|can deliver|deliver(?:s|ed)? (?:by|on)|hand ?over)\b",
            1,
        ),
        _cue(r"\b(?:supplier|vendor|third[- ]party|other team)\b", 0.5),
    ],
    RaidType.ASSUMPTION: [
        _cue(
            r"\b(?:assum\w*|presum\w*|take for granted|given that|we believe|we expect"
            r"|expected to (?:be|remain|stay)|will remain|will stay|premise)\b",
            2,
        ),
    ],
}
_GUESS_ORDER = (RaidType.ISSUE, RaidType.DEPENDENCY, RaidType.ASSUMPTION, RaidType.RISK)


def _word_type(word: str) -> RaidType:
    for raid_type, pattern in _TYPE_WORD_RES.items():
        if pattern.fullmatch(word):
            return raid_type
    return RaidType.RISK


def _keyword_scores(sample: str) -> dict[RaidType, float]:
    """10 for an explicit "log a risk", 6 for a type word early on, 3 for one later."""
    scores = dict.fromkeys(RaidType, 0.0)
    for pattern in _EXPLICIT:
        for m in pattern.finditer(sample):
            before = sample[max(0, m.start("word") - 12) : m.start("word")]
            if not _NEGATED_BEFORE.search(before):
                raid_type = _word_type(m.group("word"))
                scores[raid_type] = max(scores[raid_type], 10.0)
    first_words_end = sum(len(w) + 1 for w in sample.split()[:6])
    for raid_type, pattern in _TYPE_WORD_RES.items():
        for m in pattern.finditer(sample):
            before = sample[max(0, m.start() - 16) : m.start()]
            if _NEGATED_BEFORE.search(before) or _NOT_A_TYPE_AFTER.match(sample, m.end()):
                continue
            weight = 6.0 if m.start() < first_words_end else 3.0
            scores[raid_type] = max(scores[raid_type], weight)
    return scores


def _cue_scores(text: str, has_probability: bool) -> dict[RaidType, float]:
    scores = dict.fromkeys(RaidType, 0.0)
    for raid_type, cues in _CUES.items():
        for pattern, weight in cues:
            scores[raid_type] += weight * min(2, len(pattern.findall(text)))
    if has_probability:
        scores[RaidType.RISK] += 3
    return scores


def _classify(
    text: str, default_type: RaidType | None, has_probability: bool
) -> tuple[RaidType, TypeSource]:
    """Type words first, then ``default_type``, then a guess from how the sentence reads."""
    sample = text[:4000]
    keywords = _keyword_scores(sample)
    if any(keywords.values()):
        cues = _cue_scores(sample, has_probability)
        return max(RaidType, key=lambda t: (keywords[t], cues[t])), "explicit"
    if default_type is not None:
        return default_type, "default"
    cues = _cue_scores(sample, has_probability)
    best = max(_GUESS_ORDER, key=lambda t: cues[t])
    return (best if cues[best] > 0 else RaidType.RISK), "guess"


# --------------------------------------------------------------------------- title

_TYPE_NOUN = r"(?:risks?|issues?|problems?|blockers?|assumptions?|dependency|dependencies|deps?)"
_SEP = r"[\s,:;!.\-–—>]*"
_COMMAND_PREFIXES = [  # how people address the bot; cut from the description and the title
    re.compile(r"^[^\w<@(]+"),  # leading emoji and punctuation
    re.compile(
        r"^(?:hey|hi|hello|ok(?:ay)?|also|btw|fyi|nb|heads[- ]up|quick one|one more|urgent"
        r"|important)\b" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "thanks <@U1> for spotting —"
        r"^(?:thanks|thank you|thx|ty|cheers)\b\s*(?:<@[^>]{1,90}>|@[\w.\-]+)?\s*"
        r"(?:for\s+(?:spotting|flagging|raising|catching|noticing|pointing (?:this |that |it )?out)"
        r"(?:\s+(?:this|that|it))?)?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^/?(?:raid|pmo)\b" + _SEP, re.IGNORECASE),
    re.compile(
        r"^(?:cc|fyi|ping)\b\s*:?\s*(?:(?:<@[^>]{1,90}>|@[\w.\-]+)[\s,&]*(?:and\s+)?)+" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "can you log this as a new risk:", "pls add", "raid add issue —"
        r"^(?:(?:can|could|would|will) (?:you|u) (?:please |pls )?|(?:pls|please|plz) (?:can you )?"
        r"|i(?:'d| would) like to |i want to |let's |lets |we need to |need to )?"
        r"(?:log|logging|add|adding|raise|raising|record|create|open|track|tracking|flag|register"
        r"|capture|note(?: down)?|put"
        r"|enter)\b(?: (?:this|that|it|the following|these|down|one))*"
        r"(?: (?:as|in|on|to|into|under) (?:the )?(?:raid(?: log)?|log|register|list|pmo))?"
        rf"(?: (?:as|under))?(?: (?:an?|another|the|new|one more))*(?: new)?(?: {_TYPE_NOUN})?\b"
        r"(?:\s*\([^)]{0,40}\))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "Adding to the register:"
        r"^(?:adding|added|add|putting|put|logging)\s+(?:this\s+|these\s+)?(?:to|on|in|into|for)\s+"
        r"(?:the\s+)?(?:raid\s+)?(?:log|register|raid)\b" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^(?:for the (?:raid )?(?:log|register)|pls|please|plz)\b" + _SEP, re.IGNORECASE),
]
_LEAD_INS = [  # words that say what the entry is, cut from the title only
    re.compile(  # "risk:", "Hard dependency:", "Issue (RED):", "Risk for the X scheme:"
        r"^(?:(?:hard|soft|key|new|another|major|minor|potential|possible|big|critical|external"
        r"|internal|working|planning|discovery|technical|business|project|top|main)\s+){0,2}"
        rf"{_TYPE_NOUN}\b(?:\s*\([^)]{{0,40}}\))?\s*"
        r"(?:for\s+[^:\n]{1,60}:|[:,\-–—>]+|(?:that|of|on|upon)\b|(?=\s*$))\s*",
        re.IGNORECASE,
    ),
    re.compile(  # "there's a risk that"
        rf"^there(?:'s| is| are) (?:a |an |some )?(?:\w+ )?{_TYPE_NOUN}"
        r"(?: (?:that|of|with|around|re|regarding|on|upon|here))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "we're assuming (that)"
        r"^(?:(?:we|i)(?:'re| are|'m| am)? )?(?:assuming|assume|presuming|presume"
        r"|tak(?:e|ing) (?:it )?(?:as given|for granted))(?: that)?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^(?:the |our |this )?(?:\w+ ){0,2}(?:assumes|presumes)(?: that)?\s+", re.I),
    re.compile(  # "we depend on", "waiting for"
        r"^(?:we(?:'re| are)? )?(?:depend(?:s|ent)?|reliant|rely|relying|waiting)"
        r" (?:on|upon|for)\s+",
        re.IGNORECASE,
    ),
]
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bincl)(?<!\bvs)(?<!\betc)[.!?]+(?=\s|$)|\n")
_STRONG_SPLIT = re.compile(r"\s+[—–]\s+|\s+-{1,2}\s+|\s*(?:->|=>|→)\s*|;\s*|\x1f+|:\s+")
_WEAK_SPLIT = re.compile(
    r",\s+|\s+(?:(?:could|may|might|will|would) (?:lead to|cause|mean)|"
    r"because|as|since|so|which|meaning|so that|causing|resulting in|leading to|"
    r"when|while|but|and then|if)\s+",
    re.IGNORECASE,
)
_JUNK_WORDS = _words(
    "owner owns own pls please can you could this one to thanks imo review tbc tbd fyi it "
    "the a an and is new raised by risk risks issue issues problem blocker assumption "
    "dependency dep"
)
_DANGLING = _words(
    "a an the and or of to in on for by with at from into that which so as if see via"
)
_TRAILING_STOP = _words(
    "a an the and or of to in on for by with at is are be was were that which so as if from any "
    "all some every each could may might will would can should must "
    "into its their our we"
)


def _strip_prefixes(text: str, patterns: list[re.Pattern[str]], start: int) -> int:
    """Advance ``start`` past any leading matches of ``patterns``."""
    for _ in range(8):
        moved = False
        for pattern in patterns:
            m = pattern.match(text[start : start + 300])
            if m and m.end() > 0:
                start, moved = start + m.end(), True
        if not moved:
            break
    return start


def _is_emoji_part(ch: str) -> bool:
    return (
        unicodedata.category(ch) in ("So", "Cs", "Co", "Cn")
        or ch in "\u200d\ufe0e\ufe0f\u20e3"  # joiner, variation selectors, keycap
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones
    )


_MRKDWN = re.compile(r"(?<![\w*_~`])[*_~`]+(?=\w)|(?<=\w)[*_~`]+(?![\w*_~`])")  # *b* _i_ `c`


def _clean_title(text: str) -> str:
    text = "".join(ch for ch in text if not _is_emoji_part(ch))
    text = _MRKDWN.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-–—>|\"'")
    return text[:1].upper() + text[1:] if text else ""


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _JUNK_WORDS]


def _shorten(segment: str) -> str:
    words = segment.split()
    if len(words) <= TITLE_MAX_WORDS:
        return _cap_chars(segment)
    best = None
    for m in _WEAK_SPLIT.finditer(segment):
        head = segment[: m.start()]
        if 3 <= len(head.split()) <= TITLE_MAX_WORDS:
            best = head
    if best:
        return _cap_chars(best)
    words = words[:TITLE_MAX_WORDS]
    while len(words) > 3 and words[-1].lower().strip(",;:") in _TRAILING_STOP:
        words.pop()
    return _cap_chars(" ".join(words))


def _cap_chars(title: str) -> str:
    if len(title) <= TITLE_MAX_CHARS:
        return title
    cut = title[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut if len(cut) >= TITLE_MAX_CHARS // 2 else title[:TITLE_MAX_CHARS]


def _drop_parentheticals(sentence: str) -> str:
    def keep(m: re.Match[str]) -> str:
        inner = m.group(1)
        if len(inner.split()) > 3 or "\x1f" in inner or not re.search(r"[A-Z]", inner):
            return " "
        return m.group(0)

    return re.sub(r"\s*\(([^()]*)\)", keep, sentence)


def _title_from(body: str) -> str:
    sentences: list[str] = []
    last = 0
    for m in _SENTENCE_END.finditer(body):
        sentences.append(body[last : m.start()])
        last = m.end()
        if len(sentences) >= 4:
            break
    else:
        sentences.append(body[last:])
    for sentence in sentences:
        sentence = _drop_parentheticals(sentence)
        parts = _STRONG_SPLIT.split(sentence)
        segments = [p.strip(" ,") for p in parts if len(_content_words(p)) >= 1]
        if not segments:
            continue
        title = segments[0]
        if len(segments) > 1 and len(title.split()) <= 4 and len(_content_words(segments[1])) > 1:
            joined = f"{title} — {segments[1]}"
            if len(joined.split()) <= TITLE_MAX_WORDS:
                title = joined
        words = _shorten(title).split()
        while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
            words.pop()
        title = _clean_title(" ".join(words))
        if _content_words(title):
            return title
    return ""


# --------------------------------------------------------------------------- the parser


def parse_raid_message(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_type: RaidType | None = None,
    bot_user_id: str | None = None,
) -> RaidDraft:
    """Read a Slack message describing a RAID entry into a :class:`RaidDraft`.

    Args:
        text: the message as received (Slack mrkdwn; mentions as ``<@U123>``).
        now: the current time; relative dates ("Friday", "in 2 weeks") count from it.
        tz: the user's or project's timezone, which decides what "today" is.
        default_type: the type to use when the message names none (e.g. ``/pmo risk ...``).
        bot_user_id: the bot's own user id, never taken as the owner. Without it a mention
            leading the message is taken to be the bot.

    Never raises: unreadable parts are reported in ``problems``.
    """
    try:
        return _parse(text, now=now, tz=tz, default_type=default_type, bot_user_id=bot_user_id)
    except Exception:  # a parser bug must not lose the user's message
        logger.exception("RAID message parsing failed; falling back to a bare draft")
        raw = _normalise(text if isinstance(text, str) else "")
        title = _clean_title(_shorten(raw[:200]))
        return RaidDraft(
            type=default_type or RaidType.RISK,
            title=title,
            description=raw,
            problems=["Part of that message couldn't be read; please check the details."],
            missing_title=not title,
            type_source="default" if default_type else "guess",
        )


def _parse(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_type: RaidType | None,
    bot_user_id: str | None,
) -> RaidDraft:
    full_text = _normalise(text if isinstance(text, str) else "")
    text = full_text
    if len(text) > HEAD_CHARS + TAIL_CHARS:  # offsets below HEAD_CHARS stay valid
        text = f"{text[:HEAD_CHARS]}\n{text[-TAIL_CHARS:]}"
    problems: list[str] = []

    mentions, bot_span = _mentions(text, bot_user_id)
    start = bot_span[1] if bot_span else 0
    described_from = _strip_prefixes(text, _COMMAND_PREFIXES, start)
    title_from = _strip_prefixes(text, _LEAD_INS + _COMMAND_PREFIXES, described_from)
    body = full_text[described_from:]

    specials = [m.span() for m in _SPECIAL.finditer(text)]  # links, @here, #channel
    levels, level_problems = _read_levels(_blank(text, specials))
    problems.extend(level_problems)
    probability, impact = _best_level(levels, "p"), _best_level(levels, "i")
    level_spans = [lv.span for lv in levels]

    today = _today(now, tz)
    no_levels = _blank(text, level_spans + specials)
    date_hits, date_context, date_problems = _find_dates(no_levels, today)
    problems.extend(date_problems)
    problems.extend(_unreadable_dates(no_levels, date_hits, level_spans))
    chosen = _pick_date(date_hits)

    owner = _pick_owner(mentions)
    owner_name = owner.name if owner and not owner.user_id else None
    owner_text = None if owner else _OWNER_TEXT.search(text)
    if owner_text and owner_text.group("name").lower() not in ("tbc", "tbd", "none", "unknown"):
        owner_name = owner_text.group("name").lstrip("@") or None

    raid_type, type_source = _classify(text[start:], default_type, probability is not None)

    masks = level_spans + [m.mask for m in mentions]
    masks += [(h.cue_start, h.span[1]) for h in date_hits if _ends_clause(text, h.span[1])]
    masks += [s for s in date_context if _ends_clause(text, s[1]) or _starts_clause(text, s[0])]
    if owner_text:
        masks.append(owner_text.span())
    masks += specials
    scan_end = min(len(text), title_from + TITLE_SCAN_CHARS)
    window = [
        (max(s, title_from), min(e, scan_end)) for s, e in masks if e > title_from and s < scan_end
    ]
    title = _title_from(_blank(text[:scan_end], window, "\x1f")[title_from:])

    return RaidDraft(
        type=raid_type,
        title=title,
        description=body,
        owner=owner.user_id if owner else None,
        owner_name=owner_name,
        date=chosen.value if chosen else None,
        date_text=chosen.text if chosen else None,
        probability=probability,
        impact=impact,
        problems=list(dict.fromkeys(problems)),
        missing_title=not title,
        type_source=type_source,
    )
