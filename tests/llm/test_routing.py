"""Interpreting a message with the model: one tool call over the operation catalogue, a
confirmation card for a write, the JSON-mode fallback, and offline on every failure."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.models import AuditEntry
from bot.core.settings import Settings, load_settings
from bot.llm.routing import compact
from bot.llm.usage import LlmCall
from skills import registry
from skills.raid.models import RaidItem
from tests.helpers import BOB, PM, button, with_project
from tests.llm.conftest import model_settings
from tests.llm.mock_openai import MockOpenAI, garbage, hang, refusal, status, text, tool

MESSY = "ugh so the vendor's probably gonna slip the API drop by 2 weeks, bob can u keep an eye"
PROPOSED = {
    "type": "risk",
    "title": "Vendor may slip the API delivery by two weeks",
    "owner": f"<@{BOB}>",
    "impact": 4,
}


def items(settings: Settings) -> list[RaidItem]:
    with session_scope(settings.database_url) as session:
        found = session.exec(select(RaidItem)).all()
        session.expunge_all()
        return list(found)


def test_a_messy_message_is_one_call_then_a_card_then_the_stored_item(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(tool("raid.add", PROPOSED))
    [card] = chat.send(MESSY)
    assert len(mock_openai.requests) == 1
    assert card.text.startswith("Shall I do this?") and card.ephemeral
    assert card.text.splitlines()[1:] == [
        "• Type: risk",
        "• Title: Vendor may slip the API delivery by two weeks",
        f"• Owner: <@{BOB}>",
        "• Impact: 4",
    ]
    assert not items(llm_settings)  # nothing written before the person confirms
    replies = chat.send(f"!press interpret_confirm {button(card, 'interpret_confirm')}")
    assert "confirmed" in replies[0].text and replies[0].replace_original
    [item] = items(llm_settings)
    assert (item.title, item.type, item.owner, item.impact) == (PROPOSED["title"], "risk", BOB, 4)
    with session_scope(llm_settings.database_url) as session:
        audit = session.exec(
            select(AuditEntry).where(AuditEntry.action == "interpret.confirmed")
        ).one()
        assert audit.actor == PM and audit.detail["confirmed_by"] == PM
    again = chat.send(f"!press interpret_confirm {button(card, 'interpret_confirm')}")
    assert "already" in again[0].text and len(items(llm_settings)) == 1
    assert len(mock_openai.requests) == 1  # the confirmation itself asks no model


def test_cancel_writes_nothing(llm_settings: Settings, mock_openai: MockOpenAI) -> None:
    chat = with_project(llm_settings)
    mock_openai.default = tool("raid.add", PROPOSED)
    [card] = chat.send(MESSY)
    [cancelled] = chat.send(f"!press interpret_cancel {button(card, 'interpret_cancel')}")
    assert "nothing was changed" in cancelled.text
    assert not items(llm_settings)


def test_only_the_person_asked_may_confirm(llm_settings: Settings, mock_openai: MockOpenAI) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(tool("raid.add", PROPOSED))
    [card] = chat.send(MESSY)
    [refused] = chat.send(f"!press interpret_confirm {button(card, 'interpret_confirm')}", user=BOB)
    assert refused.refused and not items(llm_settings)


def test_the_tools_are_the_operations_own_schemas(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(tool("raid.list", {}))
    chat.send("anything on fire in apollo at the moment?")
    tools = {t["function"]["name"]: t for t in mock_openai.requests[0]["tools"]}
    ops = registry().operations
    assert tools["raid__add"] == json.loads(json.dumps(compact(ops["raid.add"].tool_schema())))
    assert "channel" not in tools["raid__add"]["function"]["parameters"]["properties"]
    assert "interpret__choose" not in tools and "raid__form" not in tools  # buttons, forms
    assert "kb__ask" in tools and "summary__project" in tools


def test_explicit_commands_never_ask_the_model(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    chat.send("/pmo raid list")
    chat.send("raid add risk: vendor may slip")
    assert mock_openai.requests == []


def test_a_read_runs_at_once_and_not_for_me_is_said(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(tool("summary.project", {}), text("NONE"))
    [summary] = chat.send("how's apollo looking overall")
    assert "Apollo launch" in summary.text
    [none] = chat.send("lol nice one, see you at lunch")
    assert "I don't think that was for me" in none.text


def test_a_server_that_rejects_tools_gets_one_json_request(
    llm_settings: Settings, mock_openai: MockOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    chat = with_project(llm_settings)
    answer = {"operation": "raid.add", "arguments": PROPOSED}
    mock_openai.script(status(400), text(json.dumps(answer)))
    with caplog.at_level(logging.INFO, logger="bot.llm"):
        [card] = chat.send(MESSY)
    assert card.text.startswith("Shall I do this?")
    assert "answering offline" not in caplog.text  # it was not answered offline
    with session_scope(llm_settings.database_url) as session:  # one call, and it worked
        [call] = session.exec(select(LlmCall)).all()
        assert (call.outcome, call.prompt, call.input_tokens) == ("ok", "interpret_json@v1", 120)
    first, second = mock_openai.requests
    assert "tools" in first and "tools" not in second
    shape = second["response_format"]["json_schema"]["schema"]  # structured output
    assert "raid.add" in shape["properties"]["operation"]["enum"]
    assert "raid.add:" in second["messages"][0]["content"]  # the catalogue, in the prompt


def test_tools_and_structured_output_can_be_turned_off(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = model_settings(
        sqlite_only_url,
        tmp_path,
        mock_openai,
        livepmo_llm_tools=False,
        livepmo_llm_json_schema=False,
    )
    chat = with_project(settings)
    mock_openai.script(text(json.dumps({"operation": "NONE", "arguments": {}})))
    [none] = chat.send(MESSY)
    assert "I don't think that was for me" in none.text
    [request] = mock_openai.requests
    assert "tools" not in request and request["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize(
    "failure", [status(500), hang(4), status(429, retry_after=30), garbage(), refusal()]
)
def test_every_failure_falls_back_to_the_offline_reply(
    llm_settings: Settings,
    mock_openai: MockOpenAI,
    tmp_path: Path,
    failure,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat = with_project(llm_settings)
    chat.send("raid add risk: vendor may slip --impact 4")
    offline = with_project_console(load_settings(database_url=llm_settings.database_url))
    question = "what are the risks on apollo?"
    expected = [r.text for r in offline.send(question)]
    mock_openai.default = failure
    with caplog.at_level(logging.INFO, logger="bot.llm.routing"):
        got = [r.text for r in chat.send(question)]
    assert got == expected
    assert "interpreting offline" in caplog.text


def with_project_console(settings: Settings):  # noqa: ANN201
    from tests.helpers import console

    return console(settings)


def test_a_bad_tool_call_is_offline_too(llm_settings: Settings, mock_openai: MockOpenAI) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(tool("raid.add", {"impact": 9}), tool("no.such", {}))
    for _ in range(2):  # impact 9 fails raid.add's own validator; no.such is no operation
        [reply] = chat.send(MESSY)
        assert not reply.text.startswith("Shall I")
    assert len(mock_openai.requests) == 2


def test_offline_only_and_offline_first_modes(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    offline = model_settings(
        sqlite_only_url, tmp_path, mock_openai, livepmo_interpreter="offline-only"
    )
    with_project(offline).send(MESSY)
    assert mock_openai.requests == []
    first = model_settings(
        sqlite_only_url, tmp_path, mock_openai, livepmo_interpreter="offline-first"
    )
    chat = with_project_console(first)
    chat.send("show me the risk register please")  # the intent model is sure: no call
    assert mock_openai.requests == []


def test_llm_false_means_no_request_even_with_a_key(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = model_settings(sqlite_only_url, tmp_path, mock_openai, livepmo_llm=False)
    with_project(settings).send(MESSY)
    assert mock_openai.requests == []


def test_no_key_means_no_request(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = load_settings(
        database_url=sqlite_only_url, chroma_path=tmp_path / "c", openai_base_url=mock_openai.url
    )
    chat = with_project(settings)
    chat.send(MESSY)
    chat.send("how's apollo looking overall")
    assert mock_openai.requests == []
