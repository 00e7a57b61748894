"""Milestones in words: "new milestone: Beta launch on 15 Jan, owner @bob", "move M2 to
20 Jan because the vendor slipped". Dates are read by the RAID log's date reader."""

from __future__ import annotations

import re
import shlex
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.args import split_args
from skills.raid.parsing import parse_date_phrase

KEY_WORD = r"(?:[A-Za-z][\w-]*-)?M\d{1,6}"
ADD = re.compile(
    r"^\s*(?:(?:new|add|create|set up)\s+(?:an?\s+)?)?milestones?\b\s*(?:add\b)?[:\-—–]?\s*", re.I
)
MOVE = re.compile(
    rf"^\s*(?:(?:move|push|slip|shift|delay|bring|pull)\s+(?:back\s+|forward\s+|out\s+)?"
    rf"(?:milestone\s+)?(?P<a>{KEY_WORD})\b|(?P<b>{KEY_WORD})\s+(?:slips?|slipped|moves?|moved|"
    rf"is\s+moving|pushed|shifts?|shifted)\b)",
    re.I,
)
OWNER = re.compile(  # a mention, "me", or a name at the end of a clause ("owner Priya")
    r"[,;]?\s*\b(?:owner|owned by|owner is|led by)\s*:?\s*(<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@?me\b"
    r"|@?[A-Za-z][\w.'-]*(?:\s+[A-Za-z][\w.'-]*){0,2}?(?=\s*(?:[,;.]|$)))",
    re.I,
)
DATE_CUE = re.compile(r"\b(?:on|by|due(?: on| by)?|for|date(?:d)?|target(?:ed)?(?: for)?)\s+", re.I)
LEADING_TO = re.compile(
    r"^\s*(?:back\s+|out\s+|forward\s+)?(?:to|until|till|into|for|→|->)\s+", re.I
)
MOVE_IN = re.compile(MOVE.pattern.replace(r"^\s*", r"\b", 1), re.I)
KEY_IN = re.compile(rf"(?<![\w-]){KEY_WORD}(?![\w-])")
REASON_LEAD = re.compile(
    r"^\s*(?:[,;:.?!\-—–]+\s*)?(?:(?:because(?: of)?|as|since|due to|reason|why)\b:?)?\s*", re.I
)
SHIFT = re.compile(
    r"^\s*(?:(?P<way>back|out|forward|earlier|later)\s+)?(?:by\s+)?"
    r"(?P<n>\d{1,3}|an?|one|two|three|four|five|six|another)\s*"
    r"(?P<unit>days?|weeks?|fortnights?|months?)\b(?:\s+(?P<after>later|earlier|forward|back|out))?",
    re.I,
)
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "another": 1, "two": 2, "three": 3, "four": 4,
                "five": 5, "six": 6}  # fmt: skip
EARLIER = re.compile(r"^\s*(?:bring|pull)\b|\b(?:forward|earlier)\b", re.I)
MAX_DATE_WORDS = 5
_DAY_WORDS = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?:mon|tue|wed|thu|fri|sat|sun)"
    r"[a-z]*|today|tomorrow|eo[mwdq]|\S*\d\S*"
)
DATE_START = re.compile(rf"^(?:{_DAY_WORDS}|next|this|in|end|mid|early|late|the)$", re.I)
WHOLE_DATE = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4})$")
DATE_END = re.compile(rf"^(?:{_DAY_WORDS}|weeks?|months?|days?|quarter|year)$", re.I)


@dataclass
class MilestoneWords:
    """What a message says about a milestone; `None` where it says nothing."""

    name: str = ""
    date: date | None = None
    date_text: str = ""
    owner: str | None = None
    key: str | None = None
    reason: str = ""
    shift: tuple[int, str] | None = None  # "by 2 weeks": (2, "week"); earlier is negative


def read_date(words: list[str], *, timezone: str) -> tuple[date | None, int]:
    """The date the first words give (the longest that reads as one), and how many it took."""
    tz = ZoneInfo(timezone)
    # A full date or a year ends the phrase: "2027-01-17 two days late" is the 17th.
    ends = [n for n, w in enumerate(words[:MAX_DATE_WORDS]) if WHOLE_DATE.match(w.rstrip(",;:."))]
    longest = ends[0] + 1 if ends else min(MAX_DATE_WORDS, len(words))
    for size in range(longest, 0, -1):
        phrase = " ".join(words[:size]).rstrip(",;:.")
        first, last = phrase.split()[0], phrase.split()[-1] if phrase else ""
        if re.fullmatch(r"\d{1,2}", phrase) or not (
            DATE_START.match(first) and DATE_END.match(last)
        ):
            continue
        found = parse_date_phrase(phrase, now=clock.now(), tz=tz)
        if found is not None:
            return found, size
    return None, 0


def join_date_flag(text: str, flag: str = "--date") -> str:
    """The command with every word of `--date`'s date in its value: `--date 15 Jan` is the
    15th of January, not the 15th with "Jan" left among the other words. (Which words make
    the date does not depend on the timezone; the project's reads the value later.)"""
    words = split_args(text)
    for at, word in enumerate(words):
        if word.lower() == flag:
            tail = []
            for after in words[at + 1 :]:
                if after.startswith("--"):
                    break
                tail.append(after)
            _, size = read_date(tail, timezone="UTC")
            if size > 1:
                words[at + 1 : at + 1 + size] = [" ".join(tail[:size])]
                return shlex.join(words)
            break
    return text


def looks_like_date(phrase: str) -> bool:
    """Starts and ends with words a date is made of (and is more than a bare day number)."""
    words = phrase.split()
    if not words or re.fullmatch(r"\d{1,2}", phrase):
        return False
    return bool(DATE_START.match(words[0]) and DATE_END.match(words[-1]))


def read_new(text: str, *, timezone: str) -> MilestoneWords:
    """A new milestone: its name, date and owner, from "Beta launch on 15 Jan, owner @bob"."""
    body = ADD.sub("", text, count=1).strip()
    words = MilestoneWords()
    owner = OWNER.search(body)
    if owner:
        raw = owner.group(1)
        words.owner = "me" if raw.lstrip("@").lower() == "me" else raw
        body = (body[: owner.start()] + body[owner.end() :]).strip()
    for cue in reversed(list(DATE_CUE.finditer(body))):
        after = body[cue.end() :].split()
        found, size = read_date(after, timezone=timezone)
        if found:
            words.date, words.date_text = found, " ".join(after[:size])
            rest = " ".join(after[size:])
            body = f"{body[: cue.start()]} {rest}".strip()
            break
    else:
        tokens = body.split()
        for start in range(max(0, len(tokens) - MAX_DATE_WORDS), len(tokens)):
            found, size = read_date(tokens[start:], timezone=timezone)
            if found and start + size == len(tokens):
                words.date, words.date_text = found, " ".join(tokens[start:])
                body = " ".join(tokens[:start])
                break
    words.name = body.strip(" ,;:.-—–")
    return words


def read_move(text: str, *, timezone: str) -> MilestoneWords:
    """A move: "M2 to 20 Jan because the vendor slipped" (after any "move" or "milestone move")."""
    body = re.sub(r"^\s*milestones?\s+(?:move\s+)?", "", text, flags=re.I)
    words = MilestoneWords()
    lead = MOVE.match(body) or MOVE_IN.search(body) or KEY_IN.search(body)
    verb = body[: lead.end()] if lead else ""
    if lead:
        words.key = lead.group("a") or lead.group("b") if lead.re is not KEY_IN else lead.group()
        body = body[lead.end() :]
    else:
        first, _, body = body.strip().partition(" ")
        words.key = first or None
    shift = SHIFT.match(body)
    if shift:
        words.shift = read_shift(shift, earlier=bool(EARLIER.search(verb)))
        body = body[shift.end() :]
    else:
        body = LEADING_TO.sub("", body.strip(), count=1)
        tokens = body.split()
        found, size = read_date(tokens, timezone=timezone)
        if found:
            words.date, words.date_text = found, " ".join(tokens[:size])
            body = " ".join(tokens[size:])
    words.reason = REASON_LEAD.sub("", body, count=1).strip()
    return words


def read_shift(found: re.Match[str], *, earlier: bool) -> tuple[int, str]:
    """(how many, "day" | "week" | "month") from "back 2 weeks", "by a fortnight", "forward
    3 days"; negative when it comes earlier."""
    count = found.group("n").lower()
    amount = NUMBER_WORDS.get(count) or int(count)
    unit = found.group("unit").lower().rstrip("s")
    if unit == "fortnight":
        amount, unit = amount * 2, "week"
    ways = f"{found.group('way') or ''} {found.group('after') or ''}"
    if earlier or EARLIER.search(ways):
        amount = -amount
    return amount, unit


def shifted(day: date, shift: tuple[int, str]) -> date:
    """`day` moved by a (count, unit) shift; a month keeps the day (clamped to the month's end)."""
    amount, unit = shift
    if unit != "month":
        return day + timedelta(days=amount * (7 if unit == "week" else 1))
    month = day.month - 1 + amount
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def looks_like_move(text: str) -> bool:
    return bool(MOVE.match(re.sub(r"^\s*milestones?\s+", "", text, flags=re.I)))
