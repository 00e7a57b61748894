"""Maps a message to a skill and its arguments.

Order: an explicit skill name (`/pmo raid add ...`, `raid add ...`), then the
skills' keyword patterns, then each skill's `claim` test on the text, then each
skill's `claim_message` test (given the message and a database session, when the
caller passes them: who sent it and where, e.g. a DM from someone who owes a
check-in answer), then the offline intent classifier; anything else (and empty
input) goes to help.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bot.core.db import session_scope
from bot.core.intent import IntentClassifier
from bot.core.messages import Message
from bot.core.skills import Skill, SkillRegistry

log = logging.getLogger(__name__)

LEADING_MENTIONS = re.compile(r"^(\s*(<@[UW][A-Z0-9]+(\|[^>]*)?>|@pmo\b|/pmo\b)[\s,:]*)+", re.I)
CONFIDENCE = 0.75


@dataclass
class Route:
    skill: Skill
    args: str
    how: str  # "explicit" | "pattern" | "claim" | "intent" | "fallback"
    confidence: float = 1.0


def strip_address(text: str) -> str:
    """Remove the bot mention or `/pmo` that opens a message."""
    return LEADING_MENTIONS.sub("", text or "").strip()


class Router:
    """Routes text to skills registered in a `SkillRegistry`."""

    def __init__(self, registry: SkillRegistry, fallback: str = "help") -> None:
        self.registry = registry
        self.fallback = fallback
        self.classifier = IntentClassifier(
            {s.name: [*s.phrases, *s.examples] for s in registry.skills if s.phrases}
        )

    def route(
        self, text: str, message: Message | None = None, database_url: str | None = None
    ) -> Route:
        """The skill for `text`; `message` and `database_url` let `claim_message` tests run."""
        body = strip_address(text)
        fallback = self.registry.get(self.fallback)
        if fallback is None:
            raise LookupError(f"fallback skill {self.fallback!r} is not registered")
        if not body:
            return Route(fallback, "", "fallback", 0.0)
        first, _, rest = body.partition(" ")
        skill = self.registry.get(first.lower().rstrip(":,"))
        if skill:
            return Route(skill, rest.strip(), "explicit")
        for skill in self.registry.skills:
            if any(p.search(body) for p in skill.compiled):
                return Route(skill, body, "pattern")
        for skill in self.registry.skills:
            if skill.claim and skill.claim(body):
                return Route(skill, body, "claim")
        if message is not None and database_url:
            claimed = self.claim_message(body, message, database_url)
            if claimed:
                return Route(claimed, body, "claim")
        label, confidence = self.classifier.classify(body)
        if label and confidence >= CONFIDENCE:
            return Route(self.registry.get(label) or fallback, body, "intent", confidence)
        return Route(fallback, body, "fallback", confidence)

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
