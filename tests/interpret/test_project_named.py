"""A project named in the words is the one an update or a question is for: an update's
heading ("apollo update: …"), anywhere in a question; not a project mentioned in passing."""

from __future__ import annotations


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
