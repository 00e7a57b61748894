"""A message to one operation and its arguments, by the model.

One tool-calling request over the operation catalogue (the tools are each operation's
`tool_schema()`, generated from its argument model); when the model's server rejects
tools, or tools are turned off (`LIVEPMO_LLM_TOOLS=false`), one JSON request with the same
schemas in the prompt (structured output by a schema where the server supports it, else
JSON mode). The arguments are then checked by the operation's own model and validators; a
call they refuse is recorded as failed (`invalid`).
Internal fields (a form's channel, a button's source) are never taken from the model. A
`ModelFailure` means: interpret offline. A write is confirmed first (`interpret.propose`):
its times are placed in the person's timezone (`as_instants`), and its Edit offers the call
as a command only when `/pmo` reads that command back into the same arguments
(`edit_command`).
"""

from __future__ import annotations

import json
import logging
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.messages import Message, UserError
from bot.core.operations import FLAG, INTERNAL, POSITIONAL, REST, Args, Operation, field_kind
from bot.core.settings import Settings
from bot.core.skills import SkillRegistry
from bot.interpret import slots
from bot.interpret.corpus_stats import NOT_TEXT
from bot.interpret.interpreter import Interpretation, Interpreter, strip_address
from bot.llm.client import Completion, LanguageModel, ModelFailure, Request, language_model

if TYPE_CHECKING:
    from bot.core.context import Context

log = logging.getLogger(__name__)

SKILL = "interpret"
NONE_WORD = "NONE"


@dataclass(frozen=True)
class Proposal:
    """The operation the model chose and its checked arguments (only those it gave)."""

    operation: Operation
    arguments: dict[str, Any]


def catalogue(registry: SkillRegistry) -> list[Operation]:
    """The operations a person may ask for in words: not hidden, not button- or form-only."""
    return [op for op in registry.operations.values() if not op.hidden and op.name not in NOT_TEXT]


@lru_cache(maxsize=8)
def tools_of(registry: SkillRegistry) -> dict[str, tuple[Operation, dict[str, Any]]]:
    """Each catalogue operation and its tool, by tool name (made once: a schema takes
    milliseconds to generate, and there are dozens)."""
    made = {}
    for op in catalogue(registry):
        schema = tool(op)
        made[schema["function"]["name"]] = (op, schema)
    return made


def tool(op: Operation) -> dict[str, Any]:
    """The operation's tool, its schema made compact (every model reads it on every call)."""
    return compact(op.tool_schema())


def compact(schema: Any) -> Any:
    """A JSON schema without `title`s or our `cli` hints, and with `X or null` written as `X`
    (the field stays optional: it is not in `required`); what it accepts is unchanged."""
    if isinstance(schema, list):
        return [compact(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: compact(v)
        for k, v in schema.items()
        if not (k in ("title", "cli") and isinstance(v, str))
    }
    options = out.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1:
            del out["anyOf"]
            out = {**rest[0], **out}
            if out.get("default", 0) is None:
                del out["default"]
    return out


def propose(
    model: LanguageModel,
    registry: SkillRegistry,
    text: str,
    *,
    user: str,
) -> Proposal | None:
    """The model's reading of `text`: a `Proposal`, or None when it is not for the bot.

    Raises:
        ModelFailure: the model failed, or chose something unknown or invalid.
    """
    made = tools_of(registry)
    operations = {name: op for name, (op, _) in made.items()}
    values = {"today": clock.now().date().isoformat()}

    def from_tools(completion: Completion) -> Proposal | None:
        if not completion.tool_calls:
            if completion.text.strip().upper().startswith(NONE_WORD):
                return None
            raise ModelFailure("malformed", "no tool called")
        call = completion.tool_calls[0]
        return checked(operations, call["name"], call["args"])

    def from_json(completion: Completion) -> Proposal | None:
        answer = completion.json()
        if not isinstance(answer, dict) or not isinstance(answer.get("operation"), str):
            raise ModelFailure("malformed", "no operation named")
        if answer["operation"].upper() == NONE_WORD:
            return None
        name = answer["operation"].replace(".", "__")
        return checked(operations, name, answer.get("arguments") or {})

    operations_named = [op.name for op in operations.values()]
    listing = "\n".join(
        f"- {op.name}: {op.summary} {json.dumps(schema['function']['parameters'])}"
        for op, schema in made.values()
    )
    as_json = Request(
        "interpret_json",
        {**values, "operations": listing, "message": text},
        json_mode=True,
        schema={
            "type": "object",
            "properties": {
                "operation": {"type": "string", "enum": [*sorted(operations_named), NONE_WORD]},
                "arguments": {"type": "object"},
            },
            "required": ["operation", "arguments"],
        },
        check=from_json,
    )
    if not model.tools:
        return model.call(as_json, skill=SKILL, user=user)
    with_tools = Request(
        "interpret",
        {**values, "message": text},
        tools=[schema for _, schema in made.values()],
        check=from_tools,
    )
    return model.call(with_tools, skill=SKILL, user=user, without_tools=as_json)


def checked(operations: dict[str, Operation], name: str, arguments: Any) -> Proposal:
    """The call as a `Proposal`, its arguments validated by the operation's model
    (`ModelFailure("invalid")` for an unknown operation or arguments it refuses, or a time
    without its offset for an operation that runs at once, with no card to place it)."""
    op = operations.get(name)
    if op is None or not isinstance(arguments, dict):
        raise ModelFailure("invalid", f"unknown tool {name[:40]!r}")
    given = {
        k: v
        for k, v in arguments.items()
        if k in op.args.model_fields and field_kind(op.args, k) != INTERNAL and v is not None
    }
    try:
        args = op.validate(given)
    except UserError as exc:
        raise ModelFailure("invalid", f"{op.name}: {exc}") from None
    if naive_times(args) and not op.writes:  # a write is placed in the person's timezone
        raise ModelFailure("invalid", f"{op.name}: a time without its timezone")
    return Proposal(op, given)


def naive_times(args: Args) -> list[str]:
    """The fields of `args` holding a date and time without its offset."""
    return [name for name, value in args if isinstance(value, datetime) and value.tzinfo is None]


def as_instants(op: Operation, arguments: dict[str, Any], timezone: str) -> dict[str, Any]:
    """`arguments` with each date and time as a UTC instant, one given without an offset
    read in `timezone` (the person's): the operation never gets a time it cannot place."""
    local = ZoneInfo(timezone)
    args = op.validate(arguments)
    placed = {
        name: (value if value.tzinfo else value.replace(tzinfo=local)).astimezone(UTC).isoformat()
        for name, value in args
        if isinstance(value, datetime) and name in arguments
    }
    return {**arguments, **placed}


def command_words(op: Operation, arguments: dict[str, Any]) -> str:
    """The call written as a command (`raid update R4 --impact 4`), every argument in it (a 0
    too). Whether the operation's command reads it back the same is `edit_command`'s test."""
    words, flags = [*op.command], []
    for name in [n for n in op.args.model_fields if n in arguments]:
        value, kind = arguments[name], field_kind(op.args, name)
        items = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if kind == REST:
            words.append(" ".join(items))
        elif kind == POSITIONAL:
            words += [shlex.quote(item) for item in items]
        elif kind == FLAG and value is not False:
            written = "" if value is True else " " + " ".join(map(shlex.quote, items))
            flags.append(f"--{name.replace('_', '-')}{written}")
    return " ".join([*words, *flags])


def edit_command(ctx: Context, op: Operation, values: dict[str, Any]) -> str | None:
    """`command_words` for this call if `/pmo` reads them back into exactly these arguments
    (so editing and sending them recreates what was proposed); else None: the operation's
    command cannot say it (a reader of its own that keeps `--flags` as text, a value that
    is no word)."""
    words = command_words(op, values)
    try:
        read, wanted = read_command(ctx, op, words), op.validate(values)
    except (UserError, ValueError):
        return None
    return words if settable(op, read) == settable(op, wanted) else None


def read_command(ctx: Context, op: Operation, words: str) -> Args:
    """`/pmo words` read as the dispatcher reads a slash command: the command words name the
    operation, then its own reader, or its argument model, reads the rest."""
    route = Interpreter(ctx.registry).explicit(strip_address(f"/pmo {words}"))
    if route is None or route.operation is not op:
        raise UserError("Those words name another operation.")
    if op.text is None:
        return op.parse(route.args, route.preset)
    args = slots.fill(op, ctx, route.args)
    return args.model_copy(update=route.preset) if route.preset else args


def settable(op: Operation, args: Args) -> dict[str, Any]:
    """The arguments a person sets (not a form's or button's internal ones), as JSON."""
    internal = {n for n in op.args.model_fields if field_kind(op.args, n) == INTERNAL}
    return args.model_dump(mode="json", exclude=internal)


def reconsider(
    settings: Settings, registry: SkillRegistry, route: Interpretation, message: Message
) -> Interpretation:
    """The offline `route`, or the model's reading of the message where the setting
    `LIVEPMO_INTERPRETER` asks for it: `llm-first` asks for every message not said as a
    command (nor claimed by context), `offline-first` only when the intent model is unsure
    or found nothing, `offline-only` never. Any failure keeps the offline route."""
    mode = settings.livepmo_interpreter
    model = language_model(settings)
    asks = (
        route.how in ("intent", "unsure", "none")
        if mode == "llm-first"
        else (route.how in ("unsure", "none"))
    )
    if model is None or mode == "offline-only" or not asks or not route.args:
        return route
    try:
        proposal = propose(model, registry, route.args, user=message.user)
    except ModelFailure as failure:
        log.info("interpreting offline (%s) user=%s", failure.reason, message.user)
        return route
    if proposal is None:
        return Interpretation(None, None, route.args, "none", 1.0)
    op = proposal.operation
    return Interpretation(registry.skill_of(op), op, route.args, "llm", 1.0, proposal.arguments)
