"""Calls to the chat model: `LanguageModel.chat`, with caps, bounded retries and usage.

`ChatOpenAI` (langchain-openai) talks to `OPENAI_BASE_URL` (OpenAI, Ollama, vLLM,
llama.cpp's server...). Its own retries are off: a 429 with `Retry-After: 30` must not hold
a person's reply for 30 seconds, so we retry here, only server errors and dropped
connections, at most `LIVEPMO_LLM_RETRIES` times, and never once a stream has sent text
(part of it may be on screen). Each request must be over within `LIVEPMO_LLM_TIMEOUT`
seconds in all (httpx's timeout is per read: a server trickling its answer would hold the
reply as long as it liked). Every failure becomes a `ModelFailure` with a short `reason`,
and every call, failed or not, is recorded (`usage.LlmCall`): an answer its caller's
`check` rejects (`ungrounded`, `invented_number`, `invalid`...) counts as a failure like a
timeout. A server that rejects tools is asked once more without them, in the same call.
A server that reports no token usage has its tokens estimated, so the daily cap holds.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from datetime import datetime
from datetime import time as day_start
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.core import clock
from bot.core.db import session_scope
from bot.core.settings import Settings
from bot.llm.completions import (
    CHARS_PER_TOKEN,
    Completion,
    ModelFailure,
    Request,
    as_is,
    completion_of,
    estimated,
    reason_for,
)
from bot.llm.usage import LlmCall, tokens_since
from prompts import load

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage, AIMessageChunk

log = logging.getLogger(__name__)

RETRIED = ("server_error", "connection")
# After the server failed (or asked us to wait), the model rests this long: the next uses in
# the same reply (a narrative after a failed routing) go offline at once, not after another
# timeout. A 429's Retry-After is honoured up to the cap.
REST_AFTER = {"timeout": 15.0, "server_error": 15.0, "connection": 15.0, "rate_limited": 15.0}
MAX_REST = 120.0
T = TypeVar("T")


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, or `ModelFailure("timeout")` once `seconds` have passed in all. Work given up
    on runs to its end in the background, unheard (the HTTP client cannot be interrupted)."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:  # handed to the caller, who re-raises it
            future.set_exception(exc)

    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(run,), name="llm-call", daemon=True).start()
    try:
        return future.result(timeout=seconds)
    except WaitedTooLong:
        raise ModelFailure("timeout", f"no complete answer within {seconds:g} s") from None


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
        without_tools: Request | None = None,
    ) -> T:
        """Render the prompt `prompt` with `values`, ask the model once (plus retries) and
        return what `check` makes of the completion (by default, the completion).

        `tools` offers OpenAI-style tools; `json_mode` asks for one JSON object, shaped by
        `schema` where the server supports `json_schema` (`LIVEPMO_LLM_JSON_SCHEMA`);
        `on_text` streams, called with the text so far as it grows. `check` raises
        `ModelFailure` to reject the completion: the call is then recorded as failed, for
        that reason. `without_tools` is asked instead, within the same call, when the
        server rejects `tools` (HTTP 400).

        Raises:
            ModelFailure: timeout, rate_limited, server_error, connection, rejected,
                malformed, refused, budget, too_long or `check`'s reason; already logged
                and recorded.
        """
        request = Request(prompt, values, tools, json_mode, schema, check)
        return self.call(
            request, skill=skill, user=user, on_text=on_text, without_tools=without_tools
        )

    def call(
        self,
        request: Request,
        *,
        skill: str,
        user: str,
        on_text: Callable[[str], None] | None = None,
        without_tools: Request | None = None,
    ) -> Any:
        """`chat`, with the request as one `Request`."""
        asks = [request]
        if request.tools and without_tools is not None:
            asks.append(without_tools)
        started = time.monotonic()
        spent: list[Completion] = []
        label, outcome = load(request.prompt).label, "ok"
        try:
            for n, each in enumerate(asks):
                label = load(each.prompt).label
                try:
                    return self._ask(each, user, on_text, spent)
                except Exception as exc:
                    if n + 1 == len(asks) or reason_for(exc) != "rejected":
                        raise
                    log.info("the model's server rejected tools; asking for JSON instead")
            raise AssertionError("unreachable")
        except Exception as exc:
            outcome = reason_for(exc)
            self.rest(outcome, exc)
            detail = exc.detail if isinstance(exc, ModelFailure) else type(exc).__name__
            log.warning(
                "model call failed (%s) skill=%s user=%s prompt=%s: %s; answering offline",
                outcome,
                skill,
                user,
                label,
                detail,
            )
            raise ModelFailure(outcome, detail) from exc
        finally:
            self._record(skill, user, label, spent, started, outcome)

    def _ask(
        self,
        request: Request,
        user: str,
        on_text: Callable[[str], None] | None,
        spent: list[Completion],
    ) -> Any:
        """One request, unless the model rests or a cap refuses it; its completion (tokens
        estimated if the server gave none) joins `spent`, then `request.check` judges it."""
        messages = load(request.prompt).render(**request.values)
        if time.monotonic() < self.resting_until:
            raise ModelFailure("resting", "after a recent server failure")
        size = self._check_budget(user, messages, request.tools)
        response_format = self.response_format(request.schema) if request.json_mode else None
        completion = estimated(self._call(messages, request.tools, response_format, on_text), size)
        spent.append(completion)
        return request.check(completion)

    def _check_budget(
        self, user: str, messages: list[tuple[str, str]], tools: list[dict[str, Any]] | None
    ) -> int:
        """The prompt's size in tokens (estimated); `ModelFailure` if it is over the cap, or
        `user` has spent today's tokens (the UTC day)."""
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
            return size
        if used >= cap:
            raise ModelFailure("budget", f"{used} of {cap} tokens used today")
        return size

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
        lock, given_up = threading.Lock(), False

        def shown(text: str) -> None:  # never once the request was given up on
            nonlocal streamed
            with lock:
                if not given_up:
                    streamed = True
                    on_text(text)  # type: ignore[misc]

        def ask() -> Any:
            return self._stream(runnable, messages, shown) if on_text else runnable.invoke(messages)

        for attempt in range(self.settings.livepmo_llm_retries + 1):
            try:
                return completion_of(within(self.settings.livepmo_llm_timeout, ask))
            except Exception as exc:
                last = attempt == self.settings.livepmo_llm_retries
                if streamed or reason_for(exc) not in RETRIED or last:
                    with lock:
                        given_up = True  # a request still running must show nothing more
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
        spent: list[Completion],
        started: float,
        outcome: str,
    ) -> None:
        row = LlmCall(
            skill=skill[:32],
            user_id=user[:32],
            prompt=prompt[:48],
            model=self.name[:64],
            input_tokens=sum(c.input_tokens for c in spent),
            output_tokens=sum(c.output_tokens for c in spent),
            latency_ms=int((time.monotonic() - started) * 1000),
            outcome=outcome[:16],
        )
        try:
            with session_scope(self.settings.database_url) as session:
                session.add(row)
        except SQLAlchemyError:
            log.exception("could not record a model call (skill=%s)", skill)


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
