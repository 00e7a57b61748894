"""Owners named by e-mail or name become Slack users (`users.lookupByEmail`, `users.list`
on the mock Slack); owners outside Slack stay text, and "owner me" is the sender."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core.db import session_scope
from bot.core.settings import Settings
from bot.slack.people import SlackPeople
from skills.raid.models import RaidItem
from tests.helpers import BOB, CHANNEL, PM
from tests.slack_harness import MockSlackWebAPI


@pytest.fixture
def slack() -> Iterator[MockSlackWebAPI]:
    with MockSlackWebAPI() as mock:
        mock.set_user(PM, real_name="Alice Smith", email="alice@example.org")
        mock.set_user(BOB, real_name="Bob Jones", email="bob@example.org")
        mock.set_user("U0BOB2", real_name="Bob Stone")
        yield mock


def people(slack: MockSlackWebAPI) -> SlackPeople:
    return SlackPeople(WebClient(token="xoxb-test", base_url=slack.url), "Europe/London")


def test_slack_people_find_by_email_and_by_unique_name(slack: MockSlackWebAPI) -> None:
    directory = people(slack)
    assert directory.find("bob@example.org").user_id == BOB  # type: ignore[union-attr]
    assert directory.find("nobody@example.org") is None
    assert directory.find("Bob Jones").user_id == BOB  # type: ignore[union-attr]
    assert directory.find("alice").user_id == PM  # type: ignore[union-attr]
    assert directory.find("Bob") is None  # two Bobs: nobody is guessed
    assert directory.find("Legal team") is None
    assert len(slack.calls("users.lookupByEmail")) == 2
    assert len(slack.calls("users.list")) == 1  # the directory is read once, then cached


def test_owners_from_chat(settings: Settings, slack: MockSlackWebAPI) -> None:
    chat = ConsoleSession(console_dispatcher(settings, people(slack)), user=PM, channel=CHANNEL)
    chat.send(f"/pmo project create apollo Apollo --member <@{BOB}>")
    chat.send("raid add risk: vendor may slip, owner bob@example.org")
    chat.send("raid add dependency: contract signature, owner: Legal team")
    chat.send("raid add issue: the build is broken, owner me")
    replies = chat.send("raid add action: book the venue, owner Bob Jones")
    assert "Bob Jones" not in replies[0].text.split("\n")[1]  # the name is not in the title
    with session_scope(settings.database_url) as session:
        items = {i.key: i for i in session.exec(select(RaidItem))}
    assert (items["APOLLO-R1"].owner, items["APOLLO-R1"].owner_name) == (BOB, None)
    assert (items["APOLLO-D1"].owner, items["APOLLO-D1"].owner_name) == (None, "Legal team")
    assert items["APOLLO-I1"].owner == PM
    assert items["APOLLO-ACT1"].owner == BOB
    listed = chat.send("raid list")[0].text
    assert "Legal team" in listed and "_no owner_" not in listed


def test_actions_and_decisions_live_their_own_lifecycles(settings: Settings) -> None:
    chat = ConsoleSession(console_dispatcher(settings), user=PM, channel=CHANNEL)
    chat.send("/pmo project create apollo Apollo")
    chat.send("raid add action: circulate the plan by Friday")
    chat.send("raid add decision: should we move the launch? decide by Friday")
    chat.send("raid add decision: going with vendor B, agreed on Friday")
    chat.send("raid add risk: the vendor may slip, review 2026-11-20")
    assert "overdue" in chat.send("raid list all")[0].text  # the open risk is
    chat.send("raid close APOLLO-R1")
    assert "APOLLO-ACT1" in chat.send("raid list actions")[0].text
    decisions = chat.send("raid list decisions")[0].text  # a decision taken is not open
    assert "APOLLO-DEC1" in decisions and "APOLLO-DEC2" not in decisions
    assert "marked it done" in chat.send("raid close APOLLO-ACT1")[0].text
    assert "marked it decided" in chat.send("raid close APOLLO-DEC1")[0].text
    assert "reopened" in chat.send("raid reopen APOLLO-DEC1")[0].text
    with session_scope(settings.database_url) as session:
        items = {i.key: i for i in session.exec(select(RaidItem))}
    assert (items["APOLLO-ACT1"].status, items["APOLLO-DEC1"].status) == ("done", "proposed")
    assert items["APOLLO-DEC2"].status == "decided"
    everything = chat.send("raid list all")[0].text
    assert "overdue" not in everything  # closed items and decisions taken are never overdue
