"""Small helpers shared by tests."""

from __future__ import annotations

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core.messages import Reply
from bot.core.people import Person, StaticPeople
from bot.core.settings import Settings

CHANNEL = "C0APOLLO"
PM, BOB, CHEN, STRANGER, ADMIN = "U0ALICE", "U0BOB", "U0CHEN", "U0STRANGER", "U0ADMIN"


def people() -> StaticPeople:
    directory = StaticPeople("Europe/London")
    directory.add(Person(BOB, "Bob", "America/New_York"))
    directory.add(Person(ADMIN, "Admin", "UTC", is_admin=True))
    return directory


def console(settings: Settings, *, user: str = PM, channel: str | None = CHANNEL) -> ConsoleSession:
    return ConsoleSession(console_dispatcher(settings, people()), user=user, channel=channel)


def with_project(settings: Settings) -> ConsoleSession:
    """A console in #C0APOLLO where project `apollo` exists (Alice PM, Bob and Chen members)."""
    session = console(settings)
    replies = session.send(f"/pmo project create apollo Apollo launch --member <@{BOB}> <@{CHEN}>")
    assert "Created project" in replies[0].text, replies[0].text
    return session


def button(reply: Reply, action_id: str) -> str:
    """The value of the first button with `action_id` in a reply."""
    for block in reply.blocks or []:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button in {reply.text!r}")
