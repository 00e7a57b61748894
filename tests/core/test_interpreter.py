"""The interpreter: commands, context, the learned intent model, clarifying questions and
learning from their answers."""

from __future__ import annotations

import pytest
from sqlalchemy import text as text_sql
from sqlmodel import Session, select

from bot.core.db import session_scope
from bot.core.learned import TextClassifier
from bot.core.messages import Message
from bot.core.skills import Skill, SkillRegistry
from bot.interpret import interpreter as interpreter_module
from bot.interpret.interpreter import Interpreter, strip_address
from bot.interpret.model import IntentModel
from bot.interpret.tables import LearnedExample
from skills import registry
from skills.raid.scoring import RaidType
from tests.helpers import BOB, PM, button, with_project


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    return Interpreter(registry())


def op_of(interpreter: Interpreter, text: str) -> str | None:
    found = interpreter.interpret(text)
    return found.operation.name if found.operation else found.how


@pytest.mark.parametrize(
    ("text", "op", "how"),
    [
        ("/pmo raid add risk: x", "raid.add", "command"),
        ("@pmo raid list mine", "raid.list", "command"),
        ("raid vendor may slip", "raid.add", "explicit"),
        ("undo", "undo.last", "command"),
        ("my items", "raid.mine", "command"),
        ("project health", "summary.project", "command"),
        ("", "help.show", "fallback"),
        ("/pmo", "help.show", "fallback"),
    ],
)
def test_commands_and_skill_names(interpreter: Interpreter, text: str, op: str, how: str) -> None:
    found = interpreter.interpret(text)
    assert (found.operation and found.operation.name, found.how) == (op, how)


def test_status_of_a_project_is_not_the_status_command(interpreter: Interpreter) -> None:
    assert interpreter.explicit("status of apollo") is None
    assert interpreter.explicit("Status: green, all done") is None  # a label, not a command


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("how is apollo doing?", "summary.project"),
        ("ATLAS-I1 is fixed now, closing it", "raid.close"),
        ("what's on my plate?", "raid.mine"),
        ("who hasn't answered the check-in?", "status.missing"),
        ("what changed this week?", "raid.changes"),
        ("Done: login page. Next: search. Blockers: none", "status.submit"),
        ("who approves a change request over 50k?", "kb.ask"),
        ("thanks!", "none"),
    ],
)
def test_the_model_reads_plain_words(interpreter: Interpreter, text: str, op: str) -> None:
    assert op_of(interpreter, text) == op


@pytest.mark.parametrize(
    ("text", "op"),
    [("R1", "raid.show"), ("A1?", "raid.show"), ("ACT2", "raid.show"), ("M2", "milestone.show")],
)
def test_a_key_alone_shows_its_record(interpreter: Interpreter, text: str, op: str) -> None:
    assert op_of(interpreter, text) == op


@pytest.mark.parametrize(
    "text", ["who is the owner of A1", "who owns R1?", "is R4 closed?", "where are we with DEC1?"]
)
def test_a_question_never_changes_anything(interpreter: Interpreter, text: str) -> None:
    found = interpreter.interpret(text)
    assert found.operation is None or not found.operation.writes


def test_a_request_asked_as_a_question_still_acts(interpreter: Interpreter) -> None:
    assert op_of(interpreter, "can you close R4?") == "raid.close"


def test_strip_address_keeps_the_message_and_other_peoples_mentions() -> None:
    assert strip_address("/pmo help me") == "help me"
    assert strip_address("<@U0JO> owns I2 now") == "<@U0JO> owns I2 now"


def test_every_real_skill_with_operations_is_reachable_by_name(interpreter: Interpreter) -> None:
    for skill in interpreter.registry.skills:
        if skill.operation_for("something") or skill.bare_operation:
            assert interpreter.interpret(f"{skill.name} something").skill is skill


def tiny_model() -> IntentModel:
    """A lexical-only model that cannot tell a reminder from a RAID action."""
    texts = [
        "log a risk vendor may slip",
        "new issue the build is broken",
        "done the login page next search",
        "finished the api today",
        "thanks",
        "good morning",
    ]
    labels = ["raid.add", "raid.add", "status.submit", "status.submit", "none", "none"]
    return IntentModel(TextClassifier.train(texts, labels, folds=0))


def test_an_operation_learned_as_modes_is_predicted_as_the_operation() -> None:
    texts = ["the vendor may slip", "we chose vendor A", "done the login page", "thanks a lot"]
    labels = ["raid.add~risk", "raid.add~decision", "status.submit", "none"]
    model = IntentModel(TextClassifier.train(texts, labels, folds=0))
    prediction = model.predict("we chose the vendor")
    assert set(prediction.probabilities) == {"raid.add", "status.submit", "none"}
    assert prediction.label == "raid.add" and model.labels == ["none", "raid.add", "status.submit"]
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0)


def test_the_raid_skill_pools_its_typed_entries_as_modes_of_raid_add() -> None:
    from bot.interpret.train import pooled_examples

    pooled = pooled_examples()
    assert {e.op for e in pooled} == {f"raid.add~{t}" for t in RaidType}
    assert all(e.text.strip() for e in pooled)


def test_labelled_raid_messages_read_by_path_join_as_modes_of_raid_add(tmp_path) -> None:
    from bot.interpret.train import raid_messages

    path = tmp_path / "labelled.jsonl"
    path.write_text(
        '{"text": "Jo to send the plan", "type": "action", "owner": null}\n'
        '{"text": "vendor may slip", "type": "risk"}\n',
        encoding="utf-8",
    )
    found = [(e.text, e.op) for e in raid_messages([path])]
    assert found == [
        ("Jo to send the plan", "raid.add~action"),
        ("vendor may slip", "raid.add~risk"),
    ]


def test_a_type_word_labelling_the_message_logs_it_and_at_risk_does_not() -> None:
    interpreter = Interpreter(registry())
    for text in (
        "raising an issue: the build server is out of disk",
        "working assumption - the grant covers travel",
        "todo: book the venue for the workshop",
    ):
        found = interpreter.interpret(text)
        assert (found.how, found.operation.name) == ("lead", "raid.add"), text
    for text in ("D2 is at risk — supplier has gone quiet", "we are at risk: the load test failed"):
        assert interpreter.interpret(text).how != "lead", text


def test_context_claims_before_the_model(sqlite_only_url) -> None:
    seen: list = []

    def owes(text: str, message: Message, session: Session) -> bool:
        seen.append(session.exec(text_sql("SELECT count(*) FROM projects")).one()[0])
        return message.is_dm and message.user == "U0OWES"

    skills = [
        Skill("help", "Help.", priority=90, text_operation="help.show"),
        Skill("status", "Updates.", claim_message=owes, text_operation="status.submit"),
    ]
    interpreter = Interpreter(SkillRegistry(skills), tiny_model())
    message = Message("spent the day on the contract", "U0OWES", via="dm", is_dm=True)
    found = interpreter.interpret(message.text, message, sqlite_only_url)
    assert (found.skill.name, found.how) == ("status", "claim") and seen == [0]
    other = Message("spent the day on the contract", "U0OTHER", via="dm", is_dm=True)
    assert interpreter.interpret(other.text, other, sqlite_only_url).how != "claim"


def test_a_database_error_in_context_falls_back_to_the_words(tmp_path) -> None:
    interpreter = Interpreter(registry(), tiny_model())
    message = Message("good morning", "U0OWES", via="dm", is_dm=True)
    missing = f"sqlite:///{tmp_path / 'no-tables.db'}"
    assert interpreter.interpret(message.text, message, missing).how == "none"


def unsure_chat(settings, monkeypatch, write_at: float = 0.6):
    """A project chat whose interpreter is `tiny_model`, acting only above `write_at`."""
    monkeypatch.setattr(interpreter_module, "WRITE_AT", write_at)
    monkeypatch.setattr(interpreter_module, "ADD_AT", {})
    chat = with_project(settings)
    chat.dispatcher.interpreter = Interpreter(chat.dispatcher.registry, tiny_model())
    return chat


def test_unsure_asks_with_buttons_and_the_answer_is_learned(settings, monkeypatch) -> None:
    chat = unsure_chat(settings, monkeypatch)  # tiny_model says 0.52 here
    words = "chase the vendor about the licence renewal"
    question = chat.send(words)[0]
    assert "not sure what you'd like" in question.text and question.ephemeral
    labels = [e["text"]["text"] for e in question.blocks[-1]["elements"]]
    assert labels[-1] == "Not for me" and len(labels) >= 2
    chosen = next(
        e for e in question.blocks[-1]["elements"] if e["text"]["text"].startswith("Log as")
    )
    press = f"!press {chosen['action_id']} {chosen['value']}"
    assert "Only who asked" in chat.send(press, user=BOB)[0].text
    done = chat.send(press)
    assert "done" in done[0].text and any("APOLLO-" in r.text for r in done[1:])
    with session_scope(settings.database_url) as session:
        learned = session.exec(select(LearnedExample)).all()
    assert [(e.kind, e.label) for e in learned][:1] == [("intent", "raid.add")]
    assert (
        "answered that one already"
        in chat.send(f"!press {chosen['action_id']} {chosen['value']}")[0].text
    )
    again = chat.dispatcher.interpreter.interpret(
        words, Message(words, PM, "C0APOLLO"), settings.database_url
    )
    assert (again.how, again.operation.name) == ("intent", "raid.add")


def test_a_clarifying_question_offers_the_type_raid_add_would_give(settings, monkeypatch) -> None:
    chat = unsure_chat(settings, monkeypatch, write_at=0.99)
    question = chat.send("chase the vendor about the licence renewal, log it as a dependency")[0]
    offered = [e["text"]["text"] for e in question.blocks[-1]["elements"]]
    logs = [label for label in offered if label.startswith("Log as")]
    assert logs[0] == "Log as dependency" and len(logs) == 2


def test_not_for_me_is_learned_and_admins_can_forget(settings, monkeypatch) -> None:
    from tests.helpers import ADMIN

    chat = unsure_chat(settings, monkeypatch)
    question = chat.send("chase the vendor about the licence renewal")[0]
    value = button(question, question.blocks[-1]["elements"][-1]["action_id"])
    last = question.blocks[-1]["elements"][-1]["action_id"]
    assert "leave that one" in chat.send(f"!press {last} {value}")[0].text
    assert "Only a workspace admin" in chat.send("admin learning reset")[0].text
    assert "what messages mean: 1" in chat.send("admin learning", user=ADMIN)[0].text
    assert "Forgot 1 learned example" in chat.send("admin learning reset", user=ADMIN)[0].text
