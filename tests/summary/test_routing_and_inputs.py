"""Natural language reaches the summary (and RAID logging does not); bad input is explained."""

from __future__ import annotations

import pytest

from bot.interpret.interpreter import Interpreter as Router
from tests.helpers import BOB, CHEN, STRANGER
from tests.summary.chat import ZEUS_CHANNEL, create_project, registry, with_apollo


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(registry())


@pytest.mark.parametrize(
    "text",
    [
        "how is apollo doing?",
        "how's the project going",
        "how’s the apollo launch looking?",
        "how are we tracking",
        "status of apollo",
        "what's the status of the apollo launch this week?",
        "give me a summary",
        "can you show me a quick overview of zeus",
        "what's the project health?",
        "summarise apollo",
        "/pmo summary apollo --since 14d",
    ],
)
def test_questions_about_a_project_reach_the_summary(router: Router, text: str) -> None:
    assert router.interpret(text).skill.name == "summary", text


@pytest.mark.parametrize(
    "text",
    [
        "log a risk: the project health dashboard may slip",
        "risk: how the vendor is doing is unknown",
        "the status of the vendor contract is unclear and may delay go-live",
        "we're assuming the status report template is approved",
        "new issue: the weekly summary email is broken",
        # reaches RAID through the intent classifier, which the summary stays out of
        "pilot has to go live on Windows 10, and that only happens once the platform team delivers",
    ],
)
def test_raid_logging_is_not_taken_for_a_summary(router: Router, text: str) -> None:
    assert router.interpret(text).skill.name == "raid", text


def test_project_health_reaches_the_summary(settings) -> None:
    chat = with_apollo(settings)
    assert "*Apollo launch* (`apollo`) — health *green*" in chat.send("project health")[0].text


def test_how_is_apollo_doing_finds_apollo_from_another_channel(settings) -> None:
    chat = with_apollo(settings)
    create_project(chat, "zeus", "Zeus", ZEUS_CHANNEL)
    chat.send("raid add risk: zeus vendor may fold P4 I5", channel=ZEUS_CHANNEL)
    chat.send("raid add risk: apollo fuel delivery may slip P2 I2")
    note, reply = chat.send("how is Apollo doing?", channel=ZEUS_CHANNEL)
    assert "sent it to you by DM" in note.text and reply.to_user  # not in Zeus's channel
    assert reply.blocks[0]["text"]["text"] == ":large_green_circle: Apollo launch"
    assert "APOLLO-R1" in reply.text and "ZEUS-R1" not in reply.text
    here = chat.send("how's the project going", channel=ZEUS_CHANNEL)[0].text
    assert "*Zeus* (`zeus`) — health *red*" in here
    assert "*Zeus*" in chat.send("status of zeus")[-1].text  # asked in apollo: by DM
    assert "*Apollo launch*" in chat.send("give me a summary")[0].text
    both = chat.send("how are apollo and zeus doing?")[0].text
    assert "You named `apollo` and `zeus`" in both


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("summary nope", "There is no project `nope`"),
        ("summary of nope please", "There is no project `nope`"),
        ("summary --project nope", "There is no project `nope`"),
        ("summary --since yesterday", "I can't read `--since yesterday`"),
        ("summary --since 0d", "between 1 and 366 days"),
        ("summary --since 2027-01-01", "is in the future"),
        ("summary --since 2020-01-01", "at most 366 days"),
        ("summary --since", "`--since` needs a value"),
        ("summary --colour red", "I don't know the option `--colour`"),
    ],
)
def test_bad_input_gets_a_clear_reply(settings, line: str, expected: str) -> None:
    chat = with_apollo(settings)
    reply = chat.send(line)[0]
    assert expected in reply.text and reply.ephemeral, (line, reply.text)


def test_who_may_ask_and_about_what(settings) -> None:
    chat = with_apollo(settings)
    assert "not a member of `apollo`" in chat.send("summary", user=STRANGER)[0].text
    assert "not linked to a project" in chat.send("summary", channel="C0NOWHERE")[0].text
    assert "not in any project yet" in chat.send("summary", user=STRANGER, channel="")[0].text
    assert "*Apollo launch*" in chat.send("summary", user=BOB, channel="")[0].text
    create_project(chat, "zeus", "Zeus", ZEUS_CHANNEL)
    chat.send(f"/pmo project members add <@{CHEN}>", channel=ZEUS_CHANNEL)
    which = chat.send("summary", user=CHEN, channel="")[0].text
    assert "Which project? You are in `apollo`, `zeus`" in which
    assert "*Zeus*" in chat.send("summary 7d zeus", user=CHEN, channel="")[0].text
