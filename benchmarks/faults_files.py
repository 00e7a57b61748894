"""Fault scenarios of issue 11 about files and edits, as functions returning counts.

* `hostile_ingest`: `livepmo ingest` of a folder holding a 400 MB-inflating .docx, a
  memory-filling .docx, a PDF and an HTML file that each take minutes of CPU, a link out
  of the folder and one good file: peak MB of the process tree, refused, skipped, added.
* `hostile_raid_import`: `livepmo raid import` of a 10 MB xlsx whose shared strings unpack
  to 1 GB: peak MB, refused.
* `parse_overhead`: milliseconds the child process adds to parsing one ordinary file.
* `concurrent_edits`: rounds of two people editing one RAID item at the same moment
  (threads, or processes), each read held 50 ms so the two always overlap: scores that
  are not P×I, histories with two transitions from one state, refusals, lost updates.

`benchmarks.faults` calls these; run alone, the last line is one JSON object:

    python -m benchmarks.faults_files [--postgres URL] [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import select
from typer.testing import CliRunner

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core.db import migrate, session_scope
from bot.core.projects import get_project
from bot.core.settings import Settings, load_settings
from knowledge.loaders import _parse_here, load_bytes
from skills.raid import service
from skills.raid.models import RaidHistory, RaidItem
from skills.raid.scoring import scored
from tests.helpers import BOB, CHANNEL, PM, people, with_project
from tests.kb.conftest import HANDBOOK
from tests.knowledge import hostile
from tests.knowledge.files import make_docx, make_pdf

KEY = "APOLLO-R1"
READ_PAUSE = 0.05
EDITS = (  # what the two people send at the same moment, pair by pair
    ((PM, f"/pmo raid update {KEY} p 1"), (BOB, f"/pmo raid update {KEY} i 5")),
    ((PM, f"/pmo raid update {KEY} status monitoring"), (BOB, f"/pmo raid close {KEY}")),
)


def _settings(database_url: str, folder: Path) -> Settings:
    return load_settings(database_url=database_url, chroma_path=folder / "chroma")


def _cli(settings: Settings, *args: str) -> Any:
    from bot.cli import app

    env = {"DATABASE_URL": settings.database_url, "CHROMA_PATH": str(settings.chroma_path)}
    return CliRunner().invoke(app, list(args), env=env)


def hostile_ingest(settings: Settings, folder: Path) -> dict[str, Any]:
    """`livepmo ingest` of hostile files beside a good one (project `apollo` must exist).

    A good folder is ingested first, unmeasured: the embedding model and the parsers' fork
    server are loaded once whatever the files, so the peak is what the hostile files cost.
    """
    warm, docs = folder / "warm-docs", folder / "hostile-docs"
    warm.mkdir()
    docs.mkdir()
    (warm / "handbook.md").write_text(HANDBOOK)
    (warm / "plan.docx").write_bytes(make_docx(title="Release plan"))
    _cli(settings, "ingest", str(warm), "--project", "apollo")
    (docs / "notes.md").write_text("# Notes\n\nThe steering group meets on Mondays.\n")
    (docs / "plan.docx").write_bytes(hostile.bomb_docx(400))
    (docs / "minutes.docx").write_bytes(hostile.paragraphs_docx(60))
    (docs / "slides.pdf").write_bytes(hostile.bomb_pdf())
    (docs / "wiki.html").write_bytes(hostile.deep_html())
    (folder / "private.md").write_text("# Private\n\nNot for the bot.\n")
    (docs / "private.md").symlink_to(folder / "private.md")
    started = time.monotonic()
    with hostile.peak_memory() as peak:
        result = _cli(settings, "ingest", str(docs), "--project", "apollo")
    lines = result.stdout.splitlines()
    return {
        "peak_mb": round(peak.mb, 1),
        "seconds": round(time.monotonic() - started, 1),
        "refused": sum(":warning:" in line and "link" not in line for line in lines),
        "skipped_links": sum("is a link to outside the folder" in line for line in lines),
        "added": sum(line.startswith("Added") for line in lines),
    }


def hostile_raid_import(settings: Settings, folder: Path) -> dict[str, Any]:
    """`livepmo raid import` of the shared-strings xlsx (project `apollo` must exist)."""
    path = folder / "raid.xlsx"
    path.write_bytes(hostile.shared_strings_xlsx(1000))
    with hostile.peak_memory() as peak:
        result = _cli(settings, "raid", "import", str(path), "--project", "apollo")
    return {
        "peak_mb": round(peak.mb, 1),
        "refused": int(result.exit_code == 2 and "unpacks to" in result.stderr),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
    }


def parse_overhead(files: int = 20) -> dict[str, float]:
    """Median ms to read an ordinary .docx, PDF and HTML file, in a child and in-process."""
    samples = {
        "docx": make_docx(title="Release plan"),
        "pdf": make_pdf([["Code freeze is on 3 March."] * 30] * 3),
        "html": b"<html><body><h1>Plan</h1><p>Code freeze is on 3 March.</p></body></html>",
    }
    load_bytes(samples["docx"], "warm-up.docx")
    figures: dict[str, float] = {}
    for kind, data in samples.items():
        for where, read in (
            ("child", lambda d=data, k=kind: load_bytes(d, f"file.{k}")),
            ("inline", lambda d=data, k=kind: _parse_here(d, f"file.{k}", k)),
        ):
            times = []
            for _ in range(files):
                started = time.perf_counter()
                read()
                times.append((time.perf_counter() - started) * 1000)
            figures[f"{kind}_{where}_ms"] = round(statistics.median(times), 1)
        figures[f"{kind}_overhead_ms"] = round(
            figures[f"{kind}_child_ms"] - figures[f"{kind}_inline_ms"], 1
        )
    return figures


# -- concurrent edits -----------------------------------------------------------------

_editor: dict[str, Any] = {}


def _pause_reads(item: RaidItem, _context: Any) -> None:
    time.sleep(READ_PAUSE)  # between a request's read and its write


def _start_editor(database_url: str, folder: str, barrier: Any) -> None:
    """Set up one editor (a worker thread or process): its dispatcher and the slow reads."""
    if "dispatcher" not in _editor:
        settings = _settings(database_url, Path(folder))
        _editor["dispatcher"] = console_dispatcher(settings, people())
        event.listen(RaidItem, "load", _pause_reads)
    _editor["barrier"] = barrier


def _edit(user: str, text: str) -> tuple[str, bool]:
    """Send one line once the other editor is ready too: (reply text, refused?)."""
    chat = ConsoleSession(_editor["dispatcher"], user=user, channel=CHANNEL)
    _editor["barrier"].wait(timeout=60)
    reply = chat.send(text)[0]
    return reply.text, reply.ephemeral


@contextmanager
def _editors(database_url: str, folder: Path, processes: bool) -> Iterator[Executor]:
    if processes:
        context = get_context("spawn")
        args = (database_url, str(folder), context.Barrier(2))
        with ProcessPoolExecutor(2, context, initializer=_start_editor, initargs=args) as pool:
            yield pool
        return
    args = (database_url, str(folder), threading.Barrier(2))
    try:
        with ThreadPoolExecutor(2, initializer=_start_editor, initargs=args) as pool:
            yield pool
    finally:
        event.remove(RaidItem, "load", _pause_reads)
        _editor.clear()


def _reset(database_url: str) -> int:
    """The item back to open, P5 × I1; returns the last history id before the round."""
    with session_scope(database_url) as session:
        item = service.find_item(session, KEY)
        changes = {"status": "open", "probability": 5, "impact": 1}
        service.update_item(session, item=item, changes=changes, actor=PM)
        rows = session.exec(select(RaidHistory.id).order_by(RaidHistory.id.desc()))  # type: ignore[union-attr]
        return rows.first() or 0


def _forks(rows: list[RaidHistory]) -> int:
    """Fields whose history since the round began is not one chain of changes."""
    forks = 0
    for name in ("probability", "impact", "status"):
        chain = [(r.old, r.new) for r in rows if r.field == name]
        olds = [old for old, _ in chain]
        linked = all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))
        forks += len(set(olds)) != len(olds) or not linked
    return forks


def concurrent_edits(
    database_url: str, folder: Path, *, rounds: int = 20, processes: bool = False
) -> dict[str, Any]:
    """Two people edit APOLLO-R1 at once, `rounds` times: P and I, then status and close.

    The database must be empty and migrated. A lost update is a round whose stored score is
    not P×I or whose history forks. `refused` counts every refusal (close first makes
    "monitoring" no valid move); `conflicts` the "someone changed it" ones among them.
    """
    settings = _settings(database_url, folder)
    with_project(settings)  # Alice PM, Bob a member
    with session_scope(database_url) as session:
        project = get_project(session, "apollo")
        service.create_item(session, project=project, raid_type=service.RaidType.RISK,
                            title="Vendor may slip", actor=PM, owner=BOB)  # fmt: skip
    counts = dict.fromkeys(["edits", "applied", "refused", "conflicts", "bad_scores"], 0)
    counts["rounds"], counts["forked_history"] = rounds, 0
    with _editors(database_url, folder, processes) as pool:
        for _ in range(rounds):
            mark = _reset(database_url)
            for first, second in EDITS:
                replies = [pool.submit(_edit, *first), pool.submit(_edit, *second)]
                for text, refused in (reply.result(timeout=120) for reply in replies):
                    counts["edits"] += 1
                    counts["refused" if refused else "applied"] += 1
                    counts["conflicts"] += text.startswith("Someone changed")
            with session_scope(database_url) as session:
                item = service.find_item(session, KEY)
                score, band = scored(item.probability, item.impact)
                counts["bad_scores"] += (item.score, item.severity) != (score, band and band.value)
                rows = session.exec(
                    select(RaidHistory)
                    .where(RaidHistory.item_id == item.id, RaidHistory.id > mark)
                    .order_by(RaidHistory.id)
                )
                counts["forked_history"] += _forks(list(rows)) > 0
    counts["lost_updates"] = counts["bad_scores"] + counts["forked_history"]
    return counts


def run(postgres: str | None = None, rounds: int = 20) -> dict[str, Any]:
    """Every scenario; `lost` counts lost updates, `peak_mb` the worst hostile file's peak."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'faults.db'}"
        migrate(url)
        figures["edits_sqlite_threads"] = concurrent_edits(url, folder, rounds=rounds)
        settings = _settings(url, folder)
        figures["overhead"] = parse_overhead()
        figures["ingest"] = hostile_ingest(settings, folder)
        figures["raid_import"] = hostile_raid_import(settings, folder)
        if postgres:
            from tests.conftest import empty_tables

            migrate(postgres)
            for processes in (False, True):
                empty_tables(postgres)
                name = f"edits_postgres_{'processes' if processes else 'threads'}"
                figures[name] = concurrent_edits(
                    postgres, folder, rounds=rounds, processes=processes
                )
    edits = [v for k, v in figures.items() if k.startswith("edits_")]
    return {
        "duplicates": 0,
        "lost": sum(e["lost_updates"] for e in edits),
        "peak_mb": max(figures["ingest"]["peak_mb"], figures["raid_import"]["peak_mb"]),
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="also run the edits on this PostgreSQL URL (empty)")
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    figures = run(options.postgres, options.rounds)
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
