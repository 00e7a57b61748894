"""The dispatcher as the console, demo and tests use it (no Slack)."""

from __future__ import annotations

from bot.core.dispatch import Dispatcher
from bot.core.people import StaticPeople
from bot.core.settings import Settings


def console_dispatcher(
    settings: Settings, people: StaticPeople | None = None, skills: tuple[str, ...] | None = None
) -> Dispatcher:
    """A dispatcher over every skill, or only those named in `skills` (fewer to import)."""
    from skills import registry

    return Dispatcher(settings, registry(skills), people or StaticPeople(settings.livepmo_timezone))
