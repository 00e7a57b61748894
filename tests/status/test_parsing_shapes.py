"""Shapes of status updates the parser reads (one-liners, ", but" clauses, lists, tenses)."""

from __future__ import annotations

from skills.status.parsing import parse_status_update


def test_one_line_update_with_labels_after_a_topic_is_split_into_sections() -> None:
    draft = parse_status_update("update: done - fixed the login bug; next - write the docs")
    assert draft.done == ["Fixed the login bug"]
    assert draft.next == ["Write the docs"]
    draft = parse_status_update("Update: done: login page. next: search")
    assert (draft.done, draft.next) == (["Login page"], ["Search"])


def test_comma_but_clause_that_states_a_blocker_is_its_own_item() -> None:
    draft = parse_status_update(
        "the list of repos to move is up for review, but we can't move anything until IT "
        "creates the new org"
    )
    assert draft.done == ["The list of repos to move is up for review"]
    assert draft.blockers == ["Can't move anything until IT creates the new org"]
