"""A document past the passage budget is refused by `livepmo ingest` with a reply that says
to split it; nothing of it is saved, and the other files of the folder still go in."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.core.db import session_scope
from bot.core.projects import create_project
from bot.core.settings import Settings
from skills.kb import service
from skills.kb.models import KbChunk, KbDocument
from tests.helpers import PM
from tests.kb.conftest import HANDBOOK


def test_a_document_past_the_passage_budget_is_refused_and_nothing_of_it_saved(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "handbook.md").write_text(HANDBOOK)
    (folder / "two.md").write_text("# Two\n\n" + "word " * 1_200_000)  # 6 MB, 8,000 passages
    with session_scope(settings.database_url) as session:
        project = create_project(session, key="apollo", name="Apollo", actor=PM)
    outcomes = service.ingest_paths(settings, project, [folder])
    assert {o.name: o.status for o in outcomes} == {
        "Delivery handbook": "added",
        "two.md": "failed",
    }
    [refused] = [o for o in outcomes if o.status == "failed"]
    assert refused.detail == (
        "two.md makes 8,000 passages, more than the 5,000 I index from one document; "
        "split it into smaller files and upload those."
    )
    with session_scope(settings.database_url) as session:
        titles = [d.title for d in session.exec(select(KbDocument))]
        chunks = len(session.exec(select(KbChunk)).all())
    assert titles == ["Delivery handbook"] and 0 < chunks < 10
