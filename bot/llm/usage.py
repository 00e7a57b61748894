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
    arguments); a failed call was answered offline.
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


@dataclass(frozen=True)
class UsageRow:
    """Totals for one skill and person; `failed` counts the failures by reason."""

    skill: str
    user: str
    calls: int
    failures: int
    tokens: int
    mean_latency_ms: int
    failed: dict[str, int] = field(default_factory=dict)


def tokens_since(session: Session, user: str, since: datetime) -> int:
    """Tokens used for `user` since `since` (the per-person daily cap reads this)."""
    used = session.exec(
        select(func.sum(LlmCall.input_tokens + LlmCall.output_tokens)).where(
            LlmCall.user_id == user, LlmCall.at >= since
        )
    ).one()
    return int(used or 0)


def usage_report(session: Session, *, now: datetime, days: int = 30) -> list[UsageRow]:
    """Calls, failures, tokens and mean latency per skill and person over `days` days,
    most tokens first."""
    rows = session.exec(
        select(
            LlmCall.skill,
            LlmCall.user_id,
            func.count(),
            func.sum(LlmCall.input_tokens + LlmCall.output_tokens),
            func.avg(LlmCall.latency_ms),
        )
        .where(LlmCall.at >= now - timedelta(days=days))
        .group_by(LlmCall.skill, LlmCall.user_id)
    ).all()
    failed: dict[tuple[str, str], dict[str, int]] = {}
    for skill, user, outcome, n in session.exec(
        select(LlmCall.skill, LlmCall.user_id, LlmCall.outcome, func.count())
        .where(LlmCall.at >= now - timedelta(days=days), LlmCall.outcome != "ok")
        .group_by(LlmCall.skill, LlmCall.user_id, LlmCall.outcome)
        .order_by(func.count().desc(), LlmCall.outcome)
    ).all():
        failed.setdefault((skill, user), {})[outcome] = int(n)
    report = [
        UsageRow(
            skill,
            user,
            int(n),
            sum(failed.get((skill, user), {}).values()),
            int(t or 0),
            int(ms or 0),
            failed.get((skill, user), {}),
        )
        for skill, user, n, t, ms in rows
    ]
    return sorted(report, key=lambda r: (-r.tokens, r.skill, r.user))
