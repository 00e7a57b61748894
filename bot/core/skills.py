"""Skills group operations by domain; the registry finds an operation by name, command
words, button, form or shortcut.

A skill is a name, a summary, and the ways free text reaches it besides the intent model
(`leads`, the labels a message opens with; a `claim_message` test that looks at who sent it
and where), plus its operations, declared with a decorator (see `bot.core.operations`)::

    raid = Skill("raid", "Log risks, assumptions, issues and dependencies.",
                 text_operation="raid.add", bare_operation="raid.list")

    @raid.operation("raid.close", summary="Close an item.", access=Access.EDITOR, ...)
    def close(ctx: Context, args: CloseArgs) -> Reply: ...
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.operations import Access, Args, Operation, Runner, ScopeFinder, project_scope

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.core.context import Context
    from bot.core.messages import Message, Shortcut, ViewSubmission

# Claims a message by who sent it and where, not only its words: `(text, message, session)`.
MessageClaim = Callable[[str, "Message", "Session"], bool]

UNDO_WINDOW = timedelta(minutes=10)  # how long a person's change can be undone


def too_late_to_undo(at: datetime, now: datetime) -> str | None:
    """Why a change made `at` can't be undone any more ("… 3 hours ago; …"), or None."""
    age = now - at
    if age <= UNDO_WINDOW:
        return None
    minutes = int(age.total_seconds() // 60)
    ago = (
        f"{minutes} minutes"
        if minutes < 120
        else f"{minutes // 60} hours"
        if minutes < 48 * 60
        else f"{minutes // (24 * 60)} days"
    )
    window = int(UNDO_WINDOW.total_seconds() // 60)
    return f"Your last change was {ago} ago; I undo only within {window} minutes."


@dataclass(frozen=True)
class Change:
    """A person's newest change in a skill: when it was made, and the operation (with its
    arguments) that undoes it, or, for a change no operation undoes, what to do instead."""

    at: datetime
    operation: str | None
    args: dict[str, Any]
    instead: str = ""


# The person's newest change in a skill, or the one their words name ("undo my change to R4"):
# `(ctx, words)`.
ChangeFinder = Callable[["Context", str], Change | None]


@dataclass
class Skill:
    """One capability of the bot: its operations and how free text reaches them.

    `text_operation` takes free text routed to the skill (and `skill <words>` that name no
    operation), or picks the operation from the text; `bare_operation` answers the skill's
    name alone.
    """

    name: str
    summary: str
    aliases: tuple[str, ...] = ()
    # Labels a message opens with that say it is for `text_operation` ("Risk: …", "Done: …").
    leads: tuple[str, ...] = ()
    details: str = ""
    claim_message: MessageClaim | None = None
    # Other operations a claimed message may be, when the intent model is sure of one
    # ("off sick today, no update" answering a check-in skips it).
    claims_as: tuple[str, ...] = ()
    priority: int = 50
    text_operation: str | Callable[[str], str] | None = None
    bare_operation: str | None = None
    name_pattern: str | None = None  # when set, the name routes only text matching it
    # More `(text, label)` examples for the intent model from the skill's own labelled data,
    # pooled by `bot.interpret.train`; a label may be a mode of an operation
    # (`raid.add~decision`, see `bot.interpret.model.MODE`).
    intent_examples: Callable[[], list[tuple[str, str]]] | None = None
    last_change: ChangeFinder | None = None  # what `undo` reverts in this skill
    operations: list[Operation] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.compiled_leads = [re.compile(p, re.IGNORECASE) for p in self.leads]
        self.name_guard = re.compile(self.name_pattern, re.I) if self.name_pattern else None

    def operation(
        self,
        name: str,
        *,
        summary: str,
        access: Access,
        command: str | None = None,
        examples: tuple[str, ...] | list[str] = (),
        scope: ScopeFinder = project_scope,
        writes: bool = False,
        aliases: dict[str, dict[str, Any]] | None = None,
        text: Callable[..., Args] | None = None,
        buttons: dict[str, Callable[[str], dict[str, Any]]] | None = None,
        forms: dict[str, Callable[[ViewSubmission], dict[str, Any]]] | None = None,
        shortcuts: dict[str, Callable[[Shortcut], dict[str, Any]]] | None = None,
        hidden: bool = False,
        usage: str | None = None,
        label: str | None = None,
        variants: Callable[..., list[tuple[str, dict[str, Any]]]] | None = None,
    ) -> Callable[[Runner], Runner]:
        """Declare the decorated function `fn(ctx, args)` as an operation of this skill.

        The argument model is the type of its `args` parameter; `command` is the words after
        `/pmo` (default: the name with dots and underscores as spaces); `aliases` are more
        command words, each with the arguments it presets (`"raid resolve": {"status": …}`).
        """

        def attach(fn: Runner) -> Runner:
            model = _args_model(fn)
            words = tuple((command or name.replace(".", " ").replace("_", " ")).split())
            self.operations.append(
                Operation(
                    name=name,
                    summary=summary,
                    run=fn,
                    args=model,
                    access=access,
                    command=words,
                    examples=tuple(examples),
                    scope=scope,
                    writes=writes,
                    aliases={tuple(k.split()): v for k, v in (aliases or {}).items()},
                    text=text,
                    buttons=dict(buttons or {}),
                    forms=dict(forms or {}),
                    shortcuts=dict(shortcuts or {}),
                    hidden=hidden,
                    grammar=usage,
                    button_label=label,
                    variants=variants,
                )
            )
            return fn

        return attach

    def led_by(self, text: str) -> bool:
        """Whether `text` opens with one of the skill's labels."""
        return any(lead.match(text) for lead in self.compiled_leads)

    def operation_for(self, text: str) -> str | None:
        """The operation that reads `text` (the skill's name alone when `text` is empty)."""
        if not text and self.bare_operation:
            return self.bare_operation
        pick = self.text_operation
        return pick(text) if callable(pick) else pick

    def answers_to(self, word: str) -> bool:
        return word == self.name or word in self.aliases

    def named_in(self, text: str) -> bool:
        """Whether `text` opens with this skill's name as a command (not "status of apollo")."""
        first = text.split(None, 1)[0].lower() if text.strip() else ""
        return self.answers_to(first) and not (self.name_guard and not self.name_guard.search(text))

    @property
    def examples(self) -> list[str]:
        return [e for op in self.operations if not op.hidden for e in op.examples[:1]]


def _args_model(fn: Runner) -> type[Args]:
    hints = inspect.get_annotations(fn, eval_str=True)
    model = hints.get("args")
    if not (isinstance(model, type) and issubclass(model, Args)):
        raise TypeError(f"{fn.__qualname__}: annotate `args` with an `Args` model")
    return model


class SkillRegistry:
    """All skills and their operations, with lookups by every way in."""

    def __init__(self, skills: list[Skill] | None = None) -> None:
        self.skills: list[Skill] = []
        self.operations: dict[str, Operation] = {}
        self.commands: dict[tuple[str, ...], tuple[Operation, dict[str, Any]]] = {}
        self.entry: dict[tuple[str, str], Operation] = {}
        for skill in skills or []:
            self.add(skill)

    def add(self, skill: Skill) -> None:
        if self.get(skill.name):
            raise ValueError(f"skill {skill.name!r} registered twice")
        self.skills.append(skill)
        self.skills.sort(key=lambda s: s.priority)
        for op in skill.operations:
            if op.name in self.operations:
                raise ValueError(f"operation {op.name!r} declared twice")
            self.operations[op.name] = op
            for words, preset in [(op.command, {}), *op.aliases.items()]:
                if words in self.commands:
                    raise ValueError(f"command {' '.join(words)!r} declared twice")
                self.commands[words] = (op, preset)
            for table in ("buttons", "forms", "shortcuts"):
                for entry_id in getattr(op, table):
                    if (table, entry_id) in self.entry:
                        raise ValueError(f"{table[:-1]} {entry_id!r} declared twice")
                    self.entry[(table, entry_id)] = op

    def get(self, name: str) -> Skill | None:
        return next((s for s in self.skills if s.answers_to(name)), None)

    def operation(self, name: str) -> Operation:
        return self.operations[name]

    def command(self, words: list[str]) -> tuple[Operation, dict[str, Any], int] | None:
        """The operation whose command is the longest prefix of `words`, its preset
        arguments and how many words the command took."""
        low = [w.lower().rstrip(":,") for w in words]
        for size in range(min(len(low), 4), 0, -1):
            found = self.commands.get(tuple(low[:size]))
            if found:
                return found[0], found[1], size
        return None

    def skill_of(self, op: Operation) -> Skill:
        return next(s for s in self.skills if op in s.operations)

    def by_entry(self, table: str, entry_id: str) -> Operation | None:
        """The operation a button (`buttons`), form (`forms`) or shortcut answers to."""
        return self.entry.get((table, entry_id))

    def all_jobs(self) -> list[Any]:
        return [job for skill in self.skills for job in skill.jobs]
