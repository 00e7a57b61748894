"""The runtime's side of the scheduler: the skills' job kinds handed to the engine, and
the poster and people the engine posts with (Slack when configured, else the terminal)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlmodel import Session

from bot.core.people import People
from scheduler import engine
from scheduler.plan import JobKind, Planned
from scheduler.posting import Poster


@cache
def job_kinds() -> tuple[JobKind, ...]:
    """Every job kind the skills declare (`Skill.jobs`)."""
    from skills import registry

    return tuple(registry().all_jobs())


def planned(session: Session, people: People, start: datetime, end: datetime) -> list[Planned]:
    """Every firing of every skill's job kinds in [start, end), by due time."""
    return engine.planned(session, people, start, end, list(job_kinds()))


def run_due(url: str, people: People, post: Poster, **options: Any) -> engine.RunReport:
    """Run what is due of every skill's job kinds (`scheduler.engine.run_due`)."""
    options.setdefault("kinds", list(job_kinds()))
    return engine.run_due(url, people, post, **options)


def dispatcher(url: str, people: People, post: Poster, **options: Any) -> engine.Dispatcher:
    """Workers posting every skill's job kinds across ticks (`scheduler.engine.Dispatcher`)."""
    options.setdefault("kinds", list(job_kinds()))
    return engine.Dispatcher(url, people, post, **options)


def people_and_poster(settings) -> tuple[People, Poster]:  # noqa: ANN001 - wiring only
    """Slack's people and poster when Slack is configured, else the terminal's."""
    from bot.console.render import render_reply
    from bot.core.people import StaticPeople
    from scheduler.posting import ConsolePoster

    if settings.slack_bot_token:
        from bot.slack.app import web_client
        from bot.slack.people import SlackPeople
        from bot.slack.poster import SlackPoster

        client = web_client(settings)
        poster = SlackPoster(client, database_url=settings.database_url)
        return SlackPeople(client, settings.livepmo_timezone), poster
    return StaticPeople(settings.livepmo_timezone), ConsolePoster(render_reply)
