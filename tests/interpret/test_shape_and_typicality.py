"""The committed intent model reads a message's shape and knows when a message is unlike
everything it learned."""

from __future__ import annotations

import pytest

from bot.core.learned import Prediction
from bot.interpret.interpreter import Interpreter
from bot.interpret.model import discounted


@pytest.mark.parametrize(
    "text",
    [
        "R3 owner is <@U0JO> now",
        "push the due date of I2 to Friday",
        "ATLAS-R4 probability 4",
        "HERMES-D2 title should read: Bank opens the firewall",
    ],
)
def test_key_field_value_is_an_update(interpreter: Interpreter, text: str) -> None:
    found = interpreter.interpret(text)
    assert found.operation is not None and found.operation.name in ("raid.update", "raid.assign")


def test_words_unlike_every_example_are_not_for_me(interpreter: Interpreter) -> None:
    assert interpreter.interpret("colourless green ideas sleep furiously").how == "none"


def test_an_atypical_operation_gives_way() -> None:
    guess = Prediction("raid.snooze", 0.6, {"raid.snooze": 0.6, "raid.update": 0.3, "none": 0.1})
    typical = {"raid.snooze": 0.0, "raid.update": 0.9, "none": 1.0}
    assert discounted(guess, typical).label == "raid.update"
    assert discounted(guess, {"raid.snooze": 0.0, "raid.update": 0.0}).label == "none"
    kept = discounted(guess, {"raid.snooze": 1.0, "raid.update": 1.0})
    assert kept.label == "raid.snooze" and kept.probabilities == pytest.approx(guess.probabilities)


def test_small_talk_is_discounted_alike() -> None:
    """A register line far from the chat examples of logging an item, and farther from
    small talk, is not handed to "not for me"; one like small talk still is."""
    guess = Prediction("raid.add", 0.45, {"raid.add": 0.45, "raid.mine": 0.35, "none": 0.2})
    register_line = {"raid.add": 0.02, "raid.mine": 0.01, "none": 0.01}
    assert discounted(guess, register_line).label == "raid.add"
    chatter = {"raid.add": 0.02, "raid.mine": 0.01, "none": 0.9}
    assert discounted(guess, chatter).label == "none"
