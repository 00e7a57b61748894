"""`--llm` for the benchmarks: use the model `OPENAI_*` points at, and count what it cost.

Without `--llm` a benchmark runs offline even when `OPENAI_API_KEY` is set
(`settings_overrides`). With it, `ModelMeter` reads the calls each message made from the
usage table (`bot.llm.usage.LlmCall`, written by the very code the bot runs) and reports
calls and tokens per message, the latency the model added (p95 over messages; a message
that made no call adds 0) and the failed calls by reason (a call failed, or its answer was
rejected by its check: `ungrounded`, `invalid`...). Against the mock server
(`python -m tests.llm.mock_openai`) the figures measure plumbing, not quality.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import select

from bot.core.db import session_scope
from bot.llm.usage import LlmCall

T = TypeVar("T")


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--llm",
        action="store_true",
        help="use the model OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL point at "
        "(without it: offline, whatever the environment says)",
    )


def settings_overrides(use_llm: bool) -> dict[str, Any]:
    """Settings overrides: none with `--llm`, else no API key (the offline path)."""
    return {} if use_llm else {"openai_api_key": None}


class ModelMeter:
    """Model calls, tokens, latency and failures (by reason) per message, from the usage
    table."""

    def __init__(self, database_url: str, *, enabled: bool = True) -> None:
        self.database_url = database_url
        self.enabled = enabled  # off: `measure` only runs the work (offline timings unchanged)
        self.messages: list[tuple[int, int, int, Counter[str]]] = []  # calls, tokens, ms, failed

    def totals(self) -> tuple[int, int, int, Counter[str]]:
        with session_scope(self.database_url) as session:
            calls, tokens, ms = session.exec(
                select(
                    func.count(LlmCall.id),
                    func.coalesce(func.sum(LlmCall.input_tokens + LlmCall.output_tokens), 0),
                    func.coalesce(func.sum(LlmCall.latency_ms), 0),
                )
            ).one()
            failed = session.exec(
                select(LlmCall.outcome, func.count())
                .where(LlmCall.outcome != "ok")
                .group_by(LlmCall.outcome)
            ).all()
        return int(calls), int(tokens), int(ms), Counter({r: int(n) for r, n in failed})

    def measure(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` for one message, counting the model calls it made."""
        if not self.enabled:
            return work(*args)
        calls, tokens, ms, failed = self.totals()
        result = work(*args)
        calls_after, tokens_after, ms_after, failed_after = self.totals()
        self.messages.append(
            (calls_after - calls, tokens_after - tokens, ms_after - ms, failed_after - failed)
        )
        return result

    def figures(self) -> dict[str, Any]:
        n = max(len(self.messages), 1)
        added = sorted(m[2] for m in self.messages) or [0]
        failed: Counter[str] = sum((m[3] for m in self.messages), Counter())
        return {
            "llm_calls_per_message": round(sum(m[0] for m in self.messages) / n, 3),
            "llm_tokens_per_message": round(sum(m[1] for m in self.messages) / n, 1),
            "llm_added_ms_p95": added[int(0.95 * (len(added) - 1))],
            "llm_failed_calls": sum(failed.values()),
            "llm_failed_by_reason": dict(failed.most_common()),
        }


def confirm_proposals(chat: Any, replies: list[Any], user: str | None = None) -> list[Any]:
    """Press Confirm on each confirmation card among `replies` (a person would), returning
    the replies that follow; other replies are returned as they are."""
    out = []
    for reply in replies:
        value = next(
            (
                element["value"]
                for block in reply.blocks or []
                for element in block.get("elements", [])
                if element.get("action_id") == "interpret_confirm"
            ),
            None,
        )
        if value is None:
            out.append(reply)
        else:
            out.extend(chat.send(f"!press interpret_confirm {value}", user=user))
    return out
