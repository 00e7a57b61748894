"""Workspace administration: what the bot has learned here (and forgetting it), and how
much the language model was used."""

from __future__ import annotations

from collections import Counter

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Reply
from bot.core.operations import Access, Args, no_scope
from bot.core.skills import Skill
from bot.core.text import escape, mention
from bot.interpret import learning
from bot.llm.usage import UsageRow, usage_report

skill = Skill(
    "admin",
    "Workspace settings for admins: what I've learned here, language model usage.",
    priority=85,
)
KINDS = {
    "intent": "what messages mean",
    "raid_type": "RAID item types",
    "raid_owner": "RAID owners",
}


@skill.operation(
    "admin.learning",
    summary="What I've learned in this workspace from answers and corrections.",
    access=Access.ADMIN,
    scope=no_scope,
    examples=["admin learning"],
)
def show_learning(ctx: Context, args: Args) -> Reply:
    counts = learning.counts(ctx.session, learning.workspace_of(ctx.team))
    if not counts:
        return Reply(text="I haven't learned anything here yet.", ephemeral=True)
    lines = [f"• {KINDS.get(kind, kind)}: {n}" for kind, n in sorted(counts.items())]
    text = "*Learned in this workspace* (at most 500 of each, newest kept)\n" + "\n".join(lines)
    return Reply(text=text + "\n`admin learning reset` forgets them all.", ephemeral=True)


@skill.operation(
    "admin.learning_reset",
    summary="Forget everything learned in this workspace.",
    access=Access.ADMIN,
    scope=no_scope,
    writes=True,
    command="admin learning reset",
    examples=["admin learning reset"],
)
def reset_learning(ctx: Context, args: Args) -> Reply:
    gone = learning.forget(ctx.session, learning.workspace_of(ctx.team))
    ctx.audit("admin.learning_reset", forgotten=gone)
    return Reply(text=f"Forgot {gone} learned example{'s' if gone != 1 else ''}.", ephemeral=True)


@skill.operation(
    "admin.usage",
    summary="How much the language model was used in the last 30 days, by skill and person.",
    access=Access.ADMIN,
    scope=no_scope,
    examples=["admin usage"],
)
def show_usage(ctx: Context, args: Args) -> Reply:
    return Reply(text=usage_text(usage_report(ctx.session, now=clock.now())), ephemeral=True)


def usage_text(rows: list[UsageRow], days: int = 30) -> str:
    """The usage report as a few lines (also printed by `livepmo usage`); failures are
    counted by reason, whether the call failed or what it returned was rejected."""
    if not rows:
        return f"No language model calls in the last {days} days (or no model is configured)."
    calls = sum(r.calls for r in rows)
    tokens = sum(r.tokens for r in rows)
    failed: Counter[str] = Counter()
    for row in rows:
        failed.update(row.failed)
    lines = [
        f"• {escape(r.skill)} · {mention(r.user)}: {r.calls} call{'s' if r.calls != 1 else ''}, "
        f"{r.tokens:,} tokens, {r.failures} failed{reasons(r.failed)}, "
        f"{r.mean_latency_ms:,} ms on average"
        for r in rows[:40]
    ]
    head = (
        f"*Language model use, last {days} days*: {calls} calls, {tokens:,} tokens, "
        f"{sum(failed.values())} failed and answered offline{reasons(failed)}"
    )
    refused: Counter[str] = Counter()
    for row in rows:
        refused.update(row.not_sent)
    if refused:  # the model resting after a failure, a token cap: no request made
        head += f"; {sum(refused.values())} not sent{reasons(refused)}"
    return "\n".join([head, *lines])


def reasons(failed: dict[str, int]) -> str:
    """` (ungrounded 2, timeout 1)`, most frequent first; nothing when none failed."""
    ranked = sorted(failed.items(), key=lambda item: (-item[1], item[0]))
    return f" ({', '.join(f'{escape(r)} {n}' for r, n in ranked)})" if ranked else ""
