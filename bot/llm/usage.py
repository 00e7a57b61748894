"""What the language model was used for: one row per call, per skill and per person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Field, Session, SQLModel, select

from bot.core.models import utc_column


class LlmCall(SQLModel, table=True):
    """One request to the chat model: who it was for, what for, its cost and outcome.

    `outcome` is `ok` or why it failed: the call itself (`timeout`, `rate_limited`,
    `server_error`, `malformed`, `refused`, `budget`, ...) or the check of what it returned
    (`ungrounded` answer, `invented_number` in a narrative, `invalid` operation or
    arguments); a failed call was answered offline. `resting`, `budget` and `too_long` are
    calls refused before any request was made (`NOT_SENT`), reported apart.
    """

    __tablename__ = "llm_calls"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    skill: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32, index=True)
    prompt: str = Field(max_length=48)
    model: str = Field(max_length=64)
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
    outcome: str = Field(default="ok", max_length=16)


NOT_SENT = ("resting", "budget", "too_long")  # refused before any request was made


@dataclass(frozen=True)
class UsageRow:
    """Totals for one skill and person: `calls` made to the model (their mean latency),
    `failed` counting the failures among them by reason; `not_sent`, by reason, the calls
    refused before any request (the model resting, a token cap): answered offline too, but
    no call to the model."""

    skill: str
    user: str
    calls: int
    failures: int
    tokens: int
    mean_latency_ms: int
    failed: dict[str, int] = field(default_factory=dict)
    not_sent: dict[str, int] = field(default_factory=dict)


def tokens_since(session: Session, user: str, since: datetime) -> int:
    """Tokens used for `user` since `since` (the per-person daily cap reads this)."""
    used = session.exec(
        select(func.sum(LlmCall.input_tokens + LlmCall.output_tokens)).where(
            LlmCall.user_id == user, LlmCall.at >= since
        )
    ).one()
    return int(used or 0)


def usage_report(session: Session, *, now: datetime, days: int = 30) -> list[UsageRow]:
    """Calls, failures, tokens and mean latency per skill and person over `days` days (1 or
    more: `ValueError` otherwise), most tokens first."""
    if days < 1:
        raise ValueError(f"days must be 1 or more, not {days}")
    totals = session.exec(
        select(
            LlmCall.skill,
            LlmCall.user_id,
            LlmCall.outcome,
            func.count(),
            func.sum(LlmCall.input_tokens + LlmCall.output_tokens),
            func.sum(LlmCall.latency_ms),
        )
        .where(LlmCall.at >= now - timedelta(days=days))
        .group_by(LlmCall.skill, LlmCall.user_id, LlmCall.outcome)
        .order_by(func.count().desc(), LlmCall.outcome)
    ).all()
    grouped: dict[tuple[str, str], list[tuple[str, int, int, int]]] = {}
    for skill, user, outcome, n, tokens, ms in totals:
        grouped.setdefault((skill, user), []).append(
            (outcome, int(n), int(tokens or 0), int(ms or 0))
        )
    report = [row_of(skill, user, outcomes) for (skill, user), outcomes in grouped.items()]
    return sorted(report, key=lambda r: (-r.tokens, r.skill, r.user))


def row_of(skill: str, user: str, outcomes: list[tuple[str, int, int, int]]) -> UsageRow:
    """One skill and person's row from (outcome, calls, tokens, milliseconds) totals."""
    sent = [o for o in outcomes if o[0] not in NOT_SENT]
    calls = sum(n for _, n, _, _ in sent)
    failed = {outcome: n for outcome, n, _, _ in sent if outcome != "ok"}
    return UsageRow(
        skill,
        user,
        calls,
        sum(failed.values()),
        sum(tokens for _, _, tokens, _ in outcomes),
        sum(ms for _, _, _, ms in sent) // calls if calls else 0,
        failed,
        {outcome: n for outcome, n, _, _ in outcomes if outcome in NOT_SENT},
    )
