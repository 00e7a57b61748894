"""An operation on one thing needs the kind of key the message names: a milestone's `M2` is
no RAID item, and `R4` is no milestone."""

from __future__ import annotations

import pytest

from bot.interpret import slots

GUESS = {"milestone.set": 0.5, "raid.update": 0.3, "raid.add": 0.1, "none": 0.1}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("M2 is at risk", {"milestone"}),
        ("APOLLO-M2 is at risk", {"milestone"}),
        ("R4 is at risk", {"item"}),
        ("#4 and APOLLO-I2", {"item"}),
        ("R4 threatens M2", {"item", "milestone"}),
        ("the beta is at risk", set()),
        ("Sam will review the parser PR (#18994) this week", set()),  # a pull request's
    ],
)
def test_the_kinds_of_key_a_message_names(text: str, said: set[str]) -> None:
    assert slots.keys_said(text) == said


def test_levels_are_no_key_for_logging_a_new_item(interpreter) -> None:
    assert slots.names_an_item("R4 is late") and slots.names_an_item("#9 can go")
    assert not slots.names_an_item("legal may not sign in time, P4 I5")
    assert "raid.add" in interpreter.fitting(GUESS, "legal may not sign in time, p4 i5")


def test_operations_on_another_kind_of_key_drop_out(interpreter) -> None:
    on_item = interpreter.fitting(GUESS, "mark R4 at risk")
    assert set(on_item) == {"raid.update", "none"}  # nor logging a new item: R4 is logged
    assert on_item["raid.update"] == pytest.approx(0.75)
    on_milestone = interpreter.fitting(GUESS, "M2 is at risk")
    assert set(on_milestone) == {"milestone.set", "raid.add", "none"}
    assert on_milestone["milestone.set"] == pytest.approx(0.5 / 0.7)
    assert interpreter.fitting(GUESS, "the beta is at risk") == GUESS
