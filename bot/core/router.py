"""Maps a message to a skill and its arguments.

Order: an explicit skill name (`/pmo raid add ...`, `raid add ...`), then the
skills' keyword patterns, then each skill's `claim` test, then the offline
intent classifier; anything else (and empty input) goes to help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.intent import IntentClassifier
from bot.core.skills import Skill, SkillRegistry

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

    def route(self, text: str) -> Route:
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
        label, confidence = self.classifier.classify(body)
        if label and confidence >= CONFIDENCE:
            return Route(self.registry.get(label) or fallback, body, "intent", confidence)
        return Route(fallback, body, "fallback", confidence)
