"""Hostile documents through `livepmo ingest` and a Slack file share: each refused with its
own reply in bounded memory, the good files still indexed; links out of a folder skipped.

Memory is the growth of this process tree's PSS while the files are read (the bot and the
child parsers included), after the parsers' fork server has been started once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.core.db import session_scope
from bot.core.projects import create_project
from bot.core.settings import Settings
from knowledge.untrusted import run_bounded
from skills.kb import service
from skills.kb.models import KbDocument
from tests.helpers import PM
from tests.kb.conftest import HANDBOOK
from tests.knowledge import hostile
from tests.slack.commands import CHANNEL, command
from tests.slack.conftest import bot, events, slack, slack_settings  # noqa: F401
from tests.slack_harness import payloads

PEAK_MB = 300


@pytest.fixture(scope="module", autouse=True)
def warm_fork_server() -> None:
    run_bounded(len, b"")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """docs/ with a good handbook, a 400 MB-inflating .docx, and links in and out of it."""
    folder = tmp_path / "docs"
    (folder / "team").mkdir(parents=True)
    (folder / "handbook.md").write_text(HANDBOOK)
    (folder / "plan.docx").write_bytes(hostile.bomb_docx(400))
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "salaries.md").write_text("# Salaries\n\nNot for the bot.\n")
    (folder / "salaries.md").symlink_to(outside / "salaries.md")
    (folder / "team" / "private").symlink_to(outside, target_is_directory=True)
    (folder / "team" / "handbook-link.md").symlink_to(folder / "handbook.md")
    return folder


def sources(database_url: str) -> list[str]:
    with session_scope(database_url) as session:
        return sorted(Path(d.source).name for d in session.exec(select(KbDocument)))


def test_cli_ingest_refuses_the_bomb_and_skips_links_out_of_the_folder(
    settings: Settings, docs: Path
) -> None:
    from bot.cli import app

    with session_scope(settings.database_url) as session:
        create_project(session, key="apollo", name="Apollo", actor=PM)
    env = {"DATABASE_URL": settings.database_url, "CHROMA_PATH": str(settings.chroma_path)}
    with hostile.peak_memory() as peak:
        result = CliRunner().invoke(app, ["ingest", str(docs), "--project", "apollo"], env=env)
    assert result.exit_code == 1, result.output
    assert "plan.docx unpacks to 401 MB, over the 100 MB I read" in result.stdout
    assert f"{docs / 'salaries.md'} is a link to outside the folder; skipped it." in result.stdout
    assert f"{docs / 'team' / 'private'} is a link to outside the folder" in result.stdout
    assert "Added Delivery handbook" in result.stdout
    assert "2 added, 0 updated, 0 unchanged, 0 removed, 3 failed." in result.stdout
    assert sources(settings.database_url) == ["handbook-link.md", "handbook.md"]
    assert peak.mb < PEAK_MB, peak.mb


def test_one_file_failing_on_my_side_never_stops_the_rest(
    settings: Settings, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(settings.database_url) as session:
        project = create_project(session, key="apollo", name="Apollo", actor=PM)
    real_read = service.read_file

    def read_file(path: Path, *args, **kwargs):
        if path.name == "handbook.md":
            raise RuntimeError("a bug")
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(service, "read_file", read_file)
    outcomes = service.ingest_paths(settings, project, [docs])
    failed = {o.name: o.detail for o in outcomes if o.status == "failed"}
    assert failed["handbook.md"] == f"{docs / 'handbook.md'} failed on my side (logged)."
    assert [o.status for o in outcomes if o.name == "Delivery handbook"] == ["added"]


def test_slack_file_share_of_the_bomb_gets_its_reply_in_bounded_memory(
    events,  # noqa: F811
    slack,  # noqa: F811
    slack_settings: Settings,  # noqa: F811
) -> None:
    assert "Created project" in command(events, slack, "project create apollo Apollo")
    slack.add_file("F0BOMB", "plan.docx", hostile.bomb_docx(400), channels=[CHANNEL])
    slack.add_file("F0GOOD", "handbook.md", HANDBOOK.encode(), channels=[CHANNEL])
    with hostile.peak_memory() as peak:
        for file_id in ("F0BOMB", "F0GOOD"):
            event = payloads.file_shared_event(file_id, user="U0ALICE", channel=CHANNEL)
            events.post_event(payloads.event_callback(event))
        posted = slack.wait_for("chat.postMessage", 2, timeout=60)
    refused, added = sorted(call.args["text"] for call in posted)  # in whichever order
    assert refused.startswith(":warning: plan.docx unpacks to 401 MB, over the 100 MB I read")
    assert added.startswith("Added *Delivery handbook*")
    assert sources(slack_settings.database_url) == ["slack:F0GOOD"]
    assert peak.mb < PEAK_MB, peak.mb
