"""Giving updates: routing of DMs, editing until the report, late updates, recurring blockers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import Message
from bot.core.projects import require_project
from bot.interpret.interpreter import Interpreter as Router
from skills import registry
from skills.status.digest import checkin_digest
from tests.helpers import BOB, CHANNEL, CHEN, PM, button
from tests.status.chat import Outbox, at, dm, updates, with_checkins


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(registry())


@pytest.mark.parametrize(
    "text",
    [
        "status finished the login page",
        "/pmo status Done: login. Next: search",
        "Done: login page\nNext: search\nBlockers: none",
        ":white_check_mark: shipped the API\n:soon: docs\n:no_entry: waiting on legal",
        "Finished the search page, tomorrow I'll start on billing. No blockers.",
        "Yesterday: fixed the CSS of the buttons\nToday: home page + login flow",
        "wrapped up the parser, next I'll review the risk register PR; blocked on CI access",
    ],
)
def test_updates_reach_the_standup_skill(router: Router, text: str) -> None:
    assert router.interpret(text).skill.name == "status", text


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("status of apollo", "summary"),
        ("how is apollo doing?", "summary"),
        ("log a risk: the vendor may slip the go-live", "raid"),
        ("we're assuming the budget is approved", "raid"),
        ("what did we decide about the vendor?", "ask"),
        ("what can you do?", "help"),
        ("I'm off tomorrow", "ooo"),
    ],
)
def test_other_messages_are_left_to_their_skills(router: Router, text: str, skill: str) -> None:
    assert router.interpret(text).skill.name == skill, text


def test_a_second_message_adds_to_the_update(settings) -> None:
    chat = with_checkins(settings)
    assert "Got your update" in dm(chat, BOB, "status finished the login page")[0].text
    assert "Updated your update" in dm(chat, BOB, "status next: search page")[0].text
    [saved] = updates(settings, BOB)
    assert (saved.done, saved.next) == (["Finished the login page"], ["Search page"])
    dm(chat, BOB, "status blockers: waiting on API keys")
    dm(chat, BOB, "status blockers: none now")
    [saved] = updates(settings, BOB)
    assert saved.blockers == [] and saved.done == ["Finished the login page"]


def test_a_blocker_sent_after_answering_adds_to_the_update(settings) -> None:
    chat = with_checkins(settings)
    at(settings, "2026-11-23T09:31:00", Outbox())  # Alice's prompt is open
    assert "Got your update" in dm(chat, PM, "finished the login page")[0].text
    assert "Updated your update" in dm(chat, PM, "blocked on the vendor's API keys")[0].text
    [saved] = updates(settings, PM)
    assert saved.done == ["Finished the login page"]
    assert saved.blockers == ["Blocked on the vendor's API keys"]
    logged = dm(chat, PM, "the vendor may slip the go-live")  # not a blocker: not claimed
    assert "Updated" not in logged[0].text and updates(settings, PM)[0].edits == 1
    assert "Updated" in dm(chat, PM, "oh and also I fixed the cert on staging")[0].text
    assert "Fixed the cert on staging" in " ".join(updates(settings, PM)[0].done)


def test_a_claimed_answer_that_says_it_skips_skips(settings) -> None:
    chat = with_checkins(settings)
    at(settings, "2026-11-23T09:31:00", Outbox())  # Alice's prompt is open
    assert "Skipped" in dm(chat, PM, "no standup for me today, sick")[0].text
    [saved] = updates(settings, PM)
    assert saved.skipped and saved.done == []


def test_editing_before_close_replaces_the_update(settings) -> None:
    chat = with_checkins(settings)
    first = dm(chat, BOB, "Done: login page. Next: search. Blockers: none")
    assert "Got your update" in first[0].text and not first[0].ephemeral
    second = dm(chat, BOB, "Done: login and signup pages. Next: search. Blockers: VPN access")
    assert "Updated your update" in second[0].text
    [saved] = updates(settings, BOB)
    assert saved.done == ["Login and signup pages"] and saved.blockers == ["VPN access"]
    assert saved.edits == 1 and not saved.late
    form = chat.send(f"!press checkin_edit {button(second[0], 'checkin_edit')}", user=BOB)
    modal = form[0].modal
    assert modal["callback_id"] == "checkin_update"
    initial = {b["block_id"]: b["element"].get("initial_value") for b in modal["blocks"][1:4]}
    assert initial == {"done": "Login and signup pages", "next": "Search", "blockers": "VPN access"}
    chat.send('!submit checkin_update {"blockers": "", "rag": "green"}', user=BOB)
    [saved] = updates(settings, BOB)
    assert (saved.blockers, saved.rag, saved.edits, saved.source) == ([], "green", 2, "form")
    assert "Only its author" in chat.send(f"!press checkin_edit {saved.id}", user=CHEN)[0].text


def test_late_update_goes_into_the_report_thread(settings) -> None:
    chat = with_checkins(settings)
    outbox = Outbox()
    dm(chat, CHEN, "Done: parser. Next: API. Blockers: none")
    at(settings, "2026-11-23T18:31:00", outbox)
    report = [r for r in outbox.take() if r.to_channel == CHANNEL][0]
    assert "no answer: <@U0ALICE>, <@U0BOB>" in report.text
    clock.pin("2026-11-23T19:15:00+00:00")
    late = dm(chat, BOB, "Done: login page. Next: search. Blockers: waiting on design review")
    assert "Saved your late update" in late[0].text
    thread = late[1]
    assert thread.to_channel == CHANNEL and not thread.starts_thread
    assert thread.thread_key == report.thread_key == "checkin:apollo:2026-11-23"
    assert "Late update" in thread.text and "waiting on design review" in thread.text.lower()
    assert button(thread, "checkin_log_blocker").endswith(":0")
    [saved] = updates(settings, BOB)
    assert saved.late and saved.checkin_id is not None
    refused = dm(chat, BOB, "Done: more. Next: less. Blockers: none")[0].text
    assert "has closed with your update in it" in refused
    assert updates(settings, BOB)[0].done == ["Login page"]


def test_a_blocker_in_three_updates_in_a_row_is_flagged(settings) -> None:
    chat = with_checkins(settings)
    outbox = Outbox()
    blockers = [
        "waiting on API keys from the IT team",
        "still waiting for the API keys from IT",
        "API keys from IT not here yet",
    ]
    for day, blocker in zip(("23", "24", "25"), blockers, strict=True):
        at(settings, f"2026-11-{day}T09:31:00", outbox)  # Alice is asked (and never answers)
        clock.pin(f"2026-11-{day}T15:00:00+00:00")
        dm(chat, BOB, f"Done: screens. Next: tests. Blockers: {blocker}")
        dm(chat, CHEN, "Done: parser. Next: docs. Blockers: none")
        at(settings, f"2026-11-{day}T18:31:00", outbox)
    reports = [r for r in outbox.take() if r.to_channel == CHANNEL and r.thread_key]
    assert [("recurring" in r.text) for r in reports] == [False, False, True]
    sections = [b for b in reports[-1].blocks if b["type"] == "section"]
    section = next(b for b in sections if "Recurring" in b["text"]["text"])
    assert section["accessory"]["text"]["text"] == "Log as issue"
    assert section["accessory"]["style"] == "primary"
    logged = chat.send(f"!press checkin_log_blocker {section['accessory']['value']}")
    assert "*APOLLO-I1*" in logged[0].text and logged[1].to_user == BOB
    assert len(updates(settings, BOB)) == 3 and all(not u.late for u in updates(settings))
    with session_scope(settings.database_url) as session:
        project = require_project(session, "apollo")
        now = clock.now()
        digest = checkin_digest(session, project, since=now - timedelta(days=7), now=now)
    assert digest[0] == "*Check-ins:* 6 of 9 answers given (67%); nothing from <@U0ALICE>."
    assert digest[1].startswith(":repeat: <@U0BOB>: API keys from IT not here yet")
    assert digest[1].endswith("→ *APOLLO-I1*") and len(digest) == 2


def test_free_update_without_a_check_in_and_skip(settings) -> None:
    chat = with_checkins(settings)
    clock.pin("2026-11-28T10:00:00+00:00")  # Saturday: no check-in
    reply = chat.send("/pmo status Done: weekend deploy. Next: monitoring", user=BOB)
    assert "No check-in is waiting for it" in reply[0].text and reply[0].ephemeral
    assert updates(settings, BOB)[0].checkin_id is None
    assert "no `apollo` check-in waiting" in chat.send("status skip", user=PM)[0].text
    clock.pin("2026-11-30T10:00:00+00:00")
    assert "Skipped" in chat.send("status skip", user=PM)[0].text
    assert "waiting for you" not in chat.send("status", user=PM)[0].text
    assert "you skipped it" in chat.send("status", user=PM)[0].text
    assert "Got your update" in dm(chat, PM, "Done: plan. Next: budget. Blockers: none")[0].text


def test_custom_questions_in_the_form(settings) -> None:
    chat = with_checkins(settings)
    chat.send("/pmo checkin questions What did you ship? | What's next? | Anything blocking you?")
    form = chat.send("!press checkin_give apollo:2026-11-23", user=CHEN)[0].modal
    inputs = [(b["block_id"], b["label"]["text"]) for b in form["blocks"] if b["type"] == "input"]
    assert inputs == [
        ("q0", "What did you ship?"),
        ("q1", "What's next?"),
        ("q2", "Anything blocking you?"),
        ("rag", "Overall status"),
    ]
    chat.send(
        '!submit checkin_update {"q0": "Shipped the parser", "q1": "Write the docs",'
        ' "q2": "Waiting on legal review", "rag": "red"}',
        user=CHEN,
    )
    [saved] = updates(settings, CHEN)
    assert saved.answers["q2"] == "Waiting on legal review" and saved.rag == "red"
    assert saved.blockers == ["Waiting on legal review"] and saved.done
    again = chat.send("!press checkin_give apollo:2026-11-23", user=CHEN)[0].modal
    assert [b["element"].get("initial_value") for b in again["blocks"][1:3]] == [
        "Shipped the parser",
        "Write the docs",
    ]


def test_a_reply_in_own_words_to_an_open_prompt_is_the_update(settings, router: Router) -> None:
    words = "Spent the morning with the vendor on the contract"
    alone = router.interpret(words).skill  # its words alone do not say "update"
    assert alone is None or alone.name != "status"
    chat = with_checkins(settings)
    outbox = Outbox()
    dm(chat, PM, words)  # 09:00: Alice has not been asked yet
    assert updates(settings) == []
    at(settings, "2026-11-23T09:31:00", outbox)  # Alice asked (Chen's window closed at 05:30)
    assert any(r.to_user == PM for r in outbox.take())
    for not_an_answer in (
        "Spent the morning with the vendor, when is the contract due?",
        "ok thanks!",
        "hi :wave:",
    ):
        dm(chat, PM, not_an_answer)
    chat.send(f"/pmo {words}", user=PM, channel="")  # a command: help, as before
    chat.send(words, user=PM)  # in the channel, not a DM
    dm(chat, BOB, words)  # Bob is asked at 14:30
    dm(chat, CHEN, words)  # Chen's window is over
    assert updates(settings) == []
    assert "Got your update" in dm(chat, PM, words)[0].text
    [saved] = updates(settings)
    assert saved.user_id == PM and saved.checkin_id is not None and saved.text == words
    dm(chat, PM, "Lunch with the team, back at two")  # answered: no longer claimed
    assert [u.text for u in updates(settings)] == [words]


@pytest.mark.parametrize(
    ("question", "reply", "done"),
    [
        (  # a stand-up question answered below it
            "What is the contract due date",
            "What did I do: met the vendor about the contract, drafted the schedule",
            ["Met the vendor about the contract", "Drafted the schedule"],
        ),
        (  # "can't …" states, it does not ask
            "Can I answer later",
            "can't make standup, async update:\ndone - the issues export\nnext - the risk import",
            ["The issues export"],
        ),
    ],
)
def test_an_answer_opening_like_a_question_is_an_update(
    settings, question: str, reply: str, done: list[str]
) -> None:
    chat = with_checkins(settings)
    at(settings, "2026-11-23T09:31:00", Outbox())  # Alice's prompt is open
    dm(chat, PM, question)  # a question: not an answer
    assert updates(settings) == []
    message = Message(text=reply, user=PM, channel="", via="dm", is_dm=True)
    interpretation = chat.dispatcher.interpreter.interpret(reply, message, settings.database_url)
    assert interpretation.how == "claim"  # the open prompt's answer, whatever its words
    assert "Got your update" in dm(chat, PM, reply)[0].text
    [saved] = updates(settings)
    assert saved.done == done


def test_the_digest_lists_who_skipped_apart_from_who_said_nothing(settings) -> None:
    chat = with_checkins(settings)
    outbox = Outbox()
    at(settings, "2026-11-23T09:31:00", outbox)  # Alice is asked (and never answers)
    clock.pin("2026-11-23T15:00:00+00:00")
    assert "Skipped" in chat.send("status skip", user=BOB)[0].text
    dm(chat, CHEN, "Done: parser. Next: docs. Blockers: none")
    at(settings, "2026-11-23T18:31:00", outbox)
    with session_scope(settings.database_url) as session:
        project = require_project(session, "apollo")
        now = clock.now()
        digest = checkin_digest(session, project, since=now - timedelta(days=7), now=now)
    assert digest[0] == (
        "*Check-ins:* 1 of 3 answers given (33%); skipped by <@U0BOB>; nothing from <@U0ALICE>."
    )
