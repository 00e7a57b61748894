"""A change the model reads in a message: the card shows every argument that will be
written, Edit offers only a command that recreates the proposal, a time without its offset
is placed in the person's timezone, and a change the person may not make is refused before
any card is shown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.console.chat import ConsoleSession
from bot.core.db import session_scope
from bot.core.messages import Reply
from bot.core.operations import Access, Args, Operation, flag
from bot.core.settings import Settings
from bot.llm.client import ModelFailure
from bot.llm.routing import checked
from skills.raid.models import RaidItem
from skills.reminders.models import Reminder
from skills.status.models import StatusUpdate
from tests.helpers import BOB, CHEN, PM, button, with_project
from tests.llm.mock_openai import MockOpenAI, tool

SAID = "hmm can you sort that out"  # the model reads it; what it proposes is scripted


def proposed(
    chat: ConsoleSession, mock: MockOpenAI, operation: str, arguments: dict[str, Any], **who: str
) -> Reply:
    mock.script(tool(operation, arguments))
    [reply] = chat.send(SAID, **who)
    return reply


def press(chat: ConsoleSession, card: Reply, choice: str, **who: str) -> list[Reply]:
    return chat.send(f"!press interpret_{choice} {button(card, 'interpret_confirm')}", **who)


def offers(card: Reply, action: str) -> bool:
    return any(
        element.get("action_id") == action
        for block in card.blocks or []
        for element in block.get("elements", [])
    )


def raid_items(settings: Settings) -> list[RaidItem]:
    with session_scope(settings.database_url) as session:
        found = list(session.exec(select(RaidItem).order_by(RaidItem.id)))
        session.expunge_all()
        return found


def saved(settings: Settings, table: type) -> list[Any]:
    with session_scope(settings.database_url) as session:
        found = list(session.exec(select(table)))
        session.expunge_all()
        return found


def test_edit_gives_a_command_that_makes_the_same_change_as_confirming(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    chat.send("raid add risk: vendor may slip")
    chat.send("raid add risk: the supplier might deliver late")
    change = {
        "title": "Vendor may slip by two weeks",
        "owner": f"<@{BOB}>",
        "probability": 4,
        "impact": 3,
        "mitigation": "Weekly check-in with the vendor",
    }
    confirmed = proposed(chat, mock_openai, "raid.update", {"key": "R1", **change})
    press(chat, confirmed, "confirm")
    edited = proposed(chat, mock_openai, "raid.update", {"key": "R2", **change})
    [edit] = press(chat, edited, "edit")
    command = edit.text.split("```")[1]
    assert command.startswith("/pmo raid update R2 ")
    chat.send(command)
    first, second = raid_items(llm_settings)

    def fields(item: RaidItem) -> tuple[Any, ...]:
        return (item.title, item.owner, item.probability, item.impact, item.mitigation)

    assert fields(second) == fields(first) == (change["title"], BOB, 4, 3, change["mitigation"])


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        (
            "raid.add",
            {
                "type": "risk",
                "title": "Vendor may slip",
                "owner": f"<@{BOB}>",
                "probability": 4,
                "impact": 3,
            },
        ),
        ("status.submit", {"text": "finished the login page", "rag": "red", "percent": 40}),
        (
            "reminder.create",
            {"text": "call the vendor", "who": "us", "when": "2026-11-24T15:00:00+00:00"},
        ),
    ],
)
def test_a_change_no_command_can_say_offers_no_edit_and_can_still_be_confirmed(
    llm_settings: Settings, mock_openai: MockOpenAI, operation: str, arguments: dict[str, Any]
) -> None:
    chat = with_project(llm_settings)
    card = proposed(chat, mock_openai, operation, arguments)
    assert card.text.startswith("Shall I do this?") and not offers(card, "interpret_edit")
    [refused] = press(chat, card, "edit")  # a stale card's Edit: no guessed command either
    assert "can't write that one as a command" in refused.text and "```" not in refused.text
    [done, *_] = press(chat, card, "confirm")
    assert "confirmed" in done.text


def test_every_argument_is_shown_however_long_the_text_before_it(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    long = "The vendor said " + "many words " * 400
    arguments = {
        "type": "risk",
        "title": "Vendor may slip",
        "description": long,
        "owner": f"<@{BOB}>",
        "probability": 4,
        "impact": 3,
    }
    card = proposed(chat, mock_openai, "raid.add", arguments)
    lines = card.text.splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == [
        "• Type",
        "• Title",
        "• Description",
        "• Owner",
        "• Probability",
        "• Impact",
    ]
    assert lines[2].endswith("…") and lines[3:] == [
        f"• Owner: <@{BOB}>",
        "• Probability: 4",
        "• Impact: 3",
    ]
    assert len(card.blocks[0]["text"]["text"]) <= 3000  # one section: nothing cut by Slack
    press(chat, card, "confirm")
    [item] = raid_items(llm_settings)
    assert (item.description, item.owner, item.probability) == (long.strip(), BOB, 4)


def test_a_zero_is_shown_as_it_is_saved(llm_settings: Settings, mock_openai: MockOpenAI) -> None:
    chat = with_project(llm_settings)
    arguments = {"text": "nothing started yet", "rag": "green", "percent": 0}
    card = proposed(chat, mock_openai, "status.submit", arguments)
    assert "• Percent: 0" in card.text.splitlines()
    press(chat, card, "confirm")
    [update] = saved(llm_settings, StatusUpdate)
    assert update.percent == 0


def test_a_time_without_its_offset_is_the_persons_local_time(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    arguments = {"text": "call the vendor", "when": "2026-11-23T15:00:00"}
    card = proposed(chat, mock_openai, "reminder.create", arguments, user=BOB)  # New York
    assert "• When: Mon 23 Nov 2026 15:00 (America/New_York)" in card.text.splitlines()
    [done, *replies] = press(chat, card, "confirm", user=BOB)
    assert "confirmed" in done.text and "went wrong" not in replies[0].text
    [reminder] = saved(llm_settings, Reminder)
    assert reminder.first_due.replace(tzinfo=UTC) == datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


class WhenArgs(Args):
    when: datetime = flag(description="A time")


def test_a_read_given_a_time_without_its_offset_is_left_to_the_offline_path() -> None:
    op = Operation("x.show", "Show.", lambda ctx, args: None, WhenArgs, Access.ANYONE, ("x",))
    with pytest.raises(ModelFailure) as failure:
        checked({"x__show": op}, "x__show", {"when": "2026-11-23T15:00:00"})
    assert failure.value.reason == "invalid"
    assert checked({"x__show": op}, "x__show", {"when": "2026-11-23T15:00:00Z"}).operation is op


def test_a_change_the_person_may_not_make_is_refused_before_any_card(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    chat.send(f"raid add risk: vendor may slip, owner <@{PM}>")
    [offline] = chat.send("/pmo raid close R1", user=CHEN)
    assert offline.refused
    reply = proposed(chat, mock_openai, "raid.close", {"key": "R1"}, user=CHEN)
    assert reply.refused and reply.text == offline.text
    assert not offers(reply, "interpret_confirm")
    assert raid_items(llm_settings)[0].status == "open"
