"""The App Home tab: what the bot can do and the user's projects."""

from __future__ import annotations

from typing import Any

from bot.core import ui
from bot.core.db import session_scope
from bot.core.dispatch import Dispatcher
from bot.core.projects import projects_for_user
from bot.core.text import escape


def home_view(dispatcher: Dispatcher, user: str) -> dict[str, Any]:
    with session_scope(dispatcher.settings.database_url) as session:
        mine = projects_for_user(session, user)
        lines = [f"• *{escape(p.name)}* (`{p.key}`)" for p in mine]
    blocks = [
        ui.header("Live PMO"),
        ui.section(
            "Your projects:\n"
            + ("\n".join(lines) or "_none yet — create one with_ `/pmo project create KEY Name`")
        ),
    ]
    blocks.append(ui.divider())
    for skill in dispatcher.registry.skills:
        example = f"\n`{escape(skill.examples[0])}`" if skill.examples else ""
        blocks.append(ui.section(f"*{skill.name}* — {escape(skill.summary)}{example}"))
    return {"type": "home", "blocks": blocks[: ui.MAX_BLOCKS]}
