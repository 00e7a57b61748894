"""A project named in the words is the one an update or a question is for: an update's
heading ("apollo update: …"), anywhere in a question; not a project mentioned in passing."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.db import session_scope
from bot.core.people import StaticPeople
from bot.interpret import slots
from skills import registry
from tests.helpers import PM, console


def test_an_update_heading_names_its_project(read) -> None:
    args = read("status.submit", "Apollo weekly update - env rebuilt, on track")
    assert args["project"] == "apollo"
    assert (
        read("status.submit", "Status update for Apollo - cutover drafted")["project"] == "apollo"
    )
    assert (
        read("status.submit", "for apollo: cutover drafted")["project"] == "apollo"
    )  # after "status update"


def test_a_project_mentioned_in_an_update_is_not_its_heading(read) -> None:
    assert "project" not in read("status.submit", "finished the apollo export, next the tests")


def test_a_question_about_a_projects_documents(read) -> None:
    args = read("kb.ask", "does the apollo runbook say who signs off a release?")
    assert args["project"] == "apollo"
    assert "project" not in read("kb.ask", "does the runbook say who signs off a release?")


def test_another_projects_key_in_a_channel_keeps_the_channels_project(settings, read) -> None:
    replies = console(settings, channel="C0OPS").send("/pmo project create ops Operations")
    assert "Created project" in replies[0].text, replies[0].text
    assert "project" not in read("kb.ask", "what do the ops docs say about on-call rotas?")
    assert "project" not in read("status.submit", "ops update: rota drafted, no blockers")
    with session_scope(settings.database_url) as session:
        ctx = Context(
            session=session,
            settings=settings,
            people=StaticPeople("Europe/London"),
            registry=registry(),
            user=PM,
            channel="D0PM",
            is_dm=True,
        )
        assert slots.project_meant(ctx, "what do the ops docs say about on-call?") == "ops"
