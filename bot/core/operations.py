"""Operations: everything the bot can do, declared once.

An operation is a name (`raid.close`), a Pydantic model of its arguments, who may run it
(`Access`), a one-line summary and examples, and the function that does it::

    class CloseArgs(Args):
        key: str = positional(description="the item, e.g. APOLLO-R4 or R4")
        note: str = rest(default="", description="why")

    @raid.operation("raid.close", access=Access.EDITOR, scope=item_scope, writes=True,
                    summary="Close an item.", examples=["raid close R4 vendor confirmed"])
    def close(ctx: Context, args: CloseArgs) -> Reply: ...

Slash commands, mentions, DMs, the console, buttons, forms, shortcuts, the CLI, scheduled
jobs and the interpreter all end in `Dispatcher.invoke`: the arguments are validated by the
model, the one authorization rule (`bot.core.access`) is applied to the scope the operation
names, and only then does it run. Help text, usage errors, the LLM's tools and the
permission matrix test are generated from these declarations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField
from pydantic_core import PydanticUndefined

from bot.core.args import split_args
from bot.core.messages import UserError
from bot.core.text import escape

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.messages import Shortcut, ViewSubmission
    from bot.core.models import Project


class Access(StrEnum):
    """Who may run an operation; `bot.core.access.permits` is the one rule that reads it."""

    ANYONE = "anyone"  # no project data: help, your own quiet hours, creating a project
    VIEWER = "viewer"  # read a project's data: its viewers, members, PMs and admins
    MEMBER = "member"  # add to a project: its members, PMs and admins
    EDITOR = "editor"  # change a record: its owner or author (an unowned one: any member), PMs
    PM = "pm"  # run the project: its PMs and admins
    ADMIN = "admin"  # workspace admins only
    SELF = "self"  # a personal record (your reminder, your question): its person, or an admin


# How a field is written in a command: the next word, all the words left, or `--flag value`.
POSITIONAL, REST, FLAG, INTERNAL = "positional", "rest", "flag", "internal"


def positional(default: Any = ..., *, description: str = "", **kwargs: Any) -> Any:
    """A field given as the next word of a command (`raid close KEY`)."""
    return _field(default, description, POSITIONAL, kwargs)


def rest(default: Any = ..., *, description: str = "", **kwargs: Any) -> Any:
    """A field given as all the remaining words (`raid add <text>`)."""
    return _field(default, description, REST, kwargs)


def flag(
    default: Any = None, *, description: str = "", internal: bool = False, **kwargs: Any
) -> Any:
    """A field given as `--name value` (or a bare `--name` for a boolean). An `internal` one
    is set by a form or button, never shown in help nor offered to the LLM."""
    return _field(default, description, INTERNAL if internal else FLAG, kwargs)


def _field(default: Any, description: str, kind: str, kwargs: dict[str, Any]) -> Any:
    if "default_factory" in kwargs:
        default = PydanticUndefined
    extra = {"cli": kind}
    return PydanticField(default, description=description, json_schema_extra=extra, **kwargs)


class Args(BaseModel):
    """Arguments of an operation. Fields default to `--flags`; see `positional` and `rest`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @classmethod
    def from_words(cls, text: str) -> dict[str, Any]:
        """Command words (after the command itself) as field values, by each field's kind.

        Override for a grammar of its own (e.g. `raid list risks mine overdue`).
        """
        return words_to_fields(cls, text)


class ProjectArgs(Args):
    """Arguments of an operation on one project's data."""

    project: str | None = flag(description="Project key, e.g. apollo (default: this channel's)")


def field_kind(model: type[BaseModel], name: str) -> str:
    extra = model.model_fields[name].json_schema_extra
    return str(extra.get("cli", FLAG)) if isinstance(extra, dict) else FLAG


def is_switch(model: type[BaseModel], name: str) -> bool:
    return model.model_fields[name].annotation in (bool, bool | None)


def is_list(model: type[BaseModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    if get_origin(annotation) is list:
        return True
    return any(get_origin(a) is list for a in get_args(annotation))


def words_to_fields(model: type[BaseModel], text: str) -> dict[str, Any]:
    """Split `text` into the model's positional fields, its rest field and `--flags`."""
    values, loose = split_flags(model, text)
    fields = model.model_fields
    rest_field = next((n for n in fields if field_kind(model, n) == REST), None)
    taken = []
    for name in [n for n in fields if field_kind(model, n) == POSITIONAL]:
        if loose:
            values[name] = loose.pop(0)
            taken.append(values[name])
    if rest_field and loose:
        values[rest_field] = rest_text(text, loose, taken)
    elif loose:
        raise UserError(f"I didn't expect `{escape(' '.join(loose)[:80])}` there.")
    return values


def split_flags(model: type[BaseModel], text: str) -> tuple[dict[str, Any], list[str]]:
    """The model's `--flags` in `text` as values, and the other words in order."""
    flags = {
        n.replace("_", "-"): n
        for n in model.model_fields
        if field_kind(model, n) in (FLAG, INTERNAL)
    }
    values: dict[str, Any] = {}
    words = split_args(text)
    loose: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not (word.startswith("--") and len(word) > 2):
            loose.append(word)
            i += 1
            continue
        raw_name, _, inline = word[2:].partition("=")
        name = flags.get(raw_name.lower().replace("_", "-"))
        if name is None:
            known = ", ".join(f"`--{f}`" for f in flags) or "none"
            raise UserError(f"I don't know the option `--{escape(raw_name)}`. Options: {known}.")
        if is_switch(model, name):
            values[name] = True
        elif is_list(model, name):
            collected = [inline] if inline else []
            while i + 1 < len(words) and not words[i + 1].startswith("--"):
                i += 1
                collected.append(words[i])
            values[name] = [*values.get(name, []), *collected]  # `--member a --member b`
        else:
            value = inline or (words[i + 1] if i + 1 < len(words) else "")
            if not inline:
                i += 1
            if not value or value.startswith("--"):
                raise UserError(f"`--{escape(raw_name)}` needs a value.")
            values[name] = value
        i += 1
    return values, loose


def rest_text(text: str, loose: list[str], taken: list[str]) -> str:
    """The remaining words as the user typed them (quotes and spacing kept where possible),
    found after the positional words `taken` before them ("Orion Orion DW": the second)."""
    at = 0
    for word in taken:
        found = text.find(word, at)
        at = found + len(word) if found >= 0 else at
    at = text.find(loose[0], at)
    if at < 0:
        return " ".join(loose)
    tail = text[at:]
    cut = tail.find(" --")
    return (tail[:cut] if cut >= 0 else tail).strip()


@dataclass
class Scope:
    """What an operation touches, for the authorization rule.

    `project` is None for what is no project's data (help, your own settings) and for
    org-wide records; `owners` are the people who own the target record (its owner, who
    raised it, its author); `target` is the loaded record, handed on to the operation.
    """

    project: Project | None = None
    owners: tuple[str, ...] = ()
    owned: bool = False
    target: Any = None
    label: str = ""
    owner_label: str = ""  # who may change it, for the refusal ("its author")


ScopeFinder = Callable[["Context", Any], Scope]
Runner = Callable[["Context", Any], Any]


def no_scope(ctx: Context, args: Args) -> Scope:
    """No project's data: help, personal settings, creating a project."""
    return Scope()


def project_scope(ctx: Context, args: Args) -> Scope:
    """The project named by `--project`, else this channel's, else (in a DM) the user's one."""
    return Scope(project=ctx.project_for(getattr(args, "project", None)))


@dataclass
class Operation:
    """One thing the bot can do; see the module docstring."""

    name: str
    summary: str
    run: Runner
    args: type[Args]
    access: Access
    command: tuple[str, ...]
    examples: tuple[str, ...] = ()
    scope: ScopeFinder = project_scope
    writes: bool = False
    aliases: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    text: Callable[[Context, str], Args] | None = None
    buttons: dict[str, Callable[[str], dict[str, Any]]] = field(default_factory=dict)
    forms: dict[str, Callable[[ViewSubmission], dict[str, Any]]] = field(default_factory=dict)
    shortcuts: dict[str, Callable[[Shortcut], dict[str, Any]]] = field(default_factory=dict)
    hidden: bool = False  # not listed in help (a button's or form's own step)
    grammar: str | None = None  # the usage, where the model's fields don't say it well
    button_label: str | None = None  # how a clarifying question offers it ("Log it")
    variants: Callable[[Context, str], list[tuple[str, dict[str, Any]]]] | None = None

    @property
    def label(self) -> str:
        """A short button label: declared, else the summary's first clause."""
        if self.button_label:
            return self.button_label
        first = re.split(r"[:;,(]| — ", self.summary, maxsplit=1)[0].rstrip(". ")
        return first if len(first) <= 40 else first[:39].rstrip() + "…"

    def choices(self, ctx: Context, text: str) -> list[tuple[str, dict[str, Any]]]:
        """How a clarifying question offers this operation for `text`: (label, preset)."""
        return self.variants(ctx, text) if self.variants else [(self.label, {})]

    @property
    def usage(self) -> str:
        """`raid close KEY [NOTE...] [--status STATUS]`, from the argument model."""
        if self.grammar:
            return self.grammar
        words, flags = [*self.command], []
        for name, info in self.args.model_fields.items():
            kind, label = field_kind(self.args, name), name.upper()
            if kind == INTERNAL:
                continue
            if kind == FLAG:
                value = "" if is_switch(self.args, name) else f" {label}"
                flags.append(f"[--{name.replace('_', '-')}{value}]")
            elif self.text is None or kind == REST:
                shown = label + ("..." if kind == REST else "")
                words.append(shown if info.is_required() or self.text else f"[{shown}]")
        if self.text is not None and not any(
            field_kind(self.args, n) == REST for n in self.args.model_fields
        ):
            words.append("TEXT...")
        if self.text is not None:
            flags = [f for f in flags if f.startswith("[--project")]
        return " ".join([*words, *flags])

    def parse(self, text: str, preset: dict[str, Any] | None = None) -> Args:
        """Command words as validated arguments; a `UserError` with the usage otherwise."""
        values = {**(preset or {}), **self.args.from_words(text)}
        return self.validate(values)

    def validate(self, values: dict[str, Any]) -> Args:
        try:
            return self.args.model_validate(values)
        except ValidationError as exc:
            raise UserError(self.explain(exc)) from None

    def from_text(self, ctx: Context, text: str) -> Args:
        """Free text as arguments: the operation's own slot filler, else command words (an
        operation that takes no words, like `summary.rule`, was only chosen by them)."""
        if self.text:
            return self.text(ctx, text)
        takes_words = any(
            field_kind(self.args, n) in (POSITIONAL, REST) for n in self.args.model_fields
        )
        return self.parse(text) if takes_words else self.validate({})

    def explain(self, exc: ValidationError) -> str:
        """A validation error as one line that says what to fix, with the usage."""
        problems = []
        for error in exc.errors()[:3]:
            name = ".".join(str(p) for p in error["loc"]) or "input"
            kind = field_kind(self.args, name) if name in self.args.model_fields else POSITIONAL
            shown = f"--{name.replace('_', '-')}" if kind in (FLAG, INTERNAL) else name.upper()
            given = escape(str(error.get("input", ""))[:60])
            if error["type"] == "missing":
                problems.append(f"`{' '.join(self.command)}` needs {shown}")
            elif error["type"] in ("int_parsing", "float_parsing", "int_from_float"):
                problems.append(f"`{shown} {given}`: {shown} needs a number")
            else:
                message = str(error.get("ctx", {}).get("error") or error["msg"])
                message = escape(message.removeprefix("Value error, "))
                label = name.replace("_", " ").capitalize()
                problems.append(f"{label} {message}" if message[:1].islower() else message)
        example = f" e.g. `{escape(self.examples[0])}`" if self.examples else ""
        return f"{'; '.join(problems)}. Usage: `{escape(self.usage)}`.{example}"

    def from_button(self, action_id: str, value: str) -> Args:
        reader = self.buttons[action_id]
        return self.validate(reader(value))

    def tool_schema(self) -> dict[str, Any]:
        """The operation as an OpenAI-style tool, generated from its argument model."""
        schema = self.args.model_json_schema()
        for name in self.args.model_fields:
            if field_kind(self.args, name) == INTERNAL:
                schema.get("properties", {}).pop(name, None)
                if name in schema.get("required", []):
                    schema["required"].remove(name)
        return {
            "type": "function",
            "function": {
                "name": self.name.replace(".", "__"),
                "description": self.summary,
                "parameters": schema,
            },
        }


def by_key(value: str) -> dict[str, Any]:
    """A button whose value is the record's key (`APOLLO-R4`)."""
    return {"key": value}


def by_json(value: str) -> dict[str, Any]:
    """A button whose value is the arguments as JSON."""
    try:
        loaded = json.loads(value or "{}")
    except ValueError:
        raise UserError("That button is out of date; try the command instead.") from None
    if not isinstance(loaded, dict):
        raise UserError("That button is out of date; try the command instead.")
    return loaded
