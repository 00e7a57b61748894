"""Ingestion: incremental re-indexing, removal, rebuild, bad files, Chroma server mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.models import Project
from bot.core.projects import get_project
from bot.core.settings import Settings, load_settings
from skills.kb import index, service
from skills.kb.models import KbChunk, KbDocument
from tests.helpers import with_project
from tests.knowledge.files import encrypt_pdf, make_pdf

SCOPE = "project-apollo"


def apollo(settings: Settings) -> Project:
    with_project(settings)
    with session_scope(settings.database_url) as session:
        project = get_project(session, "apollo")
        assert project is not None
        return project


def statuses(outcomes: list[service.Outcome]) -> dict[str, str]:
    return {Path(o.detail).name if o.status != "failed" else o.name: o.status for o in outcomes}


def search_titles(settings: Settings, query: str) -> list[str]:
    hits = index.retriever(settings).search(query, scopes=[SCOPE], k=3)
    return [str(h.metadata["title"]) for h in hits]


def stored(settings: Settings) -> tuple[int, int]:
    with session_scope(settings.database_url) as session:
        documents = len(session.exec(select(KbDocument)).all())
        chunks = len(session.exec(select(KbChunk)).all())
    return documents, chunks


@pytest.mark.usefixtures("model_dir")  # dense counts are checked too
def test_incremental_reindex_skips_updates_and_removes(settings: Settings, docs: Path) -> None:
    project = apollo(settings)
    first = service.ingest_paths(settings, project, [docs])
    assert sorted(o.status for o in first) == ["added", "added"]
    documents, chunks = stored(settings)
    assert documents == 2 and chunks >= 2
    assert index.retriever(settings).stats(SCOPE) == {"lexical": chunks, "dense": chunks}

    again = service.ingest_paths(settings, project, [docs])
    assert [o.status for o in again] == ["unchanged", "unchanged"]

    (docs / "releases.txt").write_text("Release calendar\n\nCode freeze moves to 17 March.\n")
    changed = service.ingest_paths(settings, project, [docs])
    assert sorted(o.status for o in changed) == ["unchanged", "updated"]
    kb = index.retriever(settings)
    texts = [h.text or "" for h in kb.search("code freeze", scopes=[SCOPE], k=5)]
    assert any("17 March" in t for t in texts) and not any("3 March" in t for t in texts)

    (docs / "handbook.md").unlink()
    gone = service.ingest_paths(settings, project, [docs])
    assert "removed" in [o.status for o in gone]
    documents, chunks = stored(settings)
    assert documents == 1
    assert kb.stats(SCOPE) == {"lexical": chunks, "dense": chunks}
    assert "Delivery handbook" not in search_titles(settings, "change advisory board")


def test_one_bad_file_never_stops_the_rest(settings: Settings, docs: Path) -> None:
    project = apollo(settings)
    (docs / "corrupt.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (docs / "locked.pdf").write_bytes(encrypt_pdf(make_pdf([["Secret plan"]]), user_password="pw"))
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 40)
    huge = docs / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (docs / "diagram.png").write_bytes(b"\x89PNG\r\n")  # not a type folders pick up
    named = docs / "notes.xyz"
    named.write_text("some notes")
    outcomes = service.ingest_paths(settings, project, [docs, named, docs / "missing.md"])
    by_name = {o.name: o for o in outcomes}
    assert by_name["Delivery handbook"].status == "added"
    assert by_name["releases"].status == "added"
    failed = {o.name: o.detail for o in outcomes if o.status == "failed"}
    assert set(failed) == {"corrupt.pdf", "locked.pdf", "binary.txt", "huge.md", "notes.xyz",
                           "missing.md"}  # fmt: skip
    assert "password" in failed["locked.pdf"]
    assert "50" in failed["huge.md"] and "MB" in failed["huge.md"]
    assert "does not exist" in failed["missing.md"]
    assert all(failed.values())
    documents, _ = stored(settings)
    assert documents == 2  # nothing of the bad files was saved


@pytest.mark.usefixtures("model_dir")  # dense counts are checked too
def test_rebuild_restores_both_indexes_from_the_database(settings: Settings, docs: Path) -> None:
    project = apollo(settings)
    service.ingest_paths(settings, project, [docs])
    _, chunks = stored(settings)
    kb = index.retriever(settings)
    kb.replace_scope(SCOPE, [])  # both indexes lost
    assert kb.stats(SCOPE) == {"lexical": 0, "dense": 0}
    assert service.rebuild(settings) == {SCOPE: chunks}
    assert kb.stats(SCOPE) == {"lexical": chunks, "dense": chunks}
    assert search_titles(settings, "who approves a change request")[0] == "Delivery handbook"


def test_another_process_sees_new_documents(settings: Settings, docs: Path) -> None:
    """The bot's retriever reloads the lexical index the CLI's ingest saved."""
    project = apollo(settings)
    bot_side = index.build_retriever(settings)
    assert bot_side.search("change advisory board", scopes=[SCOPE], k=3) == []
    service.ingest_paths(settings, project, [docs])
    hits = bot_side.search("change advisory board", scopes=[SCOPE], k=3)
    assert hits and hits[0].metadata["title"] == "Delivery handbook"


@pytest.mark.usefixtures("model_dir")  # dense counts are checked too
def test_chroma_server_mode(settings: Settings, docs: Path, chroma_server: int) -> None:
    remote = load_settings(
        database_url=settings.database_url,
        chroma_path=settings.chroma_path,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
    )
    project = apollo(remote)
    index.retriever(remote).replace_scope(SCOPE, [])  # the server outlives one test
    service.ingest_paths(remote, project, [docs])
    kb = index.retriever(remote)
    assert kb.dense_available
    _, chunks = stored(remote)
    assert kb.vector_store is not None and kb.vector_store.count(SCOPE) == chunks
    hits = kb.search("when is code freeze", scopes=[SCOPE], k=3)
    assert hits[0].metadata["title"] == "releases" and "dense" in hits[0].ranks


@pytest.fixture
def fake_home(tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME with the caches other programs leave there, each holding a working copy of the
    model (links to the real files) and, in our own cache folder, a junk int8 model."""
    home = tmp_path / "home"
    cache = home / ".cache"
    for folder in (
        cache / "chroma" / "onnx_models" / "all-MiniLM-L6-v2" / "onnx",
        cache / "huggingface" / "hub" / "models--sentence-transformers--all-MiniLM-L6-v2"
        / "snapshots" / "main" / "onnx",
    ):  # fmt: skip
        folder.mkdir(parents=True)
        for item in model_dir.iterdir():
            (folder / item.name).symlink_to(item)
    junk = cache / "livepmo" / "models"
    junk.mkdir(parents=True)
    (junk / "all-MiniLM-L6-v2-0000000000000000-int8.onnx").write_bytes(b"junk")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("LIVEPMO_EMBEDDING_MODEL_DIR", raising=False)
    return home


def test_without_a_model_search_is_lexical_only_whatever_the_home_caches_hold(
    sqlite_only_url: str, tmp_path: Path, docs: Path, fake_home: Path
) -> None:
    settings = load_settings(database_url=sqlite_only_url, chroma_path=tmp_path / "chroma")
    assert settings.livepmo_embedding_model_dir is None
    index.forget(embedders=True)
    try:
        project = apollo(settings)
        outcomes = service.ingest_paths(settings, project, [docs])
        assert {o.status for o in outcomes} == {"added"}
        kb = index.retriever(settings)
        assert not kb.dense_available and "LIVEPMO_EMBEDDING_MODEL_DIR" in (
            kb.dense_unavailable_reason or ""
        )
        assert search_titles(settings, "code freeze")[0] == "releases"
    finally:
        index.forget(embedders=True)


def test_the_model_comes_only_from_the_configured_folder(
    sqlite_only_url: str, tmp_path: Path, model_dir: Path, fake_home: Path
) -> None:
    settings = load_settings(
        database_url=sqlite_only_url,
        chroma_path=tmp_path / "chroma",
        livepmo_embedding_model_dir=model_dir,
        livepmo_model_cache_dir=tmp_path / "model-cache",
    )
    index.forget(embedders=True)
    try:
        embedder = index.embedder(settings).embedder
        assert embedder is not None and embedder.model_dir == model_dir
        assert not embedder.model_path.is_relative_to(fake_home)
        junk = fake_home / ".cache" / "livepmo" / "models"
        assert [p.read_bytes() for p in junk.iterdir()] == [b"junk"]
    finally:
        index.forget(embedders=True)
