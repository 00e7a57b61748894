"""`raid.update` reads the new value of the field a message names, in any wording: the date
ahead it gives (whatever type the words suggest), a level for the field it names, never an
item key as a level."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("push R4 to next Friday", {"key": "R4", "due_on": "2026-12-04"}),
        ("bring I4 forward to tomorrow, it's urgent", {"key": "I4", "due_on": "2026-11-24"}),
        (
            "APOLLO-D1 now expected 18/12 per the vendor",
            {"key": "APOLLO-D1", "due_on": "2026-12-18"},
        ),
        ("move the due date on I2 to thursday", {"key": "I2", "due_on": "2026-11-26"}),
        ("R6: probability medium, impact high", {"key": "R6", "probability": 3, "impact": 4}),
        (
            "R3: p2 i4, review next friday",
            {"key": "R3", "probability": 2, "impact": 4, "due_on": "2026-12-04"},
        ),
        (
            "retitle A1 as 'Client sends test data'",
            {"key": "A1", "title": "Client sends test data"},
        ),
    ],
)
def test_update_reads_the_field_it_names(read, text: str, wanted: dict) -> None:
    args = read("raid.update", text)
    assert {k: v for k, v in args.items() if k != "project"} == wanted


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("I reckon D1 should've been logged as an issue", "issue"),
        ("R2 should have been filed as an issue", "issue"),
        ("I6 should probably have been logged as a dependency", "dependency"),
        ("I logged I3 as an issue but it's a risk", "risk"),
    ],
)
def test_a_type_it_ought_to_have_is_the_new_type(read, text: str, wanted: str) -> None:
    assert read("raid.change_type", text)["type"] == wanted


def test_an_assumption_found_false_closes_as_invalidated(read) -> None:
    assert read("raid.close", "A2 turned out to be wrong, close it")["status"] == "invalidated"
    assert "status" not in read("raid.close", "I2 turned out to be wrong, close it")


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("close R4", None),
        ("R4 can be closed now", None),
        ("please mark I2 as resolved", None),
        ("R4 never materialised, closing it", "never materialised, closing it"),
    ],
)
def test_a_close_note_is_not_the_operations_own_words(read, text: str, note: str | None) -> None:
    assert (read("raid.close", text).get("note") or None) == note


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("assign R3 to Legal team", "Legal team"),
        ("R3 owner is the vendor", "the vendor"),
        ("change owner of R3 to Sam", "Sam"),  # "owner of R3" names no one
        ("make Carol owner of R3", "Carol"),
    ],
)
def test_an_items_owner_may_be_a_name(read, text: str, wanted: str) -> None:
    assert read("raid.assign", text)["owner"] == wanted


def test_a_comment_after_the_key_loses_the_operations_word(read) -> None:
    assert read("raid.comment", "R1 comment vendor lost the PO")["text"] == "vendor lost the PO"


@pytest.mark.parametrize("text", ["whats overdue?", "which actions are running late"])
def test_a_list_of_what_is_late_is_only_overdue_items(read, text: str) -> None:
    assert read("raid.list", text)["overdue"] is True
