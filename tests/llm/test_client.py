"""`LanguageModel.chat` over real HTTP: completions, streaming, and every failure mode
turned into a `ModelFailure` with its reason, bounded, and recorded as usage."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.settings import Settings, load_settings
from bot.llm.client import LanguageModel, ModelFailure, language_model
from bot.llm.usage import LlmCall
from tests.llm.conftest import model_settings
from tests.llm.mock_openai import MockOpenAI, cut, garbage, hang, refusal, status, text, trickle

VALUES = {"project": "Apollo", "facts": "3 open risks"}


def ask(settings: Settings, on_text=None):  # noqa: ANN001, ANN201
    model = language_model(settings)
    assert isinstance(model, LanguageModel)
    return model.chat("narrative", VALUES, skill="summary", user="U0ALICE", on_text=on_text)


def calls(settings: Settings) -> list[LlmCall]:
    with session_scope(settings.database_url) as session:
        rows = session.exec(select(LlmCall).order_by(LlmCall.id)).all()
        session.expunge_all()
        return list(rows)


def test_no_key_means_no_model(sqlite_only_url: str) -> None:
    assert language_model(load_settings(database_url=sqlite_only_url)) is None


def test_a_completion_is_returned_and_recorded(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    mock_openai.script(text("Apollo has 3 open risks."))
    completion = ask(llm_settings)
    assert completion.text == "Apollo has 3 open risks."
    [request] = mock_openai.requests
    assert request["model"] == "mock-model"
    assert request.get("max_completion_tokens", request.get("max_tokens")) == 800
    assert request["messages"][0]["role"] == "system"
    assert "<facts>\n3 open risks\n</facts>" in request["messages"][1]["content"]
    [row] = calls(llm_settings)
    assert (row.skill, row.user_id, row.prompt, row.outcome) == (
        "summary",
        "U0ALICE",
        "narrative@v1",
        "ok",
    )
    assert (row.input_tokens, row.output_tokens) == (120, 30)


def test_streaming_reports_the_text_as_it_grows(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    mock_openai.script(text("one two three"))
    seen: list[str] = []
    completion = ask(llm_settings, on_text=seen.append)
    assert completion.text == "one two three"
    assert seen[-1] == "one two three" and len(seen) >= 3 and seen[0] != seen[-1]
    assert mock_openai.requests[0]["stream"] is True
    assert calls(llm_settings)[0].output_tokens == 30  # usage arrives with the stream


@pytest.mark.parametrize(
    ("failure", "reason"),
    [(status(500), "server_error"), (garbage(), "malformed"), (hang(3), "timeout")],
)
def test_a_stream_that_breaks_off_fails_with_its_reason_and_is_not_asked_again(
    llm_settings: Settings, mock_openai: MockOpenAI, failure, reason: str
) -> None:
    mock_openai.script(cut("one two three", failure), text("never asked"))
    seen: list[str] = []
    with pytest.raises(ModelFailure) as failed:
        ask(llm_settings, on_text=seen.append)
    assert failed.value.reason == reason and seen[-1] == "one two three"
    assert len(mock_openai.requests) == 1  # a retry would write over what was shown
    assert [row.outcome for row in calls(llm_settings)] == [reason]


def test_a_rejected_completion_is_recorded_as_failed_with_the_checks_reason(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    def reject(completion):  # noqa: ANN001, ANN202
        raise ModelFailure("ungrounded", f"{completion.text!r} is not supported")

    mock_openai.script(text("Apollo has 99 risks."))
    model = language_model(llm_settings)
    assert model is not None
    with pytest.raises(ModelFailure) as failed:
        model.chat("narrative", VALUES, skill="summary", user="U0ALICE", check=reject)
    assert failed.value.reason == "ungrounded" and "99 risks" in failed.value.detail
    [row] = calls(llm_settings)
    assert (row.outcome, row.output_tokens) == ("ungrounded", 30)  # its cost is counted too


@pytest.mark.parametrize(
    ("step", "reason", "requests"),
    [
        (status(429, retry_after=30), "rate_limited", 1),  # never waits out Retry-After
        (status(500), "server_error", 2),  # retried once (LIVEPMO_LLM_RETRIES=1)
        (hang(4), "timeout", 1),
        (garbage(), "malformed", 1),
        (refusal(), "refused", 1),
        (status(400), "rejected", 1),
    ],
)
def test_each_failure_has_its_reason_and_is_recorded(
    llm_settings: Settings, mock_openai: MockOpenAI, step, reason: str, requests: int
) -> None:
    mock_openai.default = step
    with pytest.raises(ModelFailure) as failure:
        ask(llm_settings)
    assert failure.value.reason == reason
    assert len(mock_openai.requests) == requests
    assert [c.outcome for c in calls(llm_settings)] == [reason]


def test_a_retry_that_succeeds_is_one_call(llm_settings: Settings, mock_openai: MockOpenAI) -> None:
    mock_openai.script(status(502), text("fine"))
    assert ask(llm_settings).text == "fine"
    assert len(mock_openai.requests) == 2
    assert [c.outcome for c in calls(llm_settings)] == ["ok"]


def test_the_daily_token_cap_stops_calls_before_they_are_made(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = model_settings(sqlite_only_url, tmp_path, mock_openai, livepmo_llm_daily_tokens=200)
    mock_openai.default = text("ok")
    ask(settings)  # 150 tokens
    ask(settings)  # 300: over the cap from now on
    with pytest.raises(ModelFailure) as failure:
        ask(settings)
    assert failure.value.reason == "budget" and len(mock_openai.requests) == 2


def test_an_oversized_prompt_is_not_sent(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = model_settings(
        sqlite_only_url, tmp_path, mock_openai, livepmo_llm_max_prompt_tokens=50
    )
    model = language_model(settings)
    assert model is not None
    with pytest.raises(ModelFailure) as failure:
        model.chat("narrative", {"project": "A", "facts": "x " * 500}, skill="s", user="U1")
    assert failure.value.reason == "too_long" and not mock_openai.requests


def test_after_a_server_failure_the_model_rests_and_calls_go_offline_at_once(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    mock_openai.script(status(429, retry_after=30), text("never asked"))
    for reason in ("rate_limited", "resting"):
        with pytest.raises(ModelFailure) as failure:
            ask(llm_settings)
        assert failure.value.reason == reason
    assert len(mock_openai.requests) == 1  # the second call never reached the server
    model = language_model(llm_settings)
    assert model is not None and 25 < model.resting_until - time.monotonic() <= 30
    model.resting_until = 0.0
    assert ask(llm_settings).text == "never asked"


def test_a_malformed_answer_does_not_rest_the_model(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    mock_openai.script(garbage(), text("fine"))
    with pytest.raises(ModelFailure):
        ask(llm_settings)
    assert ask(llm_settings).text == "fine"


def test_an_answer_trickling_in_is_given_up_at_the_timeout_in_all(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    mock_openai.script(trickle("Apollo has 3 open risks.", 4), text("never asked"))
    started = time.monotonic()
    with pytest.raises(ModelFailure) as failure:
        ask(llm_settings)  # every piece comes well within the 1 s read timeout
    assert failure.value.reason == "timeout" and time.monotonic() - started < 1.8
    assert len(mock_openai.requests) == 1  # a timeout is not retried
    assert [c.outcome for c in calls(llm_settings)] == ["timeout"]


def test_a_stream_trickling_in_is_given_up_at_the_timeout_and_shows_nothing_after(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    words = " ".join(f"word{n}" for n in range(20))
    mock_openai.script(trickle(words, 4))
    seen: list[str] = []
    started = time.monotonic()
    with pytest.raises(ModelFailure) as failure:
        ask(llm_settings, on_text=seen.append)
    assert failure.value.reason == "timeout" and time.monotonic() - started < 1.8
    shown = list(seen)
    assert shown and not shown[-1].endswith("word19")
    time.sleep(0.6)  # the request runs on in the background, unheard
    assert seen == shown


def test_a_server_that_reports_no_usage_has_its_tokens_estimated_for_the_cap(
    sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI
) -> None:
    settings = model_settings(sqlite_only_url, tmp_path, mock_openai, livepmo_llm_daily_tokens=50)
    mock_openai.default = text("Apollo has 3 open risks.", usage=False)
    ask(settings)
    [row] = calls(settings)
    assert row.input_tokens > 50 and row.output_tokens == len("Apollo has 3 open risks.") // 4
    with pytest.raises(ModelFailure) as failure:
        ask(settings)
    assert failure.value.reason == "budget" and len(mock_openai.requests) == 1


def test_a_stream_without_usage_has_its_tokens_estimated(
    llm_settings: Settings, mock_openai: MockOpenAI
) -> None:
    mock_openai.script(text("one two three", usage=False))
    ask(llm_settings, on_text=lambda _: None)
    [row] = calls(llm_settings)
    assert row.input_tokens > 0 and row.output_tokens == 3
