"""A message to one operation and its arguments, by the model.

One tool-calling request over the operation catalogue (the tools are each operation's
`tool_schema()`, generated from its argument model); when the model's server rejects
tools, or tools are turned off (`LIVEPMO_LLM_TOOLS=false`), one JSON request with the same
schemas in the prompt (structured output by a schema where the server supports it, else
JSON mode). The arguments are then checked by the operation's own model and validators; a
call they refuse is recorded as failed (`invalid`).
Internal fields (a form's channel, a button's source) are never taken from the model. A
`ModelFailure` means: interpret offline.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.core import clock
from bot.core.messages import Message, UserError
from bot.core.operations import INTERNAL, Operation, field_kind
from bot.core.settings import Settings
from bot.core.skills import SkillRegistry
from bot.interpret.corpus_stats import NOT_TEXT
from bot.interpret.interpreter import Interpretation
from bot.llm.client import Completion, LanguageModel, ModelFailure, language_model

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

    if model.tools:
        try:
            return model.chat(
                "interpret",
                {**values, "message": text},
                skill=SKILL,
                user=user,
                tools=[schema for _, schema in made.values()],
                check=from_tools,
            )
        except ModelFailure as failure:
            if failure.reason != "rejected":
                raise
            log.info("the model's server rejected tools; asking for JSON instead")
    operations_named = [op.name for op in operations.values()]
    listing = "\n".join(
        f"- {op.name}: {op.summary} {json.dumps(schema['function']['parameters'])}"
        for op, schema in made.values()
    )
    return model.chat(
        "interpret_json",
        {**values, "operations": listing, "message": text},
        skill=SKILL,
        user=user,
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


def checked(operations: dict[str, Operation], name: str, arguments: Any) -> Proposal:
    """The call as a `Proposal`, its arguments validated by the operation's model
    (`ModelFailure("invalid")` for an unknown operation or arguments it refuses)."""
    op = operations.get(name)
    if op is None or not isinstance(arguments, dict):
        raise ModelFailure("invalid", f"unknown tool {name[:40]!r}")
    given = {
        k: v
        for k, v in arguments.items()
        if k in op.args.model_fields and field_kind(op.args, k) != INTERNAL and v is not None
    }
    try:
        op.validate(given)
    except UserError as exc:
        raise ModelFailure("invalid", f"{op.name}: {exc}") from None
    return Proposal(op, given)


def command_words(op: Operation, arguments: dict[str, Any]) -> str:
    """The command a person could type for this call (`raid add Vendor may slip --impact 4`),
    shown to edit a proposal."""
    words = [*op.command]
    flags = []
    for name in [n for n in op.args.model_fields if n in arguments]:
        value = arguments[name]
        kind = field_kind(op.args, name)
        shown = " ".join(map(str, value)) if isinstance(value, list) else str(value)
        if kind in ("positional", "rest"):
            words.append(shown)
        elif value is True:
            flags.append(f"--{name.replace('_', '-')}")
        elif value not in (False, ""):
            quoted = f'"{shown}"' if " " in shown else shown
            flags.append(f"--{name.replace('_', '-')} {quoted}")
    return " ".join([*words, *flags])


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
