"""Rules that fill an operation's arguments from a free-text message.

The intent model picks the operation; these read its slots by the argument's name: item
keys (`APOLLO-R4`, `R4`, `#4`), people (mentions, "me"), dates and levels (the RAID
message reader's), a RAID type word, a project named by key or name, numbers, formats, and
the text left over for notes and titles. An operation with a reader of its own
(`Operation.text`, e.g. `raid.add`) reads the message itself.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import select

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.operations import INTERNAL, Args, Operation, field_kind

FULL_KEY = r"[A-Za-z][A-Za-z0-9-]*-[A-Za-z]\d{1,6}"
KEYS = re.compile(rf"(?<![\w-])(?:{FULL_KEY}|[RAIDXCraidxc]\d{{1,6}}|#\d{{1,6}})(?![\w-])")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
ME = re.compile(r"\b(?:me|myself|I'll take it|mine)\b", re.I)
NUMBER = re.compile(r"\b(\d{1,3})\b")
FORMATS = re.compile(r"\b(xlsx|csv|json|excel|spreadsheet)\b", re.I)
TYPE_WORD = re.compile(
    r"\b(risk|assumption|issue|dependency|action|decision)s?\b(?![\s\S]*\b(?:risk|assumption|"
    r"issue|dependency|action|decision)s?\b)",
    re.I,
)
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
    keys = KEYS.findall(text)
    values: dict[str, Any] = {}
    draft = None
    for name in fields:
        if name in KEY_FIELDS:
            index = KEY_FIELDS.index(name)
            if len(keys) > index:
                values[name] = keys[index]
        elif name in PEOPLE_FIELDS:
            person = person_in(text)
            if person:
                values[name] = person
        elif name in DATE_FIELDS or name in LEVEL_FIELDS:
            draft = draft or message_draft(ctx, text)
            value = draft.date if name in DATE_FIELDS else getattr(draft, name)
            if value is not None:
                values[name] = value.isoformat() if name in DATE_FIELDS else value
        elif name == "type":
            found = TYPE_WORD.search(KEYS.sub(" ", text))
            if found:
                values[name] = found.group(1).lower()
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
            found = NUMBER.search(KEYS.sub(" ", text))
            if found:
                values[name] = int(found.group(1))
        elif name in TEXT_FIELDS and field_kind(op.args, name) != "flag":
            rest = KEYS.sub(" ", text) if keys else text
            values[name] = " ".join(rest.split())
    return values


def person_in(text: str) -> str | None:
    """The first person mentioned, or `me`."""
    found = MENTION.search(text)
    if found:
        return found.group(1)
    return "me" if ME.search(text) else None


def message_draft(ctx: Context, text: str) -> Any:
    """The message read as a RAID entry, for its date and levels (project time)."""
    from skills.raid.parsing import parse_raid_message

    timezone = ctx.project.timezone if ctx.project else ctx.person.timezone
    return parse_raid_message(text, now=clock.now(), tz=ZoneInfo(timezone))


def project_in(ctx: Context, text: str) -> str | None:
    """A project named in the words by key or name (one only)."""
    from skills.summary.parsing import mentioned_projects

    named = mentioned_projects(text, ctx.session.exec(select(Project)))
    return named[0].key if len(named) == 1 else None
