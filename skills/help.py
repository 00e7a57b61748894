"""The help skill: what the bot can do, with examples, generated from the registry."""

from __future__ import annotations

from bot.core import ui
from bot.core.context import Context
from bot.core.messages import Reply
from bot.core.skills import Skill
from bot.core.text import escape

skill = Skill(
    "help",
    "Show what I can do, with examples.",
    examples=["help", "help raid"],
    aliases=("?", "commands"),
    phrases=("what can you do", "how do I use this bot", "show me the commands"),
    priority=90,
)

UNSURE = "I'm not sure what you meant"


@skill.command
def show_help(ctx: Context, args: str) -> Reply:
    """`help` lists every skill; `help NAME` shows one in detail."""
    name = args.strip().lower()
    topic = ctx.registry.get(name) if name else None
    if topic:
        lines = [f"*{topic.name}* — {escape(topic.summary)}"]
        if topic.details:
            lines.append(topic.details)
        lines += [f"• `{escape(e)}`" for e in topic.examples]
        text = "\n".join(lines)
        return Reply(text=text, blocks=[ui.section(text)])
    intro = "Here's what I can do. Use `/pmo <skill> ...`, mention me, or DM me."
    if name:
        intro = f'{UNSURE} by "{escape(name[:80])}". {intro}'
    lines = [intro]
    for item in ctx.registry.skills:
        example = f" e.g. `{escape(item.examples[0])}`" if item.examples else ""
        lines.append(f"• *{item.name}* — {escape(item.summary)}{example}")
    other = next((s.name for s in ctx.registry.skills if s.name != "help"), "help")
    lines.append(f"More on one skill: `help {other}`.")
    text = "\n".join(lines)
    return Reply(text=text, blocks=[ui.section(text)])
