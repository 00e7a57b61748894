"""What a call to the chat model gives back, or why it gave nothing: `Completion`,
`ModelFailure` and its reasons, and `Request`, one way of asking."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

CHARS_PER_TOKEN = 4  # a rough estimate, where the server does not count


class ModelFailure(Exception):
    """The model gave nothing usable; `reason` says why (for the log and usage)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass
class Completion:
    """What the model returned: its text, the tools it called and what it cost."""

    text: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0

    def json(self) -> Any:
        """The text as JSON (a fenced block is unwrapped); `ModelFailure` if it is not."""
        text = self.text.strip()
        if text.startswith("```"):
            text = text.strip("`").removeprefix("json").strip()
        try:
            return json.loads(text)
        except ValueError:
            raise ModelFailure("malformed", "not JSON") from None


def reason_for(exc: Exception) -> str:
    """A failure's short name."""
    if isinstance(exc, ModelFailure):
        return exc.reason
    import openai  # here, not at start-up: offline runs never load it

    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limited"
    if isinstance(exc, openai.InternalServerError):
        return "server_error"
    if isinstance(exc, openai.APIConnectionError):
        return "connection"
    if isinstance(exc, openai.BadRequestError):
        return "rejected"
    if isinstance(exc, openai.APIStatusError):
        return f"http_{exc.status_code}"
    if isinstance(exc, openai.APIError):  # an error event in the middle of a stream
        return "server_error"
    if isinstance(exc, ValueError | KeyError | TypeError):
        return "malformed"
    return "error"


def as_is(completion: Completion) -> Completion:
    """`LanguageModel.chat`'s default check: the completion, as it came."""
    return completion


@dataclass(frozen=True)
class Request:
    """One way of asking: a prompt file and its values, the tools offered or the JSON asked
    for (shaped by `schema` where the server supports it), and the check of the answer."""

    prompt: str
    values: dict[str, Any]
    tools: list[dict[str, Any]] | None = None
    json_mode: bool = False
    schema: dict[str, Any] | None = None
    check: Callable[[Completion], Any] = as_is


def estimated(completion: Completion, prompt_tokens: int) -> Completion:
    """`completion`, its tokens estimated when the server reported none (no `usage`)."""
    if completion.input_tokens or completion.output_tokens:
        return completion
    written = len(completion.text) + len(json.dumps(completion.tool_calls or ""))
    return replace(
        completion,
        input_tokens=prompt_tokens,
        output_tokens=max(1, written // CHARS_PER_TOKEN),
    )


def completion_of(message: Any) -> Completion:
    """A langchain message as a `Completion`; a refusal or bad tool call is a failure."""
    from langchain_core.messages import AIMessage

    if not isinstance(message, AIMessage):
        raise ModelFailure("malformed", type(message).__name__)
    if message.additional_kwargs.get("refusal"):
        raise ModelFailure("refused")
    if message.invalid_tool_calls:
        raise ModelFailure("malformed", "tool arguments are not JSON")
    usage = message.usage_metadata or {}
    content = message.content if isinstance(message.content, str) else ""
    return Completion(
        text=content,
        tool_calls=[{"name": c["name"], "args": c["args"]} for c in message.tool_calls],
        input_tokens=int(usage.get("input_tokens", 0)),
        output_tokens=int(usage.get("output_tokens", 0)),
    )
