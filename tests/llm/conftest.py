"""Fixtures for the LLM layer: the scripted OpenAI-compatible server and settings that
point the real `ChatOpenAI` at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.settings import Settings, load_settings
from tests.kb.conftest import docs, fresh_retrievers  # noqa: F401
from tests.llm.mock_openai import MockOpenAI


@pytest.fixture
def mock_openai() -> Iterator[MockOpenAI]:
    with MockOpenAI() as server:
        yield server


def model_settings(
    database_url: str, tmp_path: Path, mock: MockOpenAI, **extra: object
) -> Settings:
    return load_settings(
        database_url=database_url,
        chroma_path=tmp_path / "chroma",
        livepmo_timezone="Europe/London",
        openai_api_key="sk-test",
        openai_base_url=mock.url,
        openai_model="mock-model",
        livepmo_llm_timeout=1.0,
        livepmo_llm_retries=1,
        **extra,
    )


@pytest.fixture
def llm_settings(sqlite_only_url: str, tmp_path: Path, mock_openai: MockOpenAI) -> Settings:
    """Settings with a model: the mock server, on a fresh SQLite database."""
    return model_settings(sqlite_only_url, tmp_path, mock_openai)
