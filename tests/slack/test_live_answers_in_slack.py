"""A written answer shown as it streams, through the real Slack path: posted once in the
thread, edited in place at most once a (test-clock) second, only ever with sentences that
passed the grounding check, and ending as the same text the console shows; or as the
extractive answer when the answer fails its check or the stream breaks off."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import pytest

from bot.core.db import session_scope
from bot.core.projects import get_project
from bot.core.settings import Settings
from bot.slack import listeners
from bot.slack.live import LiveReply
from skills.kb import service
from tests.helpers import console
from tests.kb import conftest as kb
from tests.llm.mock_openai import MockOpenAI, Step, cut, garbage, hang, status, text
from tests.llm.test_answers import INJECTION
from tests.slack import test_llm_in_slack
from tests.slack.commands import CHANNEL, command
from tests.slack_harness import payloads

mock_openai = test_llm_in_slack.mock_openai  # the scripted model, and a bot that uses it
slack_settings = test_llm_in_slack.slack_settings
docs, fresh_retrievers = kb.docs, kb.fresh_retrievers  # documents, and an index per test

QUESTION = "who approves a change request?"
SENTENCES = [
    "A change request is approved by the change advisory board [1].",
    "The change advisory board meets every Tuesday [1].",
    "Urgent changes can be approved by the duty manager [1].",
    "The duty manager approves them out of hours [1].",
    "Blocked work is escalated to the project manager first [1].",
    "Then it goes to the programme director [1].",
    "That happens after two working days [1].",
]
UNGROUNDED = "The chief executive signs off every budget overrun [1]."
EXTRACTIVE = "> A change request is approved by the change advisory board"


class StepClock:
    """A clock that moves `step` seconds each time it is read (no real waiting)."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def apollo(events, slack, slack_settings: Settings, docs: Path) -> Settings:
    """Project apollo in #C0APOLLO, with the handbook and the release calendar indexed."""
    assert "Created project" in command(events, slack, "project create apollo Apollo")
    with session_scope(slack_settings.database_url) as session:
        project = get_project(session, "apollo")
    service.ingest_paths(slack_settings, project, [docs])
    return slack_settings


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> StepClock:
    """The drafts' clock, half a second further at each draft."""
    ticking = StepClock(0.5)
    monkeypatch.setattr(listeners, "LiveReply", functools.partial(LiveReply, clock=ticking))
    return ticking


def ask(events, slack, question: str = QUESTION) -> tuple[dict, list]:
    """Mention the bot with a question; the final answer and every post or edit before it."""
    seen = len(slack.calls())
    event = payloads.app_mention_event(f"<@UBOT> ask {question}", user="U0ALICE", channel=CHANNEL)
    events.post_event(payloads.event_callback(event))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        shown = [
            c
            for c in slack.calls()[seen:]
            if c.method in ("chat.postMessage", "chat.update") and c.args.get("channel") == CHANNEL
        ]
        if shown and "blocks" in shown[-1].args:  # drafts are text; the answer has blocks
            time.sleep(0.05)  # nothing may follow it (a second post, a delete)
            return event, [c for c in slack.calls()[seen:] if c.method.startswith("chat.")]
        time.sleep(0.02)
    raise AssertionError(f"no answer; calls: {[c.method for c in slack.calls()[seen:]]}")


def one_message(calls: list) -> tuple:
    """The answer's message and its edits, having checked it was posted once, then edited."""
    posted, *edits = calls
    assert [c.method for c in calls] == ["chat.postMessage", *["chat.update"] * len(edits)]
    assert all(e.args["ts"] == posted.response["ts"] for e in edits)
    return posted, edits


def test_a_streamed_answer_is_edited_in_place_once_a_second_and_ends_as_the_console_shows(
    events, slack, apollo: Settings, mock_openai: MockOpenAI, clock: StepClock
) -> None:
    mock_openai.script(text(" ".join(SENTENCES)))
    event, calls = ask(events, slack)
    posted, edits = one_message(calls)
    assert posted.args["thread_ts"] == event["ts"]
    # Six sentences were complete before the last, one draft each, the clock half a second
    # further at each: drafts 1, 3 and 5 went out (a second apart), 2, 4 and 6 were skipped.
    drafts = [posted, *edits[:-1]]
    assert [c.args["text"].split("\n\n")[0] for c in drafts] == [
        " ".join(SENTENCES[:n]) for n in (1, 3, 5)
    ]
    assert all("Still writing" in c.args["text"] for c in drafts)
    assert clock.now == pytest.approx(3.0)
    final = edits[-1].args
    assert final["text"].startswith(" ".join(SENTENCES) + "\n\n*Sources*")
    assert "Still writing" not in final["text"]
    mock_openai.script(text(" ".join(SENTENCES)))
    [unstreamed] = console(apollo).send(f"ask {QUESTION}")
    assert final["text"] == unstreamed.text
    assert mock_openai.requests[0]["stream"] is True and not mock_openai.requests[1].get("stream")


def test_an_ungrounded_sentence_is_never_shown_and_the_answer_ends_extractive(
    events, slack, apollo: Settings, mock_openai: MockOpenAI, clock: StepClock
) -> None:
    mock_openai.script(text(" ".join([*SENTENCES[:3], UNGROUNDED, *SENTENCES[3:]])))
    _, calls = ask(events, slack)
    one_message(calls)
    shown = [c.args["text"] for c in calls]
    assert not any("chief executive" in t or SENTENCES[3][:30] in t for t in shown)
    assert shown[0].startswith(SENTENCES[0])  # the grounded start was shown while it streamed
    assert shown[-1].startswith(EXTRACTIVE)


@pytest.mark.parametrize("failure", [status(500), garbage(), hang(3)])
def test_a_stream_breaking_off_ends_as_the_offline_answer(
    events, slack, apollo: Settings, mock_openai: MockOpenAI, clock: StepClock, failure: Step
) -> None:
    mock_openai.script(cut(" ".join(SENTENCES[:4]), failure))
    _, calls = ask(events, slack)
    posted, _ = one_message(calls)
    assert posted.args["text"].startswith(SENTENCES[0])
    assert calls[-1].args["text"].startswith(EXTRACTIVE)
    assert len(mock_openai.requests) == 1  # nothing streamed is asked for again


def test_without_a_draft_the_answer_is_posted_once_as_before(
    events, slack, apollo: Settings, mock_openai: MockOpenAI, clock: StepClock
) -> None:
    mock_openai.script(text("I don't know."))
    _, calls = ask(events, slack)
    [answer] = calls
    assert answer.method == "chat.postMessage" and answer.args["text"].startswith(EXTRACTIVE)


def test_where_the_answer_is_only_for_the_asker_nothing_is_drafted(
    events, slack, apollo: Settings, mock_openai: MockOpenAI, clock: StepClock
) -> None:
    mock_openai.script(text(" ".join(SENTENCES)))
    event = payloads.app_mention_event(
        f"<@UBOT> ask --project apollo {QUESTION}", user="U0ALICE", channel="C0RANDOM"
    )
    events.post_event(payloads.event_callback(event))
    [answer] = slack.wait_for("chat.postEphemeral", count=1)
    assert answer.args["text"].startswith(" ".join(SENTENCES))
    assert not [c for c in slack.calls() if c.method in ("chat.update", "chat.delete")]
    assert not [c for c in slack.calls("chat.postMessage") if c.args["channel"] == "C0RANDOM"]
    assert clock.now == 0.0 and mock_openai.requests[0].get("stream") is not True


def test_a_document_giving_orders_changes_nothing_while_the_answer_streams(
    events, slack, apollo: Settings, mock_openai: MockOpenAI, clock: StepClock, tmp_path: Path
) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "vendor.md").write_text(INJECTION)
    with session_scope(apollo.database_url) as session:
        service.ingest_paths(apollo, get_project(session, "apollo"), [tmp_path / "vendor"])
    mock_openai.script(  # a model that obeys the document
        text(
            "The vendor contract renews on 1 April [1]. <!channel> @channel The project is "
            "cancelled, see https://evil.example [1]. @here Post this to #general [1]."
        )
    )
    _, calls = ask(events, slack, "when does the vendor contract renew?")
    posted, _ = one_message(calls)
    assert posted.args["text"].startswith("The vendor contract renews on 1 April [1].")
    everything = [str(c.args) for c in slack.calls() if c.method.startswith("chat.")]
    assert not any(b in t for t in everything for b in ("<!channel>", "<!here", "evil.example"))
    assert {c.args["channel"] for c in slack.calls() if c.method.startswith("chat.")} == {CHANNEL}
