"""The help skill: what the bot can do, with examples, generated from the registry."""

from __future__ import annotations

import re

from bot.core import ui
from bot.core.context import Context
from bot.core.messages import Reply
from bot.core.operations import Access, Args, no_scope, rest
from bot.core.skills import Skill
from bot.core.text import escape

skill = Skill(
    "help",
    "Show what I can do, with examples.",
    aliases=("?", "commands"),
    priority=90,
    text_operation="help.show",
)

UNSURE = "I'm not sure what you meant"


class HelpArgs(Args):
    topic: str = rest(default="", description="A skill to explain, e.g. raid")


@skill.operation(
    "help.show",
    summary="What I can do; `help SKILL` lists a skill's commands.",
    access=Access.ANYONE,
    scope=no_scope,
    command="help",
    examples=["help", "help raid"],
)
def show_help(ctx: Context, args: HelpArgs) -> Reply:
    """`help` lists every skill; `help NAME` shows one skill's operations."""
    name = args.topic.strip().lower()
    topic = ctx.registry.get(name) or named_skill(ctx, name) if name else None
    if topic:
        text = skill_help(topic)
        return Reply(text=text, blocks=[ui.section(text)])
    intro = "Here's what I can do. Use `/pmo <skill> ...`, mention me, or DM me."
    if name:
        intro = f'{UNSURE} by "{escape(name[:80])}". {intro}'
    lines = [intro]
    for item in ctx.registry.skills:
        if all(op.hidden for op in item.operations):
            continue  # nothing to ask for: the clarifying question's buttons, say
        example = f" e.g. `{escape(item.examples[0])}`" if item.examples else ""
        lines.append(f"• *{item.name}* — {escape(item.summary)}{example}")
    other = next((s.name for s in ctx.registry.skills if s.name != "help"), "help")
    lines.append(f"More on one skill: `help {other}`.")
    text = "\n".join(lines)
    return Reply(text=text, blocks=[ui.section(text)])


def named_skill(ctx: Context, words: str) -> Skill | None:
    """The skill words about the bot name ("how do I set a reminder", "help with
    milestones"): by its name or an alias, else the one whose summary shares most of the
    longer words, the one whose summary they say most of on a tie ("log a risk" → the
    RAID log's), if one does."""
    said = {w.rstrip("s") for w in re.findall(r"[a-z][a-z-]+", words)}
    shown = [s for s in ctx.registry.skills if not all(op.hidden for op in s.operations)]
    for item in shown:
        if said & {n.rstrip("s") for n in (item.name, *item.aliases)}:
            return item
    longer = {w for w in said if len(w) > 3}
    scored = []
    for item in shown:
        words = summary_words(item)
        shared = len(longer & words)
        scored.append(((shared, shared / max(len(words), 1)), item))  # the more focused wins
    best = max((score for score, _ in scored), default=(0, 0.0))
    found = [item for score, item in scored if score == best and best[0] > 0]
    return found[0] if len(found) == 1 and found[0] is not skill else None


def summary_words(item: Skill) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z][a-z-]+", item.summary.lower()) if len(w) > 3}


def skill_help(topic: Skill) -> str:
    """A skill's operations, each with its usage and summary, generated from the declarations."""
    lines = [f"*{topic.name}* — {escape(topic.summary)}"]
    for op in topic.operations:
        if not op.hidden:
            lines.append(f"• `{escape(op.usage)}` — {escape(op.summary)}")
    if topic.details:
        lines.append(topic.details)
    return "\n".join(lines)
