"""A console with the summary skill added to the bot's registry (as the lead will register it)."""

from __future__ import annotations

from bot.console.chat import ConsoleSession
from bot.core.dispatch import Dispatcher
from bot.core.settings import Settings
from bot.core.skills import SkillRegistry
from skills import all_skills
from skills.summary import skill as summary_skill
from tests.helpers import BOB, CHANNEL, CHEN, PM, people

ZEUS_CHANNEL = "C0ZEUS"


def registry() -> SkillRegistry:
    others = [s for s in all_skills() if s.name != summary_skill.name]
    return SkillRegistry([*others, summary_skill])


def console(settings: Settings, *, user: str = PM, channel: str | None = CHANNEL) -> ConsoleSession:
    dispatcher = Dispatcher(settings, registry(), people())
    return ConsoleSession(dispatcher, user=user, channel=channel)


def with_apollo(settings: Settings) -> ConsoleSession:
    """A console in #C0APOLLO where `apollo` exists (Alice PM, Bob and Chen members)."""
    chat = console(settings)
    reply = chat.send(f"/pmo project create apollo Apollo launch --member <@{BOB}> <@{CHEN}>")
    assert "Created project" in reply[0].text, reply[0].text
    return chat


def create_project(chat: ConsoleSession, key: str, name: str, channel: str) -> None:
    reply = chat.send(f"/pmo project create {key} {name}", channel=channel)
    assert "Created project" in reply[0].text, reply[0].text
