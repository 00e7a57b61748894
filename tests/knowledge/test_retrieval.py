from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge import retrieval
from knowledge.embedding import MiniLMEmbedder
from knowledge.lexical import LexicalIndex
from knowledge.records import ORG_SCOPE, ChunkRecord
from knowledge.retrieval import DENSE, LEXICAL, HybridRetriever
from knowledge.vector_store import VectorStore


@pytest.fixture
def hybrid(embedder: MiniLMEmbedder, tmp_path: Path) -> HybridRetriever:
    store = VectorStore(path=tmp_path / "chroma", model_id=embedder.model_id)
    return HybridRetriever(embedder=embedder, vector_store=store, lexical_dir=tmp_path / "lexical")


def test_hybrid_finds_paraphrases_and_reports_both_methods(
    hybrid: HybridRetriever, project_records: list[ChunkRecord]
) -> None:
    assert hybrid.dense_available and hybrid.mode == "hybrid"
    hybrid.index("ABC", project_records)
    # no shared content words with the leave-policy chunk: only dense can find it
    hits = hybrid.search("How do I request time off?", scopes=["ABC"], k=3)
    assert hits[0].chunk_id == "hol:0"
    assert DENSE in hits[0].ranks
    # exact terms: both methods agree
    hits = hybrid.search("treasurer approval for budget requests", scopes=["ABC"], k=3)
    top = hits[0]
    assert top.chunk_id == "gov:1" and top.scope == "ABC"
    assert top.ranks == {DENSE: 1, LEXICAL: 1}
    assert set(top.scores) == {DENSE, LEXICAL}
    assert top.metadata["title"] == "Governance" and "treasurer" in (top.text or "")
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))


def test_search_across_scopes_and_filters(
    hybrid: HybridRetriever, project_records: list[ChunkRecord]
) -> None:
    hybrid.index("ABC", project_records[:4])
    hybrid.index(ORG_SCOPE, project_records[4:])
    hits = hybrid.search("annual leave and release dates", scopes=["ABC", ORG_SCOPE], k=5)
    assert {h.scope for h in hits} == {"ABC", ORG_SCOPE}
    assert hybrid.search("annual leave", scopes=["ABC"], k=5)[0].chunk_id != "hol:0"
    only_gov = hybrid.search("release", scopes=["ABC"], k=5, where={"document_id": "gov"})
    assert {h.metadata["document_id"] for h in only_gov} == {"gov"}


def test_delete_by_document_and_rebuild(
    hybrid: HybridRetriever, project_records: list[ChunkRecord]
) -> None:
    hybrid.index("ABC", project_records)
    assert hybrid.delete("ABC", document_id="rel") == 2
    assert hybrid.vector_store.count("ABC") == 3
    assert all(not h.chunk_id.startswith("rel") for h in hybrid.search("release", scopes=["ABC"]))
    hybrid.replace_scope("ABC", project_records[:1])
    assert [h.chunk_id for h in hybrid.search("minor version", scopes=["ABC"])] == ["rel:0"]


def test_indexes_persist_across_instances(
    embedder: MiniLMEmbedder, tmp_path: Path, project_records: list[ChunkRecord]
) -> None:
    def make() -> HybridRetriever:
        store = VectorStore(path=tmp_path / "chroma", model_id=embedder.model_id)
        return HybridRetriever(embedder=embedder, vector_store=store, lexical_dir=tmp_path / "lex")

    make().index("ABC", project_records)
    hits = make().search("steering council", scopes=["ABC"], k=1)
    assert hits[0].chunk_id == "gov:0" and hits[0].ranks == {DENSE: 1, LEXICAL: 1}


def test_lexical_only_fallback(tmp_path: Path, project_records: list[ChunkRecord]) -> None:
    retriever = HybridRetriever(
        lexical_dir=tmp_path, dense_unavailable_reason="model files not found in /nowhere"
    )
    assert not retriever.dense_available and retriever.mode == "lexical-only"
    assert retriever.dense_unavailable_reason == "model files not found in /nowhere"
    retriever.index("ABC", project_records)
    hits = retriever.search("who approves the budget", scopes=["ABC"], k=2)
    assert hits[0].chunk_id == "gov:1" and set(hits[0].ranks) == {LEXICAL}
    assert hits[0].metadata["document_id"] == "gov"
    assert retriever.search("   ", scopes=["ABC"]) == []


def test_embedder_without_store_is_lexical_only(embedder: MiniLMEmbedder) -> None:
    retriever = HybridRetriever(embedder=embedder)
    assert retriever.dense_unavailable_reason == "no vector store configured"


def test_dense_failure_falls_back_to_lexical(
    hybrid: HybridRetriever, project_records: list[ChunkRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    hybrid.index("ABC", project_records)

    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("chroma is down")

    monkeypatch.setattr(hybrid.vector_store, "query", broken)
    hits = hybrid.search("steering council", scopes=["ABC"], k=2)
    assert hits[0].chunk_id == "gov:0" and set(hits[0].ranks) == {LEXICAL}
    assert hybrid.last_dense_error == "chroma is down"


def test_hits_missing_from_the_bm25_index_take_text_from_chroma(
    embedder: MiniLMEmbedder, tmp_path: Path, project_records: list[ChunkRecord]
) -> None:
    store = VectorStore(path=tmp_path / "chroma", model_id=embedder.model_id)
    HybridRetriever(embedder=embedder, vector_store=store).index("ABC", project_records)
    fresh = HybridRetriever(embedder=embedder, vector_store=store)  # BM25 index not on disk
    [hit] = fresh.search("steering council", scopes=["ABC"], k=1)
    assert hit.chunk_id == "gov:0" and hit.ranks == {DENSE: 1}
    assert hit.metadata["document_id"] == "gov" and "steering council" in (hit.text or "")
    assert fresh.stats("ABC") == {LEXICAL: 0, DENSE: 5}


def test_chunks_deleted_while_dense_was_down_do_not_come_back(
    hybrid: HybridRetriever, project_records: list[ChunkRecord], tmp_path: Path
) -> None:
    hybrid.index("ABC", project_records)
    # the model went missing for a while: a lexical-only instance deleted a document
    degraded = HybridRetriever(lexical_dir=tmp_path / "lexical", dense_unavailable_reason="x")
    assert degraded.delete("ABC", document_id="gov") == 2
    fresh = HybridRetriever(
        embedder=hybrid.embedder, vector_store=hybrid.vector_store, lexical_dir=tmp_path / "lexical"
    )
    assert fresh.stats("ABC") == {LEXICAL: 3, DENSE: 5}
    hits = fresh.search("steering council budget", scopes=["ABC"], k=5)
    assert hits and not any(h.metadata.get("document_id") == "gov" for h in hits)


def test_the_keyword_index_is_saved_built_so_a_new_process_does_not_rebuild_it(
    project_records: list[ChunkRecord], tmp_path: Path
) -> None:
    retriever = HybridRetriever(lexical_dir=tmp_path)
    retriever.index("ABC", project_records)
    manifest = json.loads(next(tmp_path.glob("*/manifest.json")).read_text())
    assert manifest["ids"] == [r.id for r in project_records]
    reloaded = HybridRetriever(lexical_dir=tmp_path)
    assert reloaded.search("treasurer", scopes=["ABC"], k=1)[0].chunk_id == "gov:1"
    assert not reloaded.lexical_index("ABC")._dirty  # loaded built, not rebuilt


def test_deferred_saves_save_once_at_the_end(
    project_records: list[ChunkRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "SAVE_EVERY_SECONDS", 3600.0)
    retriever = HybridRetriever(lexical_dir=tmp_path)
    other = HybridRetriever(lexical_dir=tmp_path)  # another process reading the same folder
    saves = []
    monkeypatch.setattr(LexicalIndex, "save", lambda self, folder: saves.append(len(self)))
    with retriever.deferred_saves():
        for record in project_records:
            retriever.index("ABC", [record])
        retriever.delete("ABC", document_id="hol")
        assert saves == []
    assert saves == [len(project_records) - 1]
    monkeypatch.undo()
    retriever.save()
    assert other.stats("ABC") == {LEXICAL: len(project_records) - 1}


def test_deferred_changes_survive_another_process_saving_the_same_scope(
    project_records: list[ChunkRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "SAVE_EVERY_SECONDS", 3600.0)
    ingest = HybridRetriever(lexical_dir=tmp_path)
    bot = HybridRetriever(lexical_dir=tmp_path)  # say, the bot taking a Slack upload
    first, second, third = project_records[:2], project_records[2:3], project_records[3:]
    with ingest.deferred_saves():
        ingest.index("ABC", first)
        bot.index("ABC", second)  # saved at once, while the ingest has unsaved changes
        ingest.index("ABC", third)
        ingest.delete("ABC", [first[0].id])
    expected = sorted(r.id for r in project_records[1:])
    assert sorted(r.id for r in ingest.lexical_index("ABC").records()) == expected
    assert (
        sorted(r.id for r in HybridRetriever(lexical_dir=tmp_path).lexical_index("ABC").records())
        == expected
    )


def test_deferred_saves_also_save_along_the_way(
    project_records: list[ChunkRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "SAVE_EVERY_SECONDS", 0.0)
    retriever = HybridRetriever(lexical_dir=tmp_path)
    other = HybridRetriever(lexical_dir=tmp_path)
    with retriever.deferred_saves():
        retriever.index("ABC", project_records[:2])
        assert other.stats("ABC") == {LEXICAL: 2}


def test_replace_document_drops_chunks_that_no_longer_exist(
    project_records: list[ChunkRecord], tmp_path: Path
) -> None:
    retriever = HybridRetriever(lexical_dir=tmp_path)
    retriever.index("ABC", project_records)
    shorter = [ChunkRecord("rel:0", "Releases now ship monthly.", {"document_id": "rel"})]
    assert retriever.replace_document("ABC", "rel", shorter) == 1
    assert retriever.stats("ABC") == {LEXICAL: 4}
    assert [h.chunk_id for h in retriever.search("releases ship", scopes=["ABC"])] == ["rel:0"]
