"""The knowledge base through Slack: a shared file downloaded with the bot token and indexed,
a question answered in the thread with citations, feedback recorded from a real click."""

from sqlmodel import select

from bot.core.db import session_scope
from skills.kb.models import KbDocument, KbFeedback
from tests.kb.conftest import HANDBOOK
from tests.knowledge.files import encrypt_pdf, make_pdf
from tests.slack.commands import CHANNEL, command
from tests.slack_harness import payloads


def posts(slack, count: int) -> list:
    return slack.wait_for("chat.postMessage", count=count)


def test_shared_file_is_indexed_and_questions_answered_in_thread(events, slack, slack_settings):
    assert "Created project" in command(
        events, slack, "project create apollo Apollo --member <@U0BOB>"
    )
    slack.add_file(
        "F0HANDBOOK", "handbook.md", HANDBOOK.encode(), "text/markdown", channels=[CHANNEL]
    )
    events.post_event(
        payloads.event_callback(
            payloads.file_shared_event("F0HANDBOOK", user="U0ALICE", channel=CHANNEL)
        )
    )
    [added] = posts(slack, 1)
    assert added.args["channel"] == CHANNEL
    assert "Added *Delivery handbook*" in added.args["text"]
    downloads = slack.calls("file_download")
    assert downloads and downloads[-1].headers.get("authorization") == "Bearer xoxb-test"
    with session_scope(slack_settings.database_url) as session:
        [document] = session.exec(select(KbDocument)).all()
        assert document.source == "slack:F0HANDBOOK" and document.link

    slack.add_file(
        "F0LOCKED", "plan.pdf", encrypt_pdf(make_pdf([["x"]]), user_password="pw"),
        "application/pdf", channels=[CHANNEL],
    )  # fmt: skip
    slack.add_file("F0PHOTO", "team.png", b"\x89PNG\r\n", "image/png", channels=[CHANNEL])
    events.post_event(
        payloads.event_callback(
            payloads.file_shared_event("F0PHOTO", user="U0ALICE", channel=CHANNEL)
        )
    )
    events.post_event(
        payloads.event_callback(
            payloads.file_shared_event("F0LOCKED", user="U0ALICE", channel=CHANNEL)
        )
    )
    refused = posts(slack, 2)[-1].args["text"]
    assert "plan.pdf" in refused and "password" in refused

    mention = payloads.app_mention_event(
        "<@UBOT> who approves a change request?", user="U0BOB", channel=CHANNEL
    )
    events.post_event(payloads.event_callback(mention))
    answer = posts(slack, 3)[-1]
    assert answer.args["thread_ts"] == mention["ts"]
    assert "change advisory board" in answer.args["text"]
    assert "[1]" in answer.args["text"] and "Delivery handbook" in answer.args["text"]
    buttons = [
        element
        for block in answer.args["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "kb_unhelpful"
    ]
    events.post_interactive(
        payloads.block_actions(
            "kb_unhelpful",
            buttons[0]["value"],
            user="U0BOB",
            channel=CHANNEL,
            response_url=slack.response_url("feedback"),
        )
    )
    thanks = slack.wait_for("response_url", count=2)[-1].args
    assert "Thanks" in thanks["text"] and thanks.get("response_type") != "in_channel"
    with session_scope(slack_settings.database_url) as session:
        [vote] = session.exec(select(KbFeedback)).all()
        assert (vote.user_id, vote.vote) == ("U0BOB", -1)

    follow_up = payloads.app_mention_event(
        "<@UBOT> and out of hours?", user="U0BOB", channel=CHANNEL, thread_ts=mention["ts"]
    )
    events.post_event(payloads.event_callback(follow_up))
    reply = posts(slack, 4)[-1]
    assert reply.args["thread_ts"] == mention["ts"]
    assert "duty manager" in reply.args["text"]

    no_question_mark = payloads.app_mention_event(
        "<@UBOT> and the escalation path for blocked work",
        user="U0BOB",
        channel=CHANNEL,
        thread_ts=mention["ts"],
    )
    events.post_event(payloads.event_callback(no_question_mark))
    assert "programme director" in posts(slack, 5)[-1].args["text"]
