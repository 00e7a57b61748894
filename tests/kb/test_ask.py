"""Asking and managing the knowledge base from chat, and the `ask` / `ingest` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.core.db import session_scope
from bot.core.settings import Settings
from skills.kb import service
from skills.kb.cli import ask_as_operator
from skills.kb.models import KbAnswer, KbFeedback
from tests.helpers import ADMIN, BOB, PM, STRANGER, button, console, with_project


def loaded(settings: Settings, docs: Path):
    chat = with_project(settings)
    project = apollo_project(settings)
    service.ingest_paths(settings, project, [docs])
    return chat


def apollo_project(settings: Settings):
    from bot.core.projects import get_project

    with session_scope(settings.database_url) as session:
        return get_project(session, "apollo")


def test_answer_quotes_and_cites_and_feedback_is_recorded(settings: Settings, docs: Path) -> None:
    chat = loaded(settings, docs)
    [reply] = chat.send("@pmo who approves a change request?")
    answer_id = button(reply, "kb_helpful")
    assert "> A change request is approved by the change advisory board" in reply.text
    assert "[1] *Delivery handbook* › Change requests" in reply.text
    assert "handbook.md" not in reply.text and "updated" in reply.text  # no server paths
    [up] = chat.send(f"!press kb_helpful {answer_id}")
    assert "Thanks" in up.text and up.ephemeral
    bob = console(settings, user=BOB)
    [again] = bob.send("@pmo who approves a change request?")
    bob.send(f"!press kb_unhelpful {button(again, 'kb_unhelpful')}")
    bob.send(f"!press kb_helpful {button(again, 'kb_helpful')}")  # a change of mind replaces it
    with session_scope(settings.database_url) as session:
        votes = sorted((f.user_id, f.vote) for f in session.exec(select(KbFeedback)))
        assert votes == sorted([(PM, 1), (BOB, 1)])
        assert len(session.exec(select(KbAnswer)).all()) == 2


@pytest.mark.usefixtures("model_dir")  # hybrid search
def test_not_in_the_documents_says_so_and_lists_the_closest(settings: Settings, docs: Path) -> None:
    chat = loaded(settings, docs)
    [reply] = chat.send("ask what is the parental leave allowance for contractors?")
    assert reply.text.startswith("I couldn't find that in the `apollo` documents.")
    assert "The closest sections are:\n• *Delivery handbook*" in reply.text
    with session_scope(settings.database_url) as session:
        [record] = session.exec(select(KbAnswer)).all()
        assert record.found is False


def test_bad_questions_and_empty_knowledge_base(settings: Settings, docs: Path) -> None:
    chat = with_project(settings)
    [empty] = chat.send("ask when is code freeze?")
    assert empty.text.startswith("There are no documents in the `apollo` documents yet")
    assert "livepmo ingest" in empty.text
    [blank] = chat.send("ask")
    assert "What would you like to know?" in blank.text
    [huge] = chat.send("ask " + "why " * 2_500)
    assert "9,999 characters long" in huge.text and "up to 1,000" in huge.text and huge.ephemeral


def test_dm_searches_the_users_projects_only(settings: Settings, docs: Path) -> None:
    loaded(settings, docs)
    [member] = console(settings, user=BOB, channel=None).send("when is code freeze?")
    assert "3 March" in member.text
    [stranger] = console(settings, user=STRANGER, channel=None).send("when is code freeze?")
    assert "no documents" in stranger.text
    [refused] = console(settings, user=STRANGER, channel=None).send(
        "ask when is code freeze? --project apollo"
    )
    assert "not a member of `apollo`" in refused.text


@pytest.mark.usefixtures("model_dir")  # hybrid search
def test_list_status_and_remove(settings: Settings, docs: Path) -> None:
    chat = loaded(settings, docs)
    [listing] = chat.send("kb list")
    assert "2 documents in the `apollo` documents" in listing.text
    assert "Delivery handbook" in listing.text
    [status] = chat.send("kb status")
    assert "2 documents" in status.text and "hybrid" in status.text
    [refused] = console(settings, user=BOB).send("kb remove Delivery handbook")
    assert "Only a PM" in refused.text
    [removed] = chat.send("kb remove Delivery handbook")
    assert removed.text.startswith("Removed *Delivery handbook*")
    [unknown] = chat.send("kb remove #999")
    assert "No document matches" in unknown.text
    [after] = console(settings, user=ADMIN).send("kb list")
    assert "1 document in" in after.text


def test_cli_ingest_and_ask_json(settings: Settings, docs: Path, monkeypatch) -> None:
    with_project(settings)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CHROMA_PATH", str(settings.chroma_path))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 nope")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(docs), "--project", "apollo"])
    assert result.exit_code == 1, result.output  # one file failed, the others went in
    assert "2 added" in result.output and "1 failed" in result.output
    assert "broken.pdf" in result.output
    result = runner.invoke(app, ["ask", "when is code freeze?", "--project", "apollo", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["found"] is True and "3 March" in answer["answer"]
    assert answer["sources"][0]["path"].endswith("releases.txt")
    assert set(answer["sources"][0]) == {"path", "title", "heading", "score", "cited"}
    nothing = ask_as_operator(settings, "what colour is the office carpet?", project="apollo")
    assert nothing["found"] is False
