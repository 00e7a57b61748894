"""Free text to an operation: commands, context, then the learned intent model.

Order:
1. explicit command words (`/pmo raid close R4`, `raid list`), or a skill's name alone or
   followed by free text (`raid vendor may slip`); but prose that only opens with a
   command's name and does not fit it ("dashboard update: finished the charts") goes where
   steps 2–4 are sure of, when that is another skill;
2. a label the message opens with (`Skill.leads`: "Risk: …", "Done: …"), the written form
   of an item or an update;
3. context (`Skill.claim_message`): who sent it and where — a DM from someone who owes a
   check-in answer, a follow-up in a thread where the bot answered;
4. the intent model (`model.IntentModel`: words, embedding and the message's shape, less
   where the message is unlike an operation's examples; adapted to what the workspace
   taught): confident → that operation; "not for the bot" → a short note; unsure → one
   clarifying question with the likeliest operations as buttons (`skills.interpret`).

Empty input goes to help. The rules that read an operation's arguments from the words are in
`slots`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.core.db import session_scope
from bot.core.messages import Message, UserError
from bot.core.operations import Operation
from bot.core.skills import Skill, SkillRegistry
from bot.interpret import slots
from bot.interpret.corpus import NONE
from bot.interpret.learning import workspace_of
from bot.interpret.model import IntentModel

log = logging.getLogger(__name__)

ADDRESS = re.compile(r"^(\s*(@pmo\b|/pmo\b)[\s,:]*)+", re.I)
# Act on the likeliest operation from these calibrated probabilities (chosen on the
# development conversation set): a change to the log needs more certainty than a question.
WRITE_AT = 0.45
READ_AT = 0.3
# Logging an item is the likeliest write in a project and one click undoes it (its card's
# Undo): a lower bar (chosen on eval/raid_dev with the development conversation set).
ADD_AT = {"raid.add": 0.2}
# Operations that log a new item: not for words that name one already logged ("R4 is at risk").
NEW_ITEM = ("raid.add",)
ABOUT_DOCUMENTS = ("kb.ask",)  # never for a message about the log's own records
SHOW_KEY = {"item": "raid.show", "milestone": "milestone.show"}  # a key alone shows its record
NONE_AT = 0.35  # "not for me"
CANDIDATES = 3
CANDIDATE_AT = 0.04


@dataclass
class Interpretation:
    """Where a message goes. `command` routes parse `args` as command words (with
    `preset` values); `unsure` ones carry `candidates` for a clarifying question."""

    skill: Skill | None
    operation: Operation | None
    args: str
    how: str  # command | explicit | lead | claim | intent | unsure | none | fallback
    confidence: float = 1.0
    preset: dict[str, Any] = field(default_factory=dict)
    candidates: list[str] = field(default_factory=list)

    @property
    def is_command(self) -> bool:
        """Said as command words (`raid close R4`, `checkin time 10:00`), not in prose."""
        return self.how in ("command", "explicit")


def reads_as_command(route: Interpretation) -> bool:
    """Whether a route by command words has an operation whose arguments the words give."""
    op = route.operation
    if op is None:
        return False
    if op.text is not None:
        return True
    try:
        op.parse(route.args, route.preset)
    except UserError:
        return False
    return True


# A question, or keys alone ("R4", "A1?"): it asks to be shown, never to change anything.
QUESTION = re.compile(  # "?" at the end, or a word that only opens a question ("who owns A1")
    r"^\W*(?:who|whom|whose|where|wheres)\b|\?\W*$", re.I
)
REQUEST = re.compile(
    r"\b(?:can|could|would|will|shall)\s+(?:you|u|we)\b|\b(?:please|pls|plz)\b", re.I
)


def changes_a_record(op: Operation) -> bool:
    """Logging an item or changing one named by its key (what a question must never do)."""
    return op.writes and (op.name in NEW_ITEM or slots.key_kind(op) is not None)


def asks(text: str) -> bool:
    """Whether a message asks rather than tells: a question that is no request, or keys alone."""
    if slots.only_keys(text):
        return True
    return bool(QUESTION.search(text)) and not REQUEST.search(text)


# "my items pls", "please show the milestones", "R4 details, thanks!": courtesy, not arguments
OPENING_COURTESY = re.compile(r"^(?:pl[sz]|please|kindly)\b[\s,]*(?=\S)", re.I)
CLOSING_COURTESY = re.compile(r"\b(?:pl[sz]|please|thx|thanks|thank\s+you|ty|cheers)\W*$", re.I)


def strip_address(text: str) -> str:
    """Remove the `/pmo` or `@pmo` that opens a message (Slack's adapter takes the bot's own
    mention out; other people's mentions are part of what is said), and the courtesy words
    around it (each pattern is tried once from one end: linear on any input)."""
    body = OPENING_COURTESY.sub("", ADDRESS.sub("", text or "").strip())
    closing = CLOSING_COURTESY.search(body)
    before = body[: closing.start()].rstrip(" \t\n,") if closing else ""
    return (before or body).strip()


class Interpreter:
    """Interprets text against the operations of a `SkillRegistry`."""

    def __init__(
        self, registry: SkillRegistry, model: IntentModel | None = None, fallback: str = "help"
    ) -> None:
        self.registry = registry
        self.model = model if model is not None else IntentModel()
        self.fallback = registry.get(fallback)
        if self.fallback is None:
            raise LookupError(f"fallback skill {fallback!r} is not registered")

    def to_skill(
        self, skill: Skill, body: str, how: str, confidence: float = 1.0
    ) -> Interpretation:
        name = skill.operation_for(body)
        op = self.registry.operations.get(name) if name else None
        return Interpretation(skill, op, body, how, confidence)

    def to_operation(self, name: str, body: str, how: str, confidence: float) -> Interpretation:
        op = self.registry.operation(name)
        return Interpretation(self.registry.skill_of(op), op, body, how, confidence)

    def interpret(
        self, text: str, message: Message | None = None, database_url: str | None = None
    ) -> Interpretation:
        """The operation for `text`; `message` and `database_url` add context and what the
        workspace taught."""
        body = strip_address(text)
        if not body:
            return self.to_skill(self.fallback, "", "fallback", 0.0)
        explicit = self.explicit(body)
        if explicit is None:
            return self.in_words(body, message, database_url)
        if message is None or message.via == "command" or reads_as_command(explicit):
            return explicit
        # Prose that opens with a command's name ("dashboard update: finished the charts",
        # "project week ✅ hit our goals"): what the words say, when that is sure (a label,
        # the context, or the model at the usual bar, not the lower one for logging); else
        # the command's usage. A change said in command words that don't fit ("raid update
        # R1 p 7", "milestone set M3 name") gets its usage, never another operation; a
        # skill's words it has no command for ("project rename X") never become a change
        # of that skill guessed from them.
        said = self.in_words(body, message, database_url)
        op = said.operation
        sure = op is not None and (
            said.how in ("lead", "claim")
            or (said.how == "intent" and said.confidence >= (WRITE_AT if op.writes else READ_AT))
        )
        commanded = explicit.operation
        same_skill = said.skill is explicit.skill
        guessed = commanded is None and op is not None and op.writes and same_skill
        sure = sure and not (commanded is not None and commanded.writes) and not guessed
        return said if sure and op is not explicit.operation else explicit

    def in_words(
        self, body: str, message: Message | None, database_url: str | None
    ) -> Interpretation:
        """`body` read as prose: its lead, its context, then the intent model."""
        led = next((s for s in self.registry.skills if s.led_by(body)), None)
        if led:
            return self.to_skill(led, body, "lead")
        if message is None or not database_url:
            return self.by_model(body, None, None)
        try:
            with session_scope(database_url) as session:
                workspace = workspace_of(message.team)
                claimed = self.claimed(body, message, session)
                if claimed:
                    return self.claimed_as(claimed, body, session, workspace)
                named = slots.records_named(session, message, body)
                return self.by_model(body, session, workspace, named)
        except SQLAlchemyError:
            log.exception("context unavailable for user=%s; interpreting the words", message.user)
            return self.by_model(body, None, None)

    def explicit(self, body: str) -> Interpretation | None:
        words = body.split()
        # "Status: green" or "Risk: …" is a label in the message, not a command word.
        named = None if words[0].endswith((":", ",")) else self.registry.get(words[0].lower())
        if named is not None and not named.named_in(body):
            return None
        found = self.registry.command(words)
        if found:
            op, preset, size = found
            rest = body.split(None, size)[size] if len(words) > size else ""
            return Interpretation(self.registry.skill_of(op), op, rest, "command", 1.0, preset)
        if named:
            rest = body.split(None, 1)[1] if len(words) > 1 else ""
            if rest.strip(" ?!.").lower() == "help":  # "raid help": that skill's help
                return self.to_operation("help.show", named.name, "command", 1.0)
            return self.to_skill(named, rest, "explicit")
        return None

    def claimed(self, body: str, message: Message, session: Session) -> Skill | None:
        """The first skill whose `claim_message` wants this message (who sent it, where)."""
        return next(
            (
                s
                for s in self.registry.skills
                if s.claim_message and s.claim_message(body, message, session)
            ),
            None,
        )

    def claimed_as(
        self, skill: Skill, body: str, session: Session, workspace: str | None
    ) -> Interpretation:
        """A claimed message's operation: the skill's for its words, or one of the skill's
        `claims_as` that the intent model is sure of."""
        chosen = self.to_skill(skill, body, "claim")
        prediction = skill.claims_as and self.model.predict(
            body, session=session, workspace=workspace
        )
        if prediction:
            label, p = max(prediction.probabilities.items(), key=lambda kv: kv[1])
            if label in skill.claims_as and p >= WRITE_AT:
                return self.to_operation(label, body, "claim", p)
        return chosen

    def fitting(
        self, probabilities: dict[str, float], body: str, named: frozenset[str] = frozenset()
    ) -> dict[str, float]:
        """Without the operations on one thing whose key the message doesn't name ("M2 is at
        risk" is no RAID item's; "push R4 out" moves no milestone), nor logging a new item
        when it names one, nor a new or changed item when it only asks ("R4?", "who owns
        A1"), rescaled to sum to 1. Records `named` by their words ("the VPN issue", "if
        go-live slips") count as named by key; a message about one is not for the documents,
        and a question about one is about that record ("who owns the VPN issue?")."""
        said = slots.keys_said(body) | named
        asking = asks(body)
        if not said and not asking:
            return probabilities
        drop = (*NEW_ITEM,) if slots.names_an_item(body) or "item" in named else ()
        drop += ABOUT_DOCUMENTS if named else ()
        ops = self.registry.operations
        kept = {
            label: p
            for label, p in probabilities.items()
            if label not in drop
            and (label not in ops or slots.key_kind(ops[label]) in (None, *said))
            and not (asking and label in ops and changes_a_record(ops[label]))
            and not (asking and named and (label not in ops or slots.key_kind(ops[label]) is None))
        }
        total = sum(kept.values())
        return {label: p / total for label, p in kept.items()} if total > 0 else probabilities

    def by_model(
        self,
        body: str,
        session: Session | None,
        workspace: str | None,
        named: frozenset[str] = frozenset(),
    ) -> Interpretation:
        said = slots.keys_said(body)
        if len(said) == 1 and slots.only_keys(body):
            return self.to_operation(SHOW_KEY[said.pop()], body, "key", 1.0)
        prediction = self.model.predict(body, session=session, workspace=workspace)
        if prediction is None:
            return self.to_skill(self.fallback, body, "fallback", 0.0)
        fitting = self.fitting(prediction.probabilities, body, named)
        ranked = sorted(fitting.items(), key=lambda kv: -kv[1])
        label, p = ranked[0]
        if label == NONE and p >= NONE_AT:
            return Interpretation(None, None, body, "none", p)
        op = self.registry.operations.get(label)
        if op is not None and p >= ADD_AT.get(label, WRITE_AT if op.writes else READ_AT):
            return self.to_operation(label, body, "intent", p)
        candidates = [
            name
            for name, q in ranked
            if name != NONE and name in self.registry.operations and q >= CANDIDATE_AT
        ][:CANDIDATES]
        return Interpretation(None, None, body, "unsure", p, candidates=candidates)
