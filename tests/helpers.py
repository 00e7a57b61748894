"""Small helpers shared by tests."""

from __future__ import annotations

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
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
