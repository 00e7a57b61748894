"""RAID tests read types with the sentence embedder when its model is here (loaded once)."""

from __future__ import annotations

import pytest

from bot.core.learned import shared_embedder


@pytest.fixture(autouse=True, scope="session")
def _type_model_embedder() -> None:
    shared_embedder()  # waits for the load: no test sees the lexical stand-in by chance
