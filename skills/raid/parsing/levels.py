"""Probability and impact levels: "P4 I3", "likelihood high, impact low", "4/5", "H/M"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from skills.raid.parsing.text import _head_and_tail, _normalise
from skills.raid.parsing.words import _GENERIC_LEVELS, _PROBABILITY_WORDS
from skills.raid.scoring import MAX_LEVEL, MIN_LEVEL

LevelKind = Literal["probability", "impact"]
LEVEL_HELP = "a number 1-5, or very low / low / medium / high / very high"


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
    # P4 I3, L3/I4, P: 3 I: 4; p4 i3 (a pair in lower case, each letter on its digit)
    r"|(?P<pair>(?<![\w-])(?-i:[PLI])\s*[:=]?\s*\d{1,2}\s*[,/&]?\s*(?:and\s+)?"
    r"(?-i:[PLI])\s*[:=]?\s*\d{1,2}(?!\w|\.\d)"
    r"|(?<![\w-])[pl]\d\s*[,/&]?\s*(?:and\s+)?i\d(?!\w|\.\d)|(?<![\w-])i\d\s*[,/&]?\s*[pl]\d(?!\w|\.\d))"
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
    r"[\s:=,/&()\-–—]*(?:(?:is|was|of|at|would be|will be|could be|rated(?: as)?|quite|fairly"
    r"|pretty|rather|reasonably|relatively|somewhat"
    r"|scored?(?: as| at)?|level|being|probably|and|looks|seems|feels"
    r"|if (?:wrong|not|so|incorrect|invalid|it happens|this happens|it fails|that's wrong))"
    r"[\s:=,/()\-–—]+)*",
    re.IGNORECASE,
)
_CLAUSE_EDGE = re.compile(
    r"[.,;:!?()\[\]\n—–\U0001f000-\U0001faff\u2600-\u27bf]|\s-\s|\b(?:and|but|with|so)\b",
    re.IGNORECASE,
)
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
                labels = re.findall(r"[PLI](?=\s*[:=]?\s*\d)", text.upper())
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
        if ka == "num" and "%" in a.group() and kb == "probw" and re.fullmatch(r"\s*", gap):
            return ("p", a)  # "40% likely", "90% certain"
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
