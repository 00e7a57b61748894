"""An unsure interpretation through real Slack payloads: one question with buttons, a real
click, the item logged, and the answer learned so the same words route straight away."""

from sqlmodel import select

from bot.core.db import session_scope
from bot.interpret import interpreter as interpreter_module
from bot.interpret.interpreter import Interpreter
from bot.interpret.tables import LearnedExample
from skills.raid.models import RaidItem
from tests.core.test_interpreter import tiny_model
from tests.slack.commands import CHANNEL, command
from tests.slack_harness import TEAM_ID, payloads

WORDS = "chase the vendor about the licence renewal"


def test_question_buttons_and_learning(events, slack, slack_settings, bot, monkeypatch) -> None:
    monkeypatch.setattr(interpreter_module, "WRITE_AT", 0.6)  # tiny_model says 0.52 here
    monkeypatch.setattr(interpreter_module, "ADD_AT", {})
    assert "Created project" in command(events, slack, "project create apollo Apollo")
    bot.dispatcher.interpreter = Interpreter(bot.dispatcher.registry, tiny_model())
    asked = len(slack.calls("chat.postEphemeral"))
    events.post_event(
        payloads.event_callback(
            payloads.app_mention_event(f"<@UBOT> {WORDS}", user="U0ALICE", channel=CHANNEL)
        )
    )
    question = slack.wait_for("chat.postEphemeral", count=asked + 1)[-1].args
    assert "not sure what you'd like" in question["text"] and question["user"] == "U0ALICE"
    buttons = [e for b in question["blocks"] for e in b.get("elements", []) if "action_id" in e]
    assert [b["text"]["text"] for b in buttons][-1] == "Not for me"
    log_it = next(b for b in buttons if b["text"]["text"].startswith("Log as "))
    url = slack.response_url("choose")
    events.post_interactive(
        payloads.block_actions(
            log_it["action_id"], log_it["value"], user="U0ALICE", channel=CHANNEL, response_url=url
        )
    )
    card = slack.wait_for("chat.postMessage")[-1].args
    assert "APOLLO-R1" in card["text"] or "APOLLO-" in card["text"]
    with session_scope(slack_settings.database_url) as session:
        assert session.exec(select(RaidItem)).all()
        learned = session.exec(select(LearnedExample)).all()
    taught = {(e.kind, e.workspace): e.label for e in learned}  # what, and the type chosen
    assert taught[("intent", TEAM_ID)] == "raid.add" and ("raid_type", TEAM_ID) in taught
    posted = len(slack.calls("chat.postMessage"))
    events.post_event(
        payloads.event_callback(
            payloads.app_mention_event(f"<@UBOT> {WORDS}", user="U0ALICE", channel=CHANNEL)
        )
    )
    again = slack.wait_for("chat.postMessage", count=posted + 1)[-1].args
    assert "APOLLO-" in again["text"]  # logged at once: the workspace taught it
    assert len(slack.calls("chat.postEphemeral")) == asked + 1
