"""A project named in the words is the one an update or a question is for: an update's
heading ("apollo update: …"), anywhere in a question; not a project mentioned in passing."""

from __future__ import annotations


def test_an_update_heading_names_its_project(read) -> None:
    args = read("status.submit", "apollo update from me: mapping 70% done, on track")
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
    args = read("kb.ask", "in the apollo docs, what's the retention period for records?")
    assert args["project"] == "apollo"
    assert "project" not in read("kb.ask", "what's the retention period for records?")
