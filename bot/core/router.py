"""Maps a message to an operation and the text its arguments come from.

Order: explicit command words (`/pmo raid close R4`, `raid list`), then a skill's name
alone or followed by free text, then the skills' keyword patterns, then each skill's
`claim` test on the text, then each skill's `claim_message` test (given the message and a
database session, when the caller passes them: who sent it and where, e.g. a DM from
someone who owes a check-in answer), then the offline intent classifier; anything else
(and empty input) goes to help.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.core.db import session_scope
from bot.core.intent import IntentClassifier
from bot.core.messages import Message
from bot.core.operations import Operation
from bot.core.skills import Skill, SkillRegistry

log = logging.getLogger(__name__)

LEADING_MENTIONS = re.compile(r"^(\s*(<@[UW][A-Z0-9]+(\|[^>]*)?>|@pmo\b|/pmo\b)[\s,:]*)+", re.I)
CONFIDENCE = 0.75


@dataclass
class Route:
    """Where a message goes: `command` routes parse `args` as command words (with `preset`
    values), the others hand `args` to the operation's free-text reader."""

    skill: Skill
    operation: Operation | None
    args: str
    how: str  # "command" | "explicit" | "pattern" | "claim" | "intent" | "fallback"
    confidence: float = 1.0
    preset: dict[str, Any] = field(default_factory=dict)

    @property
    def is_command(self) -> bool:
        return self.how == "command"


def strip_address(text: str) -> str:
    """Remove the bot mention or `/pmo` that opens a message."""
    return LEADING_MENTIONS.sub("", text or "").strip()


class Router:
    """Routes text to operations registered in a `SkillRegistry`."""

    def __init__(self, registry: SkillRegistry, fallback: str = "help") -> None:
        self.registry = registry
        self.fallback = fallback
        self.classifier = IntentClassifier(
            {s.name: [*s.phrases, *s.examples] for s in registry.skills if s.phrases}
        )

    def to_skill(self, skill: Skill, body: str, how: str, confidence: float = 1.0) -> Route:
        name = skill.operation_for(body)
        op = self.registry.operations.get(name) if name else None
        return Route(skill, op, body, how, confidence)

    def route(
        self, text: str, message: Message | None = None, database_url: str | None = None
    ) -> Route:
        """The operation for `text`; `message` and `database_url` let `claim_message` run."""
        body = strip_address(text)
        fallback = self.registry.get(self.fallback)
        if fallback is None:
            raise LookupError(f"fallback skill {self.fallback!r} is not registered")
        if not body:
            return self.to_skill(fallback, "", "fallback", 0.0)
        words = body.split()
        # "Status: green" or "Risk: …" is a label in the message, not a command word.
        named = None if words[0].endswith((":", ",")) else self.registry.get(words[0].lower())
        if named is None or named.named_in(body):
            found = self.registry.command(words)
            if found:
                op, preset, size = found
                rest = body.split(None, size)[size] if len(words) > size else ""
                return Route(self.registry.skill_of(op), op, rest, "command", 1.0, preset)
            if named:
                rest = body.split(None, 1)[1] if len(words) > 1 else ""
                return self.to_skill(named, rest, "explicit")
        for skill in self.registry.skills:
            if any(p.search(body) for p in skill.compiled):
                return self.to_skill(skill, body, "pattern")
        for skill in self.registry.skills:
            if skill.claim and skill.claim(body):
                return self.to_skill(skill, body, "claim")
        if message is not None and database_url:
            claimed = self.claim_message(body, message, database_url)
            if claimed:
                return self.to_skill(claimed, body, "claim")
        label, confidence = self.classifier.classify(body)
        if label and confidence >= CONFIDENCE:
            return self.to_skill(self.registry.get(label) or fallback, body, "intent", confidence)
        return self.to_skill(fallback, body, "fallback", confidence)

    def claim_message(self, body: str, message: Message, database_url: str) -> Skill | None:
        """The first skill whose `claim_message` wants this message (None on a database error:
        routing goes on by the words alone)."""
        claimants = [s for s in self.registry.skills if s.claim_message]
        if not claimants:
            return None
        try:
            with session_scope(database_url) as session:
                return next((s for s in claimants if s.claim_message(body, message, session)), None)
        except SQLAlchemyError:
            log.exception("claim_message failed for user=%s; routing by text", message.user)
            return None
