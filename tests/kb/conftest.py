"""Fixtures for the knowledge-base skill: a small document folder and a fresh index per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from skills.kb import index
from tests.knowledge.conftest import chroma_server, embedder, model_dir  # noqa: F401

HANDBOOK = """# Delivery handbook

## Change requests

A change request is approved by the change advisory board, which meets every Tuesday.
Urgent changes can be approved by the duty manager out of hours.

## Escalation

Escalate blocked work to the project manager first, then to the programme director
if it is still blocked after two working days.
"""

RELEASES = """Release calendar

Code freeze for the spring release is on 3 March. The release candidate is cut the
day after code freeze and goes to the staging environment for a week of testing.
"""


@pytest.fixture(autouse=True)
def fresh_retrievers() -> Iterator[None]:
    """Each test gets its own retriever for its own CHROMA_PATH (the embedder is shared)."""
    yield
    index.forget()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "handbook.md").write_text(HANDBOOK)
    (folder / "releases.txt").write_text(RELEASES)
    return folder
