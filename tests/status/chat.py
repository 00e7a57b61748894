"""Check-in test helpers: people in three timezones, a console, the scheduler at a clock."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import Reply
from bot.core.people import Person, StaticPeople
from bot.core.settings import Settings
from bot.scheduling import run_due
from scheduler.engine import RunReport
from skills.status.models import StatusUpdate
from tests.helpers import BOB, CHANNEL, CHEN, PM

DAN = "U0DAN"  # a London member, for time away
MINE = ("checkin-prompt", "checkin-reminder", "checkin-report")


def directory() -> StaticPeople:
    """Alice in London, Bob in New York, Chen in Singapore, Dan in London."""
    people = StaticPeople("Europe/London")
    people.add(Person(PM, "Alice", "Europe/London"))
    people.add(Person(BOB, "Bob", "America/New_York"))
    people.add(Person(CHEN, "Chen", "Asia/Singapore"))
    people.add(Person(DAN, "Dan", "Europe/London"))
    return people


def console(settings: Settings, *, user: str = PM, channel: str | None = CHANNEL) -> ConsoleSession:
    return ConsoleSession(console_dispatcher(settings, directory()), user=user, channel=channel)


def with_checkins(settings: Settings, *extra: str) -> ConsoleSession:
    """`apollo` in #C0APOLLO (Alice PM; Bob, Chen and `extra` members) with check-ins on."""
    chat = console(settings)
    members = " ".join(f"<@{u}>" for u in (BOB, CHEN, *extra))
    assert (
        "Created project"
        in chat.send(f"/pmo project create apollo Apollo --member {members}")[0].text
    )
    assert "are *on*" in chat.send("/pmo checkin on")[0].text
    return chat


class Outbox:
    """A poster that records what the scheduler posted."""

    def __init__(self) -> None:
        self.sent: list[Reply] = []

    def __call__(self, replies: list[Reply]) -> None:
        self.sent.extend(replies)

    def to(self, user: str) -> list[Reply]:
        return [r for r in self.sent if r.to_user == user]

    def take(self) -> list[Reply]:
        sent, self.sent = self.sent, []
        return sent


def at(settings: Settings, when: str, outbox: Outbox) -> RunReport:
    """Pin the clock to `when` (UTC) and run what is due; the report keeps check-in firings."""
    moment = datetime.fromisoformat(f"{when}+00:00")
    clock.pin(moment)
    report = run_due(settings.database_url, directory(), outbox, now=moment)
    for name in ("posted", "skipped", "empty", "failed"):
        setattr(report, name, [f for f in getattr(report, name) if f.startswith(MINE)])
    return report


def dm(chat: ConsoleSession, user: str, text: str) -> list[Reply]:
    return chat.send(text, user=user, channel="")


def updates(settings: Settings, user: str | None = None) -> list[StatusUpdate]:
    with session_scope(settings.database_url) as session:
        query = select(StatusUpdate).order_by(StatusUpdate.id)
        if user:
            query = query.where(StatusUpdate.user_id == user)
        return list(session.exec(query))
