"""Prose that opens with a command's name goes where its words say; commands stay commands."""

from __future__ import annotations

from bot.core.messages import Message
from bot.interpret.interpreter import Interpreter

UPDATE = "dashboard update: finished the charts, next the filters"


def said(text: str, via: str = "dm") -> Message:
    return Message(text=text, user="U0ALICE", channel="", via=via, is_dm=True)  # type: ignore[arg-type]


def test_an_update_opening_with_a_command_name_is_an_update(interpreter: Interpreter) -> None:
    found = interpreter.interpret(UPDATE, said(UPDATE))
    assert found.operation is not None and found.operation.name == "status.submit"


def test_a_slash_command_is_always_the_command(interpreter: Interpreter) -> None:
    found = interpreter.interpret(UPDATE, said(UPDATE, via="command"))
    assert found.skill is not None and found.skill.name == "hub" and found.is_command


def test_command_words_that_fit_stay_commands(interpreter: Interpreter) -> None:
    for text in ("project info apollo", "checkin time 10:00", "raid list risks"):
        assert interpreter.interpret(text, said(text)).is_command, text


def test_a_command_said_wrongly_keeps_its_usage(interpreter: Interpreter) -> None:
    found = interpreter.interpret("checkin time 25:00", said("checkin time 25:00"))
    assert found.is_command and found.operation is not None
    assert found.operation.name == "checkin.set"


def test_remind_me_what_asks_a_question(interpreter: Interpreter) -> None:
    for text in ("remind me what R4 is about", "remind me who owns I2?"):
        found = interpreter.interpret(text, said(text))
        assert found.operation is None or found.operation.name != "reminder.create", text
    text = "remind me what to bring tomorrow at 9"
    assert interpreter.interpret(text, said(text)).operation.name == "reminder.create"


def test_courtesy_words_are_not_arguments(interpreter: Interpreter) -> None:
    for text, op in (
        ("my items pls", "raid.mine"),
        ("milestones pls", "milestone.list"),
        ("please list the risks", "raid.list"),
        ("R1 details, thanks!", "raid.show"),
    ):
        found = interpreter.interpret(text, said(text))
        assert found.operation is not None and found.operation.name == op, text
        assert "pls" not in found.args and "thanks" not in found.args, text
    assert interpreter.interpret("thanks", said("thanks")).args == "thanks"


def test_show_me_is_not_about_me(read) -> None:
    for text in ("show me all open risks", "give me the list of issues"):
        assert "owner" not in read("raid.list", text), text
    assert read("raid.list", "list the risks owned by me")["owner"] == "me"


def test_an_off_topic_question_is_not_for_the_bot(interpreter: Interpreter) -> None:
    text = "what is the capital of France?"  # once the cost report ("capital")
    found = interpreter.interpret(text, said(text))
    assert found.operation is None and found.how == "none"
