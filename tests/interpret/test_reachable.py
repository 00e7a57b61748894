"""Every operation in the registry is reachable: as `/pmo` command words, as a console line,
and (unless only a button, a form or a shared file reaches it) in plain words through the
interpreter's model. A new operation cannot skip any of them."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.interpret import corpus_stats as corpus
from bot.interpret.interpreter import Interpreter
from skills import registry


@pytest.fixture(scope="module")
def phrasings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for example in corpus.load():
        found[example.op].append(example.text)
    return found


def routed(interpreter: Interpreter, text: str) -> tuple[str | None, str]:
    found = interpreter.interpret(text)
    return (found.operation.name if found.operation else None), found.how


@pytest.mark.parametrize("name", sorted(registry().operations))
def test_reachable_as_a_command_and_a_console_line(interpreter, name: str) -> None:
    """Its command words reach it after `/pmo` (Slack's command) and typed alone (a line in
    `livepmo chat`), and so does one of its declared examples, if it has any."""
    op = registry().operation(name)
    for prefix in ("/pmo ", ""):
        assert routed(interpreter, prefix + " ".join(op.command)) == (name, "command")
        ways = {routed(interpreter, prefix + example) for example in op.examples}
        assert not ways or any(
            got == name and how in ("command", "explicit") for got, how in ways
        ), f"no example of {name} reaches it as `{prefix}…`: {ways}"


@pytest.mark.parametrize("name", sorted(registry().operations))
def test_reachable_in_plain_words(interpreter, phrasings, name: str) -> None:
    """A text operation has a corpus phrasing the model routes to it; any other one is in
    NOT_TEXT, so a button, a form or a shared file reaches it."""
    if name in corpus.NOT_TEXT:
        assert not phrasings.get(name), f"{name} is NOT_TEXT but has corpus examples"
        return
    texts = phrasings.get(name, [])
    assert texts, f"{name} has no plain-language examples in bot/interpret/corpus"
    assert any(routed(interpreter, text) == (name, "intent") for text in texts), (
        f"no corpus phrasing of {name} reaches it through the intent model"
    )
