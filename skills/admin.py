"""Workspace administration: what the bot has learned here, and forgetting it."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import Reply
from bot.core.operations import Access, Args, no_scope
from bot.core.skills import Skill
from bot.interpret import learning

skill = Skill("admin", "Workspace settings for admins: what I've learned here.", priority=85)
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
