"""The dispatcher as the console, demo and tests use it (no Slack)."""

from __future__ import annotations

from bot.core.dispatch import Dispatcher
from bot.core.people import StaticPeople
from bot.core.settings import Settings


def console_dispatcher(settings: Settings, people: StaticPeople | None = None) -> Dispatcher:
    from skills import registry

    return Dispatcher(settings, registry(), people or StaticPeople(settings.livepmo_timezone))
