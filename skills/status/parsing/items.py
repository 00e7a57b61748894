"""Splitting sections into item-sized fragments and tidying each item."""

from __future__ import annotations

import re

from skills.status.parsing.blockers import _NONE_SECTION, _SOFTENED, _blocker_cue
from skills.status.parsing.emoji import _ANY_MARK
from skills.status.parsing.rag import _RAG_RULES
from skills.status.parsing.sections import _BULLET, _HEADING_FRAGMENT, _HEADING_WORDS
from skills.status.parsing.tense import _lead, _lead_is_verbish
from skills.status.parsing.words import _STOP

MAX_ITEM_CHARS = 200

_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl|mr|mrs|ms|dr|st|no|fig|cf)\.$", re.I)
_SPLIT = re.compile(
    r"\s*;\s*|:\s+|,\s+(?:and\s+(?=then\s)|plus\s+)?|\s+(?:[-\u2013\u2014]|\u2192|->|=>)\s+"
    r"|\s+(?:and\s+)?(?=then\s)|\s+plus\s+|\s+(?:\+|&|and)\s+|\s+but\s+|\s+/\s+"
)
_SUBORDINATE = re.compile(
    r"(?:but|which|so|because|since|though|although|as|where|while|if|unless|until|when|"
    r"including|e\.g|i\.e|especially|like|such|or|etc|most|mostly|ideally|preferably|probably|"
    r"possibly|likely|roughly|depending)\b|[\d#@/(]",
    re.I,
)

# A name from code standing as an item of a list: "toTokenStream", "rule_executor".
_IDENTIFIER = re.compile(r"\s*(?=\S{5,}\s*$)[A-Za-z][a-z0-9]*[A-Z_][A-Za-z0-9_]*\s*$")
# A phrase that only sets the time of what follows: "For the coming week,", "So far,".
_TIME_PHRASE = re.compile(
    r"\W{0,4}(?:so\s+far|until\s+now|(?:(?:for|in|during|over)\s+)?(?:the\s+)?(?:coming|next"
    r"|following|upcoming|this|last|past)\s+(?:few\s+)?(?:weeks?|sprints?|months?|phase|days"
    r"|period))\W{0,4}$",  # bounded: a long run of punctuation is not read twice
    re.I,
)
# A clause with its own subject after ", but" / ", so": a statement of its own.
_NEW_CLAUSE = re.compile(
    r"(?:but|so)\s+(?:i|we)(?:'ve|'ll|'m)?\s+(?:still\s+|also\s+)?(?:need|have\s+to|must|"
    r"should|will|got|did|managed|finished|made|[a-z]+ed)\b",
    re.I,
)


# "1) fixed the crash 2) reviewed PRs", "crash fix \u2022 PR review": a list run into one line.
_INLINE_NUMBER = re.compile(r"(?:^|\s+)\(?\d{1,2}\)\s+(?=[A-Za-z])")
_INLINE_BULLET = re.compile(r"\s+[\u2022\u00b7|]\s+")


def _sentences(chunk: str) -> list[str]:
    if len(_INLINE_NUMBER.findall(chunk)) >= 2:
        chunk = _INLINE_NUMBER.sub(" \u00a7X\u00a7 ", chunk)
    chunk = _INLINE_BULLET.sub(" \u00a7X\u00a7 ", chunk)
    pieces: list[str] = []
    for part in re.split(r"\s*\u00a7[XGAR]\u00a7\s*", chunk):
        for piece in re.split(r"(?<=[.!?])[\"')\]]*\s+", part):
            ends_list = pieces and pieces[-1].lower().endswith("etc.") and piece[:1].isupper()
            if (
                pieces
                and _ABBREVIATION.search(pieces[-1])
                and not ends_list
                and not part.startswith(piece)
            ):
                pieces[-1] += " " + piece
            elif piece.strip():
                pieces.append(piece)
    return pieces


def _mask(text: str) -> str:
    """Blank out bracketed and quoted spans (same length) so separators in them are ignored."""
    out, depth, quoted = [], 0, False
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
            out.append(ch)
            continue
        elif ch == '"':
            quoted = not quoted
        out.append("x" if (depth or quoted) and ch not in '([{"' else ch)
    return "".join(out)


def _plain_words(text: str) -> int:
    """Ordinary words outside brackets (identifiers, numbers and stop words do not count)."""
    text = re.sub(r"\([^)]*\)", " ", text)
    return sum(
        1
        for w in text.split()
        if re.fullmatch(r"[A-Za-z][a-z]+[.,:]?", w) and w.lower().strip(".,:") not in _STOP
    )


def _is_topic(text: str) -> bool:
    """A short name before a colon ("SQLotus", "Program manager hiring"), not a statement."""
    words = text.split()
    return 0 < len(words) <= 4 and _lead(text)[0] is None and not re.search(r"[.!?,]", text)


# What a topic's state alone says: "Validation: not started", "Data pipeline: 70% done".
_STATE_ONLY = re.compile(
    r"\W{0,4}(?:not\s+(?:yet\s+)?started|not\s+yet|in\s+progress|ongoing|wip|started|done"
    r"|completed?"
    r"|finished|~?\d{1,3}\s?%(?:\s+(?:done|complete))?)\W{0,4}$",
    re.I,
)


def _leading_topic(chunk: str) -> str | None:
    """The short topic a chunk opens with ("new events page: ..."), if any."""
    m = re.match(r"\s*([^:\n]{1,40}?):\s", chunk)
    return m.group(1).strip() if m and _is_topic(m.group(1)) else None


def _name_the_pronoun(item: str, topic: str | None) -> str:
    """ "Still working on it" under "new events page:" names the page instead of "it"."""
    if topic and len(item.split()) <= 5 and re.search(r"\s(?:it|this)$", item, re.I):
        return item.rsplit(" ", 1)[0] + " " + topic
    return item


def _split_items(sentence: str) -> list[str]:
    """Cut one sentence into item-sized fragments."""
    masked = _mask(sentence)
    pieces: list[list[str]] = []
    pos = 0
    for m in _SPLIT.finditer(masked):
        sep, rest, left = m.group(0).strip(), sentence[m.end() :], masked[pos : m.start()]
        if sep == ":":  # "Topic: statement", "statement: its reason"
            topic = _is_topic(left)
            keep = topic or (len(left.split()) >= 3 and not _is_status_only(rest))
            if topic and _STATE_ONLY.match(rest):  # "Validation: not started" is one item
                continue
            if topic:
                pos = m.end()  # the topic is not an item
                continue
        elif rest.startswith("then ") and not sep.startswith((",", ";")):
            keep = bool(left.strip())
        elif sep.startswith(",") and _TIME_PHRASE.match(left):  # "For the coming week, ..."
            keep = False
        elif sep.startswith(",") and _NEW_CLAUSE.match(rest):  # ", so we need ...", ", but I ..."
            keep = True
        elif sep.startswith(",") and rest[:4].lower() != "but ":
            keep = not _SUBORDINATE.match(rest) or sep.endswith("plus")
        elif sep.startswith(","):  # ", but we can't ...": as " but " below
            keep = _blocker_cue(rest[4:164]) and not _blocker_cue(sentence[pos : m.start()])
        elif sep in ("+", "&", "and"):  # a new verb phrase, or "+ a tutorial"
            keep = len(left.split()) >= 2 and (
                _lead_is_verbish(rest) or (sep != "and" and re.match(r"(?:a|an|the)\s", rest))
            )
        elif sep == "/":  # "fixed the crash / reviewed PRs", not "rejection / error"
            keep = _lead_is_verbish(rest) and len(left.split(maxsplit=2)) >= 2
        elif sep == "but":
            keep = _blocker_cue(rest[:160]) and not _blocker_cue(sentence[pos : m.start()])
        else:  # dash or arrow; not inside "4.8.2 -> 9.1.0" or "Slack -> Matrix migration"
            keep = not (re.search(r"\d$", left) and rest[:1].isdigit()) and len(left.split()) > 1
        if keep:
            pieces.append([sentence[pos : m.start()], m.group(0)])
            pos = m.end()
    pieces.append([sentence[pos:], ""])
    merged: list[list[str]] = []
    for piece in pieces:
        if (
            merged
            and piece[0].strip()
            and _plain_words(piece[0]) == 0
            and not _IDENTIFIER.match(piece[0])
        ):
            merged[-1] = [merged[-1][0] + merged[-1][1] + piece[0], piece[1]]
        else:
            merged.append(piece)
    return [text for text, _ in merged if text.strip()]


# -------------------------------------------------------------------------- cleaning

_LEAD_NOISE = re.compile(
    r"^(?:(?:[^\w\-\s#@~(\"'`]|-(?!-\w)|\s)+"  # punctuation, but not "--flag", "#12", "@user"
    r"|(?:and|also|then|plus|but|so(?:\s+far)?"
    r"|next(?=\s*[:,]|\s+up\b|\s+(?:i|we|the|a|an|on)\b)(?:\s+up)?(?:\s+is)?(?:\s+on\b)?"
    r"|(?:tomorrow|today|tonight|yesterday|later|(?:this|last|next)\s+(?:week|morning"
    r"|afternoon|sprint|month))(?=\s*,|\s+(?:i|we)\b)|yes|ok|(?:i|we)(?:'ll|'m|'ve|'re|'d)?(?=\s)"
    r"|will|am|are"
    r"|(?:have|has)(?:\s+to)?|going\s+to|gonna|plan(?:ning)?\s+to|hopefully|currently|now)\b\W*)",
    re.I,
)
_EDGE_PUNCTUATION = re.compile(
    r"^(?:[\s,;:!\u2013\u2014]|-+(?=\s|$))+|[\s,;:!\-\u2013\u2014]+$|\s+[/|\u2022]\s*$"
)
_FILLER = re.compile(
    r"^(?:etc|yes|yep|sure|no|none|n/?a|null|nil|tbd|ok|okay|nothing|same|see above|green|amber"
    r"|(?:hey|hi|hello|good\s+morning|morning)(?:\s+(?:team|all|everyone|folks))?"
    r"|(?:quick\s+)?update(?:\s+from\s+me)?"
    r"|yellow|red|i think so|i hope so|definitely|not really|(?:by|before|until)\s+(?:mon|tue|wed"
    r"|thu|fri|sat|sun|tomorrow|tonight|eod|end|next|the\s+end)\w*(?:\s+\S+){0,4}"
    r"|(?:~|about\s+|around\s+|approx\.?\s+)?\d+(?:\s*[-\u2013]\s*\d+)?\s*(?:more\s+)?(?:days?"
    r"|weeks?|hours?|hrs?)\b.*|(?:should|will)\s+be\s+(?:done|ready|finished)\b.*)$",
    re.I,
)
_PCT_ONLY = re.compile(
    r"^(?:we're|i'm|it's|at|about|around|roughly|~|progress\W*|overall\W*)*\s*\d{1,3}\s?%"
    r"(?:\s*(?:done|complete|completed|finished|through|there))?$",
    re.I,
)


_STATUS_TAIL = re.compile(  # "... — at risk" closing an item states the whole update
    r"\s*(?:[-\u2013\u2014]+|[,;(])\s*(?:at[\s-]risk|on[\s-]track|off[\s-]track|red|amber|green"
    r"|yellow)\s*\)?[.!]*\s*$",
    re.I,
)
_STATUS_LEAD = re.compile(
    r"^\W*(?:slipping|at[\s-]risk|on[\s-]track|off[\s-]track|behind)\s*:\s*", re.I
)
_COLOUR_WORD = re.compile(r"\b(?:green|amber|yellow|red)\b", re.I)


def _clean(item: str) -> str:
    """A tidy item: no markers, bullets, leading connectives or pronouns; "" if nothing is left."""
    item = _BULLET.sub("", _ANY_MARK.sub(" ", item))
    item = _STATUS_LEAD.sub("", _STATUS_TAIL.sub("", item))
    for _ in range(6):
        stripped = _LEAD_NOISE.sub("", item.strip(), count=1)
        if stripped == item.strip():
            break
        item = stripped
    item = _EDGE_PUNCTUATION.sub("", re.sub(r"\s+", " ", item))
    item = re.sub(r"^\.+(?=\s|$)|\.+$", "", item).strip()
    if item.startswith("(") and item.endswith(")") and item.count("(") == 1:
        item = item[1:-1]
    if item.endswith(")") and item.count("(") < item.count(")"):
        item = item[:-1]
    item = re.sub(r"\s+(?:and|or|but|so)$", "", item, flags=re.I).strip(" .,;:")
    if len(item) > MAX_ITEM_CHARS:
        item = item[: MAX_ITEM_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
    if not re.search(r"[A-Za-z]{2}", item) or _FILLER.match(item) or _PCT_ONLY.match(item):
        return ""
    first = item.split(" ", 1)[0]
    return item[:1].upper() + item[1:] if re.fullmatch(r"[a-z][a-z']*", first) else item


_STATUS_LEAD_WORD = re.compile(r"\W*(?:status|overall|rag)\b\W*", re.I)


def _is_status_only(fragment: str) -> bool:
    """A short statement of overall status ("we're on track", "bug triage - yellow")."""
    fragment = fragment.strip()  # " on track" after "Overall:" is a status all the same
    if len(fragment.split()) <= 12 and len(_COLOUR_WORD.findall(fragment)) >= 2:
        return True  # "3 projects green, 2 amber, 1 red": counts of statuses
    if len(fragment.split()) > 6 or _blocker_cue(fragment):
        return False
    return any(p.search(fragment) for _, _, p in _RAG_RULES) or bool(
        _STATUS_LEAD_WORD.match(fragment)
    )


# A period an update is named after: "week 7", "sprint #12", "wk3", "day 2".
_PERIOD = re.compile(r"\b(?:weeks?|wk|sprint|day)\s*#?\d+\b|\bwk\d+\b", re.I)


def _is_only_a_status(fragment: str) -> bool:
    """An overall status and nothing more ("on track", "status: green", "release at risk").

    Stricter than :func:`_is_status_only`, for fragments under an explicit done / next label:
    a leading "status" / "overall" / "rag" only counts when what follows states a status, so
    "status report" and "overall layout" are work.
    """
    lead = _STATUS_LEAD_WORD.match(fragment)
    if lead and re.search(r"[A-Za-z]", fragment[lead.end() :]):
        return _is_status_only(fragment[lead.end() :])
    return _is_status_only(fragment)


def _is_empty_heading(fragment: str) -> bool:
    """A heading naming only the update's period ("Week 7", "Sprint 12 update"), not work.

    The test a fragment under an explicit label must pass to be dropped: "steerco report",
    "vendor update" and "sprint 5 planning" are items there.
    """
    plain = _ANY_MARK.sub(" ", fragment)
    if not _PERIOD.search(plain):
        return False
    rest = _HEADING_WORDS.sub(" ", _PERIOD.sub(" ", plain))
    return _plain_words(rest) == 0


def _is_heading_fragment(fragment: str) -> bool:
    plain = _ANY_MARK.sub(" ", fragment).strip()
    return (
        len(plain.split()) <= 5
        and bool(_HEADING_FRAGMENT.search(plain))
        and _lead(plain)[0] is None
    )


def _blocker_items(chunk: str) -> list[str]:
    """Items of an explicit blockers section; [] for "none", "n/a", "no, ...", "not blocked"."""
    text = re.sub(r"^\W*yes\b\W*", "", _ANY_MARK.sub(" ", chunk).strip(), flags=re.I)
    if not text or _NONE_SECTION.match(text) or _SOFTENED.search(text):
        return []
    items = []
    for sentence in _sentences(text):
        if _is_status_only(sentence):  # "no staging creds. we're slipping a bit"
            continue
        pos = 0
        for m in re.finditer(r"\s*;\s*|,?\s+plus\s+(?=\w)", _mask(sentence)):
            items.append(sentence[pos : m.start()])
            pos = m.end()
        items.append(sentence[pos:])
    return [item for item in map(_clean, items) if item]
