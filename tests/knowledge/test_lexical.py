from __future__ import annotations

from pathlib import Path

from knowledge.lexical import Analyzer, LexicalIndex
from knowledge.records import ChunkRecord


def ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_analyzer_stems_and_drops_stopwords() -> None:
    assert Analyzer()("The Releases are SHIPPED, weekly!") == ["releas", "ship", "week"]
    assert Analyzer(stem=False)("The releases") == ["releases"]


def test_search_ranks_matching_chunks_with_stemming(project_records: list[ChunkRecord]) -> None:
    index = LexicalIndex(project_records)
    hits = index.search("who approves budget spending?", k=3)
    assert ids(hits)[0] == "gov:1"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score > 0 for a, b in zip(hits, hits[1:], strict=False))
    assert ids(index.search("shipping releases", k=2))[0].startswith("rel:")


def test_no_matching_terms_means_no_hits(project_records: list[ChunkRecord]) -> None:
    index = LexicalIndex(project_records)
    assert index.search("the and of", k=5) == []
    assert index.search("xylophone", k=5) == []
    assert LexicalIndex().search("release", k=5) == []


def test_metadata_filter(project_records: list[ChunkRecord]) -> None:
    index = LexicalIndex(project_records)
    hits = index.search("release budget leave", k=10, where={"document_id": ["gov", "hol"]})
    assert {h.id.split(":")[0] for h in hits} == {"gov", "hol"}


def test_upsert_replaces_and_delete_removes(project_records: list[ChunkRecord]) -> None:
    index = LexicalIndex(project_records)
    index.upsert(
        [ChunkRecord("hol:0", "Remote working needs a signed agreement.", {"document_id": "hol"})]
    )
    assert len(index) == 5
    assert index.search("annual leave", k=5) == []
    assert ids(index.search("remote working", k=5)) == ["hol:0"]
    assert index.delete(where={"document_id": "rel"}) == 2
    assert index.delete(["gov:0", "missing"]) == 1
    assert sorted(r.id for r in index.records()) == ["gov:1", "hol:0"]
    assert index.search("release", k=5) == []


def test_a_chunk_moved_to_another_document_is_deleted_with_that_document(
    project_records: list[ChunkRecord],
) -> None:
    index = LexicalIndex(project_records)
    index.upsert([ChunkRecord("rel:0", "Moved into governance.", {"document_id": "gov"})])
    assert index.delete(where={"document_id": "rel"}) == 1
    assert index.delete(where={"document_id": "gov", "title": "Governance"}) == 2
    assert sorted(r.id for r in index.records()) == ["hol:0", "rel:0"]
    assert index.delete(where={"document_id": ["gov", "hol"]}) == 2
    assert len(index) == 0


def test_save_and_load_round_trip(project_records: list[ChunkRecord], tmp_path: Path) -> None:
    index = LexicalIndex(project_records, k1=1.5, b=0.6)
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert (loaded.k1, loaded.b, len(loaded)) == (1.5, 0.6, 5)
    query = "steering council members"
    assert [(h.id, round(h.score, 5)) for h in loaded.search(query)] == [
        (h.id, round(h.score, 5)) for h in index.search(query)
    ]
    assert loaded.get("gov:0") == project_records[2]
    loaded.upsert([ChunkRecord("new:0", "Council elections happen in March.", {})])
    assert "new:0" in ids(loaded.search("council elections"))


def test_empty_index_saves_and_loads(tmp_path: Path) -> None:
    LexicalIndex().save(tmp_path)
    assert len(LexicalIndex.load(tmp_path)) == 0
