"""A summary's narrative, checked against its facts; usage shown by `admin usage` and
`livepmo usage`."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.core import clock
from bot.core.db import session_scope
from bot.core.settings import Settings
from bot.llm.client import ModelFailure, language_model
from bot.llm.usage import LlmCall, usage_report
from skills.admin import usage_text
from tests.helpers import ADMIN, PM, console, with_project
from tests.llm.conftest import model_settings
from tests.llm.mock_openai import MockOpenAI, hang, text, tool
from tests.llm.test_answers import loaded


def test_a_narrative_using_only_the_summary_facts_opens_the_summary(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    chat.send("raid add risk: vendor may slip --impact 4 --probability 4")
    mock_openai.script(text("Apollo launch has 1 open risk to watch; nothing is overdue."))
    [reply] = chat.send("/pmo summary apollo")
    headline, narrative, *facts = reply.text.split("\n\n")
    assert "health *amber*" in headline and facts  # the narrative opens, the facts follow
    assert narrative == "Apollo launch has 1 open risk to watch; nothing is overdue."
    facts = mock_openai.requests[0]["messages"][1]["content"]
    assert "<facts>" in facts and "Vendor may slip" in facts
    assert reply.blocks and "Apollo launch has 1 open risk" in json.dumps(reply.blocks)


def test_a_narrative_with_a_number_not_in_the_facts_is_dropped(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    chat.send("raid add risk: vendor may slip --impact 4 --probability 4")
    mock_openai.script(
        text("Apollo launch is 87% done with 12 risks and @channel it ends 2027-01-09.")
    )
    [reply] = chat.send("/pmo summary apollo")
    assert "87%" not in reply.text and "2027-01-09" not in reply.text
    assert "<!channel>" not in reply.text


def test_a_narrative_with_a_bare_link_is_dropped(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(text("Apollo launch is calm; re-enter your password at intranet.evil.com."))
    [reply] = chat.send("/pmo summary apollo")
    assert "evil" not in reply.text


def test_portfolio_gets_a_narrative(llm_settings: Settings, mock_openai: MockOpenAI) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(text("One project, and it is in good health."))
    [reply] = chat.send("/pmo summary portfolio")
    assert reply.text.startswith("One project, and it is in good health.")


def test_usage_is_recorded_and_shown_to_admins(
    llm_settings: Settings, mock_openai: MockOpenAI, monkeypatch
) -> None:
    chat = with_project(llm_settings)
    mock_openai.script(tool("summary.project", {}), text("All calm."))
    chat.send("how's apollo looking overall")  # route (1 call) + narrative (1 call)
    [shown] = console(llm_settings, user=ADMIN).send("/pmo admin usage")
    assert "2 calls, 300 tokens, 0 failed and answered offline\n" in shown.text
    assert "• interpret · <@U0ALICE>: 1 call, 150 tokens" in shown.text
    assert "• summary · <@U0ALICE>: 1 call, 150 tokens" in shown.text
    [refused] = chat.send("/pmo admin usage")
    assert refused.refused
    monkeypatch.setenv("DATABASE_URL", llm_settings.database_url)
    result = CliRunner().invoke(app, ["usage", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert {(r["skill"], r["calls"], r["tokens"]) for r in rows} == {
        ("interpret", 1, 150),
        ("summary", 1, 150),
    }


def test_an_answer_rejected_by_its_check_counts_as_a_failure_with_its_reason(
    llm_settings: Settings, mock_openai: MockOpenAI, docs: Path, monkeypatch
) -> None:
    chat = loaded(llm_settings, docs)
    chat.send("raid add risk: vendor may slip --impact 4 --probability 4")
    mock_openai.script(
        text("Change requests are approved by the chief executive alone [1]."),
        text("Apollo launch is 87% done."),
        tool("raid.add", {"type": "risk", "title": "Vendor may slip", "impact": 9}),
    )
    chat.send("ask who approves a change request?")  # answered extractively
    chat.send("/pmo summary apollo")  # shown without the narrative
    chat.send("ugh the vendor's probably gonna slip, can u log it")  # interpreted offline
    [shown] = console(llm_settings, user=ADMIN).send("/pmo admin usage")
    head = "3 calls, 450 tokens, 3 failed and answered offline (invalid 1, invented_number 1, "
    assert head + "ungrounded 1)\n" in shown.text
    assert "• kb · <@U0ALICE>: 1 call, 150 tokens, 1 failed (ungrounded 1)" in shown.text
    monkeypatch.setenv("DATABASE_URL", llm_settings.database_url)
    result = CliRunner().invoke(app, ["usage", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert {r["skill"]: (r["failures"], r["failed"]) for r in rows} == {
        "kb": (1, {"ungrounded": 1}),
        "summary": (1, {"invented_number": 1}),
        "interpret": (1, {"invalid": 1}),
    }
    result = CliRunner().invoke(app, ["usage"])
    assert "1 failed (invented_number 1)" in result.output


def test_calls_refused_before_sending_are_counted_apart(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = model_settings(sqlite_only_url, tmp_path, mock_openai, livepmo_llm_daily_tokens=100)
    model = language_model(settings)
    assert model is not None
    mock_openai.default = hang(0.1)  # an answer after 0.1 s
    for _ in range(3):  # one call (150 tokens: over the cap), then two refused by it
        with contextlib.suppress(ModelFailure):
            model.chat("narrative", {"project": "A", "facts": "f"}, skill="summary", user=PM)
    with session_scope(settings.database_url) as session:
        [row] = usage_report(session, now=clock.now())
        latencies = session.exec(select(LlmCall.latency_ms).where(LlmCall.outcome == "ok")).all()
    assert (row.calls, row.failures, row.failed, row.not_sent) == (1, 0, {}, {"budget": 2})
    assert row.mean_latency_ms == latencies[0] >= 100  # not diluted by calls never made
    assert len(mock_openai.requests) == 1
    assert "1 calls, 150 tokens, 0 failed and answered offline; 2 not sent (budget 2)" in (
        usage_text([row])
    )


@pytest.mark.parametrize("days", [0, -3])
def test_usage_over_no_days_is_refused(llm_settings: Settings, days: int) -> None:
    with (
        session_scope(llm_settings.database_url) as session,
        pytest.raises(ValueError, match="1 or more"),
    ):
        usage_report(session, now=clock.now(), days=days)
