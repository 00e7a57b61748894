"""Calls to the chat model: `LanguageModel.chat`, with caps, bounded retries and usage.

`ChatOpenAI` (langchain-openai) talks to `OPENAI_BASE_URL` (OpenAI, Ollama, vLLM,
llama.cpp's server...). Its own retries are off: a 429 with `Retry-After: 30` must not hold
a person's reply for 30 seconds, so we retry here, only server errors and dropped
connections, at most `LIVEPMO_LLM_RETRIES` times, and never once a stream has sent text
(part of it may be on screen). Every failure becomes a `ModelFailure` with a short
`reason`, and every call, failed or not, is recorded (`usage.LlmCall`): an answer its
caller's `check` rejects (`ungrounded`, `invented_number`, `invalid`...) counts as a
failure like a timeout.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as day_start
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.core import clock
from bot.core.db import session_scope
from bot.core.settings import Settings
from bot.llm.usage import LlmCall, tokens_since
from prompts import load

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage, AIMessageChunk

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4  # a rough estimate, for refusing an oversized prompt before sending it
RETRIED = ("server_error", "connection")
# After the server failed (or asked us to wait), the model rests this long: the next uses in
# the same reply (a narrative after a failed routing) go offline at once, not after another
# timeout. A 429's Retry-After is honoured up to the cap.
REST_AFTER = {"timeout": 15.0, "server_error": 15.0, "connection": 15.0, "rate_limited": 15.0}
MAX_REST = 120.0
T = TypeVar("T")


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


class LanguageModel:
    """One configured chat model; see the module docstring."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        self.settings = settings
        self.name = settings.openai_model
        self.client = ChatOpenAI(
            model=settings.openai_model,
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            timeout=settings.livepmo_llm_timeout,
            max_retries=0,
            max_tokens=settings.livepmo_llm_max_tokens,
            temperature=0,
            stream_usage=True,
        )
        self.resting_until = 0.0

    @property
    def tools(self) -> bool:
        return self.settings.livepmo_llm_tools

    def response_format(self, schema: dict[str, Any] | None) -> dict[str, Any]:
        """Structured output by `schema` when the server supports it, else JSON mode."""
        if schema and self.settings.livepmo_llm_json_schema:
            return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
        return {"type": "json_object"}

    def rest(self, reason: str, exc: Exception) -> None:
        """After a server failure, go offline for a while (a 429's Retry-After, capped)."""
        if reason not in REST_AFTER:
            return
        seconds = REST_AFTER[reason]
        response = getattr(exc.__cause__ or exc, "response", None)
        retry_after = getattr(response, "headers", {}).get("retry-after", "")
        if reason == "rate_limited" and retry_after.isdigit():
            seconds = min(float(retry_after), MAX_REST)
        self.resting_until = time.monotonic() + seconds

    def chat(
        self,
        prompt: str,
        values: dict[str, Any],
        *,
        skill: str,
        user: str,
        tools: list[dict[str, Any]] | None = None,
        json_mode: bool = False,
        schema: dict[str, Any] | None = None,
        on_text: Callable[[str], None] | None = None,
        check: Callable[[Completion], T] = as_is,  # type: ignore[assignment]
    ) -> T:
        """Render the prompt `prompt` with `values`, ask the model once (plus retries) and
        return what `check` makes of the completion (by default, the completion).

        `tools` offers OpenAI-style tools; `json_mode` asks for one JSON object, shaped by
        `schema` where the server supports `json_schema` (`LIVEPMO_LLM_JSON_SCHEMA`);
        `on_text` streams, called with the text so far as it grows. `check` raises
        `ModelFailure` to reject the completion: the call is then recorded as failed, for
        that reason.

        Raises:
            ModelFailure: timeout, rate_limited, server_error, connection, rejected,
                malformed, refused, budget, too_long or `check`'s reason; already logged
                and recorded.
        """
        template = load(prompt)
        messages = template.render(**values)
        started = time.monotonic()
        completion = Completion()
        outcome = "ok"
        try:
            if started < self.resting_until:
                raise ModelFailure("resting", "after a recent server failure")
            self._check_budget(user, messages, tools)
            response_format = self.response_format(schema) if json_mode else None
            completion = self._call(messages, tools, response_format, on_text)
            return check(completion)
        except Exception as exc:
            outcome = reason_for(exc)
            self.rest(outcome, exc)
            detail = exc.detail if isinstance(exc, ModelFailure) else type(exc).__name__
            log.warning(
                "model call failed (%s) skill=%s user=%s prompt=%s: %s; answering offline",
                outcome,
                skill,
                user,
                template.label,
                detail,
            )
            raise ModelFailure(outcome, detail) from exc
        finally:
            self._record(skill, user, template.label, completion, started, outcome)

    def _check_budget(
        self, user: str, messages: list[tuple[str, str]], tools: list[dict[str, Any]] | None
    ) -> None:
        characters = sum(len(text) for _, text in messages) + len(json.dumps(tools or []))
        size = characters // CHARS_PER_TOKEN
        if size > self.settings.livepmo_llm_max_prompt_tokens:
            raise ModelFailure("too_long", f"about {size} tokens")
        cap = self.settings.livepmo_llm_daily_tokens
        midnight = datetime.combine(clock.now().date(), day_start.min, tzinfo=clock.now().tzinfo)
        try:
            with session_scope(self.settings.database_url) as session:
                used = tokens_since(session, user, midnight)
        except SQLAlchemyError:
            log.exception("could not read today's model usage for user=%s", user)
            return
        if used >= cap:
            raise ModelFailure("budget", f"{used} of {cap} tokens used today")

    def _call(
        self,
        messages: list[tuple[str, str]],
        tools: list[dict[str, Any]] | None,
        response_format: dict[str, Any] | None,
        on_text: Callable[[str], None] | None,
    ) -> Completion:
        runnable: Any = self.client
        if tools:
            runnable = self.client.bind_tools(tools)
        elif response_format:
            runnable = self.client.bind(response_format=response_format)
        streamed = False

        def shown(text: str) -> None:
            nonlocal streamed
            streamed = True
            on_text(text)  # type: ignore[misc]

        for attempt in range(self.settings.livepmo_llm_retries + 1):
            try:
                message = (
                    self._stream(runnable, messages, shown)
                    if on_text
                    else runnable.invoke(messages)
                )
                return completion_of(message)
            except Exception as exc:
                last = attempt == self.settings.livepmo_llm_retries
                if streamed or reason_for(exc) not in RETRIED or last:
                    raise
                log.info("model call failed (%s); retrying once more", reason_for(exc))
        raise AssertionError("unreachable")

    @staticmethod
    def _stream(
        runnable: Any, messages: list[tuple[str, str]], on_text: Callable[[str], None]
    ) -> AIMessage:
        total: AIMessageChunk | None = None
        for chunk in runnable.stream(messages):
            total = chunk if total is None else total + chunk
            if chunk.content:
                on_text(str(total.content))
        if total is None:
            raise ModelFailure("malformed", "empty stream")
        return total  # type: ignore[return-value]

    def _record(
        self,
        skill: str,
        user: str,
        prompt: str,
        completion: Completion,
        started: float,
        outcome: str,
    ) -> None:
        row = LlmCall(
            skill=skill[:32],
            user_id=user[:32],
            prompt=prompt[:48],
            model=self.name[:64],
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            latency_ms=int((time.monotonic() - started) * 1000),
            outcome=outcome[:16],
        )
        try:
            with session_scope(self.settings.database_url) as session:
                session.add(row)
        except SQLAlchemyError:
            log.exception("could not record a model call (skill=%s)", skill)


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


_models: dict[tuple[Any, ...], LanguageModel] = {}


def language_model(settings: Settings) -> LanguageModel | None:
    """The chat model these settings configure, or None (no `OPENAI_API_KEY`: offline)."""
    if not settings.llm_configured:
        return None
    key = (
        settings.openai_api_key,
        settings.openai_base_url,
        settings.openai_model,
        settings.livepmo_llm_timeout,
        settings.livepmo_llm_retries,
        settings.livepmo_llm_max_tokens,
        settings.database_url,
    )
    if key not in _models:
        _models[key] = LanguageModel(settings)
    model = _models[key]
    model.settings = settings
    return model
