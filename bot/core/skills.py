"""Skills declare what they handle; the registry collects them for the router.

A skill is a name, help text with examples, ways to recognise its messages
(aliases, patterns, a `claim` test on the text, a `claim_message` test that may
also look at who sent it and where with a read-only database session, training
phrases for the offline intent classifier) and handlers attached with decorators::

    raid = Skill("raid", "Log risks, assumptions, issues and dependencies.",
                 examples=["raid add risk: vendor may slip"], aliases=("risk",))

    @raid.command
    def handle(ctx, args): ...

    @raid.action("raid_undo")
    def undo(ctx, action): ...
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.core.messages import Message

Handler = Callable[..., Any]
# Claims a message by who sent it and where, not only its words: `(text, message, session)`.
MessageClaim = Callable[[str, "Message", "Session"], bool]


@dataclass
class Skill:
    """One capability of the bot and everything it answers to."""

    name: str
    summary: str
    examples: list[str] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    details: str = ""
    claim: Callable[[str], bool] | None = None
    claim_message: MessageClaim | None = None
    priority: int = 50
    handler: Handler | None = None
    actions: dict[str, Handler] = field(default_factory=dict)
    views: dict[str, Handler] = field(default_factory=dict)
    shortcuts: dict[str, Handler] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.compiled = [re.compile(p, re.IGNORECASE) for p in self.patterns]

    def command(self, fn: Handler) -> Handler:
        """Attach the handler for messages routed to this skill: `fn(ctx, args)`."""
        self.handler = fn
        return fn

    def action(self, action_id: str) -> Callable[[Handler], Handler]:
        """Attach a button handler: `fn(ctx, action)`."""

        def attach(fn: Handler) -> Handler:
            self.actions[action_id] = fn
            return fn

        return attach

    def view(self, callback_id: str) -> Callable[[Handler], Handler]:
        """Attach a modal submission handler: `fn(ctx, submission)`."""

        def attach(fn: Handler) -> Handler:
            self.views[callback_id] = fn
            return fn

        return attach

    def shortcut(self, callback_id: str) -> Callable[[Handler], Handler]:
        """Attach a message-shortcut handler: `fn(ctx, shortcut)`."""

        def attach(fn: Handler) -> Handler:
            self.shortcuts[callback_id] = fn
            return fn

        return attach

    def answers_to(self, word: str) -> bool:
        return word == self.name or word in self.aliases


class SkillRegistry:
    """All skills, with lookups by name, action id, view and shortcut callback id."""

    def __init__(self, skills: list[Skill] | None = None) -> None:
        self.skills: list[Skill] = []
        for skill in skills or []:
            self.add(skill)

    def add(self, skill: Skill) -> None:
        if self.get(skill.name):
            raise ValueError(f"skill {skill.name!r} registered twice")
        self.skills.append(skill)
        self.skills.sort(key=lambda s: s.priority)

    def get(self, name: str) -> Skill | None:
        return next((s for s in self.skills if s.answers_to(name)), None)

    def _find(self, table: str, key: str) -> tuple[Skill, Handler] | None:
        for skill in self.skills:
            handler = getattr(skill, table).get(key)
            if handler:
                return skill, handler
        return None

    def action(self, action_id: str) -> tuple[Skill, Handler] | None:
        return self._find("actions", action_id)

    def view(self, callback_id: str) -> tuple[Skill, Handler] | None:
        return self._find("views", callback_id)

    def shortcut(self, callback_id: str) -> tuple[Skill, Handler] | None:
        return self._find("shortcuts", callback_id)
