"""Rules that fill an operation's arguments from a free-text message.

The intent model picks the operation; these read its slots by the argument's name: item
keys (`APOLLO-R4`, `R4`, `#4`; a milestone's `M2`), people (mentions, "me"), dates and
levels (the RAID message reader's), a RAID type word, a project named by key or name,
numbers, formats, money and months (the cost skill's readers), and the text left over for
notes and titles. An operation with a reader of its own
(`Operation.text`, e.g. `raid.add`) reads the message itself.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session, select

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Message, UserError
from bot.core.models import Project
from bot.core.operations import INTERNAL, Args, Operation, field_kind
from bot.core.projects import get_project

TYPE_LETTERS = r"(?:[Aa][Cc][Tt]|[Dd][Ee][Cc]|[RAIDXCraidxc])"  # R4, ACT2, DEC1
FULL_KEY = rf"[A-Za-z][A-Za-z0-9-]*-(?:{TYPE_LETTERS}|[A-Za-z])\d{{1,6}}"
# `#4` is an item's number; `#18994` ("the PR (#18994)") a pull request's or ticket's.
HASH_KEY = r"#\d{1,3}"
KEYS = re.compile(rf"(?<![\w-])(?:{FULL_KEY}|{TYPE_LETTERS}\d{{1,6}}|{HASH_KEY})(?![\w-])")
MILESTONE_KEYS = re.compile(r"(?<![\w-])(?:[A-Za-z][A-Za-z0-9-]*-)?[Mm]\d{1,6}(?![\w-])")
# Milestone statuses in words; `skills.milestones.service.read_status` knows the rest.
MILESTONE_STATUS = re.compile(
    r"\b(back on track|on track|planned|at[\s-]risk|missed|didn'?t make it|done|met|achieved"
    r"|complete(?:d)?|hit|reached|delivered|finished)\b",
    re.I,
)
MILESTONE_STATUS_WORDS = {
    "back on track": "on track",
    "didn't make it": "missed",
    "didnt make it": "missed",
    "hit": "done",
    "reached": "done",
    "delivered": "done",
    "finished": "done",
}
STOP = re.compile(
    r"\b(?:stop|unfollow|unsubscribe|no longer|no more|don'?t need|mute|quit)\b", re.I
)
ONLY_OPEN = re.compile(r"\b(?:open|remaining|left|upcoming|coming up|outstanding|still)\b", re.I)
PAGE = re.compile(r"\bpage\s+(\d{1,3})\b", re.I)
OVERDUE = re.compile(r"\b(?:overdue|late|past (?:its |their )?(?:due|date))\b", re.I)
PLANNED_SPEND = re.compile(r"\b(?:plan|planned|planning|budgeted|forecast)\b", re.I)
SPENT = re.compile(r"\bspent\b", re.I)
SPAN_END = re.compile(
    r"\b(?:to|until|till|through|thru|ending(?:\s+in)?|ends(?:\s+in)?|runs\s+to|-|–)\s+"
    r"(?:next\s+|end\s+of\s+)?$",
    re.I,
)
SPAN_START = re.compile(r"\b(?:from|starting(?:\s+in)?|starts(?:\s+in)?)\s+$", re.I)
SPAN_NEXT = re.compile(r"^\s*(?:to|until|till|through|thru|-|–)\s", re.I)
OWNER_CUE = re.compile(
    r"\b(?:owner|owns?|owned|give|hand(?:ed)?|re-?assign(?:ed)?|assign(?:ed)?|take over)\b", re.I
)
MILESTONE_FIELDS = ("status", "item", "owner", "name", "stop", "open")
NOTE_FILLER = frozenset(
    re.findall(
        r"\S+",
        "record log enter put down book add update correct set the our this last that month "
        "actual actuals came in at as was were is are total spend spent so far about it monthly "
        "cost costs for of on to we i we've have has been plan planned forecast budgeted please",
    )
)
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
ME = re.compile(  # but "show me", "tell me", "let me know" are not about me
    r"\b(?:(?<!show\s)(?<!tell\s)(?<!give\s)(?<!let\s)(?<!send\s)(?<!get\s)(?<!help\s)me"
    r"|myself|mine|I'?ll\s+(?:take|own|pick\s+up|handle|look\s+after)"
    r"|I'?ve\s+got)\b",
    re.I,
)
NUMBER = re.compile(r"\b(\d{1,3})\b")
FORMATS = re.compile(r"\b(xlsx|csv|json|excel|spreadsheet)\b", re.I)
TYPE_WORD = re.compile(
    r"(?P<before>\b(?:not|from|was|wasn't|isn't|is\s+not|no\s+longer|instead\s+of"
    r"|(?:logged|filed|entered|raised|put)\s+(?:it\s+|\w+\s+)?as)\s+(?:an?\s+|the\s+)?)?"
    r"\b(?P<type>risk|assumption|issue|dependency|action|decision)s?\b",
    re.I,
)
ASSUMPTION_KEY = re.compile(r"(?:^|-)[Aa]\d+$")
FOUND_FALSE = re.compile(
    r"\b(?:turned\s+out\s+(?:to\s+be\s+)?(?:wrong|false|untrue|incorrect|invalid)"
    r"|(?:was|is|proved|proven)\s+(?:wrong|false|untrue|incorrect)|(?:isn'?t|wasn'?t|not)\s+true"
    r"|(?:didn'?t|doesn'?t|does\s+not|did\s+not)\s+hold|disproved|disproven)\b",
    re.I,
)
ADVERB = r"(?:\s+(?:really|actually|probably|definitely|always))?"
OUGHT_TO_BE = re.compile(
    rf"\b(?:should|ought\s+to|needs?\s+to|must|has\s+to){ADVERB}(?:\s+have|'ve|’ve)?{ADVERB}"
    r"\s+be(?:en)?\s+$",
    re.I,
)
STATUS_WORDS = {
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "at risk": "at_risk",
    "at-risk": "at_risk",
    "monitoring": "monitoring",
    "monitor": "monitoring",
    "watching": "monitoring",
    "invalidated": "invalidated",
    "invalid": "invalidated",
    "validated": "validated",
    "delivered": "delivered",
    "resolved": "resolved",
    "closed": "closed",
    "open": "open",
}
STATUS = re.compile(r"\b(" + "|".join(re.escape(w) for w in STATUS_WORDS) + r")\b", re.I)
QUOTED = re.compile(r"[\"“”'‘’]([^\"“”]{3,300}?)[\"“”'‘’](?=\s*[.!?,]?\s*(?:$|pls|please|thanks))")
FIELD_LED = re.compile(
    r"\b(?:title|name|mitigation|plan|description|comment|note|text)\b[^:]{0,40}?"
    r"(?::\s*|\s(?:to|as|should (?:read|be)|is|=|->|→)\s+)(?P<value>.+)$",
    re.I | re.S,
)
AFTER_KEY = re.compile(
    rf"(?:{FULL_KEY}|\b(?:ACT|DEC|[RAIDXCM])\d{{1,6}}|{HASH_KEY})\s*(?:[:\-–—]|\bto\b)\s*(?P<value>.+)$",
    re.I | re.S,
)
LEAD_WORDS = re.compile(
    r"^(?:please\s+)?(?:add\s+)?(?:a\s+)?(?:comment|note|fyi|update)\b[^:]{0,30}?(?:on|to|for)?\s*",
    re.I,
)
LEVEL_NAMES = {
    "probability": r"prob|probability|likelihood|likely|chance|odds",
    "impact": r"impact|severity|consequence",
}
LEVEL_VALUE = re.compile(
    r"\b(?:very\s+(?:low|high|unlikely|likely)|extremely\s+\w+|critical|severe|low|medium|med"
    r"|moderate|high|likely|unlikely|almost certain|rare|minor|major|[1-5](?:\s*/\s*5)?)\b",
    re.I,
)
SPAN = re.compile(r"\b(?P<n>\d{1,3}|an?|another|one)?\s*(?P<unit>days?|weeks?|fortnights?)\b", re.I)
REMINDER_NAMES = (
    re.compile(r"\b(?:the|my|that)\s+(.{2,40}?)\s+(?:reminder|nudge)s?\b", re.I),
    re.compile(
        r"\b(?:reminders?|nudges?)\s+(?:about|for|to|re)\s+(?:the\s+)?(.{2,40}?)[.,!?]*$", re.I
    ),
)
NEW_VALUE_CUE = re.compile(r"(?:\b(?:to|until|till)|->|→|:)\s*$", re.I)
KEY_FIELDS = ("key", "other")
PEOPLE_FIELDS = ("owner", "who", "user")
DATE_FIELDS = ("due_on",)
LEVEL_FIELDS = ("probability", "impact")
TEXT_FIELDS = (
    "note",
    "text",
    "title",
    "question",
    "topic",
    "words",
    "dates",
    "setting",
    "reminder",
)


def key_kind(op: Operation) -> str | None:
    """Which key an operation on one thing takes: a milestone's (`M2`), a RAID item's (`R4`)."""
    if "key" not in op.args.model_fields:
        return None
    return "milestone" if op.name.startswith("milestone.") else "item"


# Probability and impact said as a pair ("p4 i5", "L3/I2"): its `I5` is no item's key.
LEVEL_PAIR = re.compile(r"(?<![\w-])[PpLl]\d\s*[,/&]?\s*(?:and\s+)?[Ii]\d(?!\w)")


def key_matches(text: str) -> list[re.Match[str]]:
    """The item keys in `text` (`R4`, `APOLLO-D2`, `#9`), not the `I5` of a level pair."""
    pairs = [found.span() for found in LEVEL_PAIR.finditer(text)]
    return [
        found
        for found in KEYS.finditer(text)
        if not any(start <= found.start() < end for start, end in pairs)
    ]


def item_keys(text: str) -> list[str]:
    """The item keys `text` names, in order."""
    return [found.group() for found in key_matches(text)]


def without_keys(text: str) -> str:
    """`text` with its item keys blanked out ("I2" is no impact of 2; "p4 i5" stays)."""
    for found in reversed(key_matches(text)):
        text = text[: found.start()] + " " + text[found.end() :]
    return text


def only_keys(text: str) -> bool:
    """Whether the message is keys and nothing else that has letters ("R4", "M2?", "#4")."""
    return not re.search(r"[^\W\d_]", MILESTONE_KEYS.sub(" ", without_keys(text)))


def names_an_item(text: str) -> bool:
    """Whether the words name a RAID item by its key (`R4`, `APOLLO-D2`, `#9`)."""
    return "item" in keys_said(text)


def keys_said(text: str) -> set[str]:
    """The kinds of key a message names: "milestone" (`M2`, `APOLLO-M2`), "item" (`R4`, `#4`)."""
    said = {"milestone"} if MILESTONE_KEYS.search(text) else set()
    if any(not MILESTONE_KEYS.fullmatch(k) for k in item_keys(text)):
        said.add("item")
    return said


def fill(op: Operation, ctx: Context, text: str) -> Args:
    """The operation's arguments read from `text`; a `UserError` with its usage if the
    message lacks what the operation needs."""
    if op.text is not None:
        return op.text(ctx, text)
    values = read_slots(op, ctx, text)
    try:
        return op.args.model_validate(values)
    except ValidationError as exc:
        try:
            return op.parse(text)  # it may be written as the command after all
        except UserError:
            raise UserError(op.explain(exc)) from None


def read_slots(op: Operation, ctx: Context, text: str) -> dict[str, Any]:
    fields = [n for n in op.args.model_fields if field_kind(op.args, n) != INTERNAL]
    on_milestone = op.name.startswith("milestone.")
    keys = MILESTONE_KEYS.findall(text) if on_milestone else item_keys(text)
    values: dict[str, Any] = money_in(op, text) if "amount" in fields else {}
    draft = None
    for name in fields:
        if name in values:
            continue
        if on_milestone and name in MILESTONE_FIELDS:
            value = milestone_slot(op, name, text)
            if value is not None:
                values[name] = value
        elif name in KEY_FIELDS:
            index = KEY_FIELDS.index(name)
            if len(keys) > index:
                values[name] = keys[index]
            elif name == "key" and not keys:
                described = described_item(ctx, text, milestone=on_milestone)
                if described:
                    values[name] = described
        elif name in PEOPLE_FIELDS:
            person = person_in(text)
            if person is None and name == "owner" and op.args.model_fields[name].annotation is str:
                person = owner_named(text)  # an owner that may be a name: "assign R3 to Legal"
            if person:
                values[name] = person
        elif name in LEVEL_FIELDS:
            level = level_in(text, name)
            if level is None:
                draft = draft or message_draft(ctx, text)
                level = getattr(draft, name)
            if level is not None:
                values[name] = level
        elif name in DATE_FIELDS:
            draft = draft or message_draft(ctx, text)
            day = draft.date or only_date(ctx, text)
            if day is not None:
                values[name] = day.isoformat()
        elif name == "type":
            new_type = type_in(text)
            if new_type:
                values[name] = new_type
        elif name == "status":
            status = status_in(text, keys)
            if status:
                values[name] = status
        elif name == "project":
            project = project_in(ctx, text)
            if project:
                values[name] = project
        elif name == "format":
            found = FORMATS.search(text)
            if found:
                word = found.group(1).lower()
                values[name] = "xlsx" if word in ("excel", "spreadsheet") else word
        elif name == "days":
            days = days_in(without_keys(text))
            if days is not None:
                values[name] = days
        elif name == "reminder":
            values[name] = reminder_named(text)
        elif name == "overdue":
            if OVERDUE.search(text):
                values[name] = True
        elif name == "page":
            page = PAGE.search(text)
            if page:
                values[name] = int(page.group(1))
        elif name in ("title", "mitigation", "description") and field_kind(op.args, name) == "flag":
            if name in mentioned_fields(text):
                value = said_value(text)
                if value:
                    values[name] = value
        elif name in TEXT_FIELDS and field_kind(op.args, name) != "flag":
            value = said_value(text) if keys else " ".join(text.split())
            if not only_the_operations_words(op, value):
                values[name] = value
    return values


OWN_WORD_FILLER = frozenset(
    re.findall(
        r"\S+", "it this that now please pls as mark can be been is to we i ok let's go ahead"
    )
)


def only_the_operations_words(op: Operation, value: str) -> bool:
    """Whether a value says nothing but the operation's own command words ("close" in
    "close APOLLO-R1" is no reason for closing it)."""
    names = {op.command[-1], *(alias[-1] for alias in op.aliases)}
    stems = tuple(name.rstrip("e").lower() for name in names)
    words = re.findall(r"[\w'-]+", value.lower())
    return bool(words) and all(w in OWN_WORD_FILLER or w.startswith(stems) for w in words)


def milestone_slot(op: Operation, name: str, text: str) -> Any:
    """A milestone operation's own words: its status, the RAID item that threatens it, an
    owner only when one is named ("owner", "give M2 to"), a new name, stop following, only
    the open ones."""
    if name == "status":
        from skills.milestones.service import read_status

        found = MILESTONE_STATUS.search(text)
        word = found.group(1).lower().replace("’", "'") if found else None
        return read_status(MILESTONE_STATUS_WORDS.get(word, word)) if word else None
    if name == "item":
        items = [k for k in item_keys(text) if not MILESTONE_KEYS.fullmatch(k)]
        return items[0] if items else None
    if name == "owner":
        return person_in(text) if OWNER_CUE.search(text) else None
    if name == "name":
        return said_value(text) or None if "title" in mentioned_fields(text) else None
    if name == "stop":
        return bool(STOP.search(text))
    if name == "open":
        return bool(ONLY_OPEN.search(text))
    return None


def money_in(op: Operation, text: str) -> dict[str, Any]:
    """An amount, the month it is for (or the months a budget spans) and what it was, read
    by the cost skill's readers: "spent €42k in November on contractors", "budget 1.2m EUR
    from Sep 2026 to Jun 2027", "planned spend for January: 100k"."""
    from skills.cost.money import AMOUNT, PERIOD

    fields = op.args.model_fields
    months = list(PERIOD.finditer(text))
    said = PERIOD.sub(lambda m: " " * len(m.group()), text)
    # a bare fraction of one unit ("the euro staying at 0.86") is a rate, never project money
    amounts = [m for m in AMOUNT.finditer(said) if not _bare_fraction(m)]
    amounts.sort(key=bare)  # a currency, a multiplier or thousands beat a bare small number
    values: dict[str, Any] = {}
    if amounts:
        values["amount"] = amounts[0].group().strip()
        start, end = amounts[0].span()
        said = said[:start] + " " * (end - start) + said[end:]
    if "period" in fields and months:
        values["period"] = months[0].group().strip()
    if "end" in fields:
        for month in months:
            before, after = text[: month.start()], text[month.end() :]
            if SPAN_START.search(before) or SPAN_NEXT.match(after):
                values.setdefault("start", month.group().strip())
            elif SPAN_END.search(before) or "start" in values:
                values.setdefault("end", month.group().strip())
    if "note" in fields:
        values["note"] = note_in(said)
    if "kind" in fields and PLANNED_SPEND.search(text):
        values["kind"] = "plan"
    if "ask" in fields and SPENT.search(text):  # more spend, or the month's total?
        values["ask"] = True
    return values


def bare(amount: re.Match[str]) -> bool:
    return not any(amount.group("symbol", "code1", "code2", "mult")) and len(amount["number"]) <= 3


def _bare_fraction(amount: re.Match[str]) -> bool:
    unmarked = not any(amount.group("symbol", "code1", "code2", "mult"))
    return unmarked and bool(re.fullmatch(r"0?[.,]\d+", amount["number"].strip()))


def filler(word: str) -> bool:
    return re.sub(r"['’]s$", "", word.lower()).strip("'’,.:;()-—–=?!") in NOTE_FILLER | {""}


def note_in(said: str) -> str:
    """What is left once the filler is gone ("on contractors" -> "contractors"), or ""."""
    words = said.split()
    for end in (0, -1):
        while words and filler(words[end]):
            words.pop(end)
    return " ".join(words).strip(" ,;:.()-—–")


def status_in(text: str, keys: list[str]) -> str | None:
    """A status in words ("in progress", "at risk"); an assumption (`A2`) found false
    ("turned out wrong", "didn't hold") is invalidated."""
    found = STATUS.search(without_keys(text))
    if found:
        return STATUS_WORDS[found.group(1).lower()]
    if keys and ASSUMPTION_KEY.search(keys[0]) and FOUND_FALSE.search(text):
        return "invalidated"
    return None


def type_in(text: str) -> str | None:
    """The type a message gives an item: the last one it names that it doesn't deny ("not a
    dependency", "isn't an issue"), or say it was ("from a risk", "logged it as …"), unless
    it says it ought to have been ("should've been logged as a dependency")."""
    plain = without_keys(text)
    named = [
        found.group("type").lower()
        for found in TYPE_WORD.finditer(plain)
        if not found.group("before") or OUGHT_TO_BE.search(plain[: found.start("before")])
    ]
    return named[-1] if named else None


def level_in(text: str, name: str) -> int | None:
    """A level said for this field: "probability on #6 to 5", "impact is high now"."""
    from skills.raid.parsing import parse_level

    words = LEVEL_NAMES[name]
    found = re.search(rf"\b(?:{words})\w*\b(?P<after>.{{0,50}})", text, re.I | re.S)
    if not found:
        return None
    for match in LEVEL_VALUE.finditer(found.group("after")):
        level = parse_level(match.group(0), kind="impact" if name == "impact" else None)
        if level is not None:
            return level
    return None


def days_in(text: str) -> int | None:
    """A span in days: "3 days", "a week", "a fortnight", "2 weeks"."""
    found = SPAN.search(text)
    if not found:
        number = NUMBER.search(text)
        return int(number.group(1)) if number else None
    if found.group("n") is None and found.group("unit").lower().endswith("s"):
        return None  # "how many days": a question, not a span
    count = found.group("n") or "1"
    amount = 1 if count.lower() in ("a", "an", "another", "one") else int(count)
    unit = found.group("unit").lower()
    return amount * (14 if unit.startswith("fortnight") else 7 if unit.startswith("week") else 1)


def reminder_named(text: str) -> str:
    """Which reminder: its number, or the words that name it ("the timesheet reminder")."""
    number = re.search(r"(?:#|\b)(\d{1,6})\b", text)
    if number:
        return number.group(1)
    for pattern in REMINDER_NAMES:
        found = pattern.search(text)
        if found:
            return " ".join(found.group(1).split())
    return " ".join(text.split())


def mentioned_fields(text: str) -> set[str]:
    """Which text field a message names: `title` (rename, call it), `mitigation` (plan)."""
    low = text.lower()
    fields = set()
    if re.search(r"\b(?:title|re-?title|titled|rename|re-name|call it|name)\b", low):
        fields.add("title")
    if re.search(r"\b(?:mitigation|mitigate|plan is|response)\b", low):
        fields.add("mitigation")
    if re.search(r"\bdescription\b", low):
        fields.add("description")
    return fields


def said_value(text: str) -> str:
    """The words a message gives as a value: quoted, after a field name and a colon or "to",
    or after the item's key; else the message without its key."""
    for pattern in (QUOTED, FIELD_LED, AFTER_KEY):
        found = pattern.search(text)
        if found:
            value = found.group(found.lastindex or 1) if pattern is QUOTED else found.group("value")
            value = " ".join(value.split()).strip(" .,;:'\"“”‘’")
            if value:
                return value
    rest = LEAD_WORDS.sub("", without_keys(text).strip())
    return " ".join(rest.split()).strip(" .,;:-–—")


# "to Legal team", "owner is the vendor", "owned by Jo": a name closing the message
OWNER_NAMED = re.compile(
    r"\b(?:to|owner(?:\s+is|\s*:)?|owned\s+by)\s+(?!(?:of|for)\b)(?P<name>(?:the\s+)?[A-Za-z]"
    r"[\w&.'-]*(?:\s+[A-Za-z][\w&.'-]*){0,3})\s*[.!]?\s*$"
    r"|\b(?:make|makes|made)\s+(?P<made>[A-Za-z][\w&.'-]*(?:\s+[A-Za-z][\w&.'-]*){0,2}?)"
    r"\s+(?:the\s+)?owner\b",
    re.I,
)


def owner_named(text: str) -> str | None:
    """An owner named in words at the message's end (not a Slack mention)."""
    found = OWNER_NAMED.search(text)
    return (found.group("name") or found.group("made")) if found else None


def described_item(ctx: Context, text: str, *, milestone: bool = False) -> str | None:
    """The key of the RAID item of this channel's project the words describe ("the VPN
    issue"), or of the `milestone` they name ("if go-live slips"), for someone who may read
    that project."""
    from bot.core.access import role_of
    from skills.milestones.service import named_key
    from skills.raid.args import described_key

    project = ctx.project
    if project is None or role_of(ctx.session, project, ctx.user, ctx.team) is None:
        return None
    find = named_key if milestone else described_key
    return find(ctx.session, project, text)


def records_named(session: Session, message: Message, text: str) -> frozenset[str]:
    """The kinds of record ("item", "milestone") of the channel's project that the words
    name without a key, for a member of that project: nothing in a DM."""
    from bot.core.access import role_of
    from bot.core.projects import project_for_channel
    from skills.milestones.service import named_key
    from skills.raid.args import described_key

    if message.is_dm or not message.channel or item_keys(text):
        return frozenset()
    project = project_for_channel(session, message.channel)
    if project is None or role_of(session, project, message.user, message.team) is None:
        return frozenset()
    try:
        item = described_key(session, project, text)
    except UserError:  # several fit: an item is named all the same
        item = "several"
    milestone = named_key(session, project, text)
    return frozenset(kind for kind, key in (("item", item), ("milestone", milestone)) if key)


def person_in(text: str) -> str | None:
    """The first person mentioned, or `me`."""
    found = MENTION.search(text)
    if found:
        return found.group(1)
    return "me" if ME.search(text) else None


def message_draft(ctx: Context, text: str) -> Any:
    """The message read as a RAID entry, for its date and levels (project time): item keys
    left out ("I2" is no impact of 2), and a risk unless it names a type, so its date is
    one ahead (a decision's would be one past)."""
    from skills.raid.parsing import parse_raid_message
    from skills.raid.scoring import RaidType

    timezone = ctx.project.timezone if ctx.project else ctx.person.timezone
    return parse_raid_message(
        without_keys(text), now=clock.now(), tz=ZoneInfo(timezone), default_type=RaidType.RISK
    )


def only_date(ctx: Context, text: str) -> date | None:
    """The one date a message gives as a new value, cue or not ("bring I4 forward to
    tomorrow", "move A2 until May"): right after to, until, till, an arrow or a colon."""
    from skills.raid.parsing import parse_date_phrase
    from skills.raid.parsing.dates import date_phrases

    plain = without_keys(text)
    said = [
        plain[start:end]
        for kind, start, end in date_phrases(plain)
        if kind == "date" and NEW_VALUE_CUE.search(plain[:start])
    ]
    if len(said) != 1:
        return None
    timezone = ctx.project.timezone if ctx.project else ctx.person.timezone
    return parse_date_phrase(said[0], now=clock.now(), tz=ZoneInfo(timezone))


def project_in(ctx: Context, text: str) -> str | None:
    """A project named in the words by key or name (one only)."""
    from skills.summary.parsing import mentioned_projects

    named = mentioned_projects(text, ctx.session.exec(select(Project)))
    return named[0].key if len(named) == 1 else None


def project_said(ctx: Context, text: str) -> tuple[str | None, str]:
    """In a DM, the project the words name (`project_meant`), and the words without the
    phrase that names it when it opens them or follows a preposition ("log a risk in orion:
    …", "apollo risk: …"), so the name is no part of what is logged."""
    from skills.summary.parsing import name_pattern

    key = project_meant(ctx, text) if ctx.is_dm else None
    project = get_project(ctx.session, key) if key else None
    if project is None:
        return None, text
    named = re.search(
        rf"(?:^\W*|\b(?:in|for|on|to|into)\s+(?:the\s+)?){name_pattern(project).pattern}"
        r"(?:\s+project\b)?",
        text,
        re.I,
    )
    if named is None:
        return key, text
    return key, f"{text[: named.start()]} {text[named.end() :]}".strip()


def project_meant(ctx: Context, text: str) -> str | None:
    """The project a message's words name for itself: in a DM, the one it names; in a
    project's channel, only that project (a word that happens to be another project's key,
    "ops" or "web", never moves an update or a question out of the channel's project)."""
    named = project_in(ctx, text)
    if ctx.project is not None and named != ctx.project.key:
        return None
    return named
