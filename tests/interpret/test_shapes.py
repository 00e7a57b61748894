"""The shape of a message (`shapes.marks`): keys, field words and kinds of value, whatever
the words around them."""

from __future__ import annotations

import pytest

from bot.interpret.shapes import marks


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("R3 owner is <@U0JO> now", {"key+owner=person", "key+field:owner"}),
        ("push the due date of I2 to Friday", {"key+date=date", "key+value:date"}),
        ("ATLAS-R4 probability 4", {"key+level=level"}),
        ("retitle #6: Payroll interface rejects records", {"key+text=words"}),
        ("D4 is in progress", {"key+value:status"}),
        ("push M3 back two weeks", {"mkey+value:span"}),
        ("remind me tomorrow at 9", {"value:date", "value:person"}),
    ],
)
def test_marks_name_the_shape(text: str, wanted: set[str]) -> None:
    assert wanted <= set(marks(text))


def test_no_key_no_key_marks_and_small_talk_has_none() -> None:
    assert not any(m.startswith(("key", "mkey")) for m in marks("the owner is on leave"))
    assert "mkey" not in marks("push R4 a week") and "key" not in marks("push M3 a week")
    assert marks("thanks, that's great") == []
