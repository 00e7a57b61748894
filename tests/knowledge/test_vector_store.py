from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from knowledge.records import ORG_SCOPE, ChunkRecord
from knowledge.vector_store import (
    EmbedderMismatch,
    VectorStore,
    VectorStoreError,
    collection_name,
)


def unit_vectors(n: int, width: int = 16, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, width)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


RECORDS = [
    ChunkRecord(f"c{i}", f"chunk {i}", {"document_id": f"d{i % 3}", "order": i}) for i in range(9)
]


def exercise(store: VectorStore) -> None:
    vectors = unit_vectors(len(RECORDS))
    store.upsert("ABC", RECORDS, vectors)
    store.upsert(ORG_SCOPE, RECORDS[:2], vectors[:2])
    assert (store.count("ABC"), store.count(ORG_SCOPE), store.count("nothing")) == (9, 2, 0)

    top = store.query("ABC", vectors[4], k=3)
    assert top[0].id == "c4" and top[0].score == pytest.approx(1.0, abs=1e-4)
    assert [s.rank for s in top] == [1, 2, 3]
    assert store.get("ABC", ["c4", "missing"]) == {
        "c4": ({"document_id": "d1", "order": 4}, "chunk 4")
    }

    filtered = store.query("ABC", vectors[4], k=9, where={"document_id": "d2"})
    assert {s.id for s in filtered} == {"c2", "c5", "c8"}
    either = store.query(
        "ABC", vectors[4], k=9, where={"document_id": ["d0", "d2"], "order": [0, 8]}
    )
    assert {s.id for s in either} == {"c0", "c8"}

    store.delete("ABC", where={"document_id": "d0"})
    store.delete("ABC", ["c1"])
    assert store.count("ABC") == 5
    store.upsert("ABC", [ChunkRecord("c2", "changed", {"document_id": "d2"})], vectors[:1])
    assert store.count("ABC") == 5
    assert store.query("ABC", vectors[0], k=1)[0].id == "c2"
    assert store.get("ABC", ["c2"])["c2"] == ({"document_id": "d2"}, "changed")
    assert store.query("nothing", vectors[0], k=3) == []
    assert store.get("nothing", ["c2"]) == {}
    store.drop("ABC")
    assert store.count("ABC") == 0


def test_embedded_mode(tmp_path: Path) -> None:
    store = VectorStore(path=tmp_path / "chroma", model_id="test-model")
    assert store.heartbeat()
    exercise(store)


def test_vectors_persist_and_embedder_is_checked(tmp_path: Path) -> None:
    VectorStore(path=tmp_path, model_id="model-a").upsert("P", RECORDS[:3], unit_vectors(3))
    assert VectorStore(path=tmp_path, model_id="model-a").count("P") == 3
    with pytest.raises(EmbedderMismatch, match="rebuild"):
        VectorStore(path=tmp_path, model_id="model-b").count("P")


def test_server_mode(chroma_server: int) -> None:
    store = VectorStore(host="127.0.0.1", port=chroma_server, model_id="test-model")
    assert store.heartbeat()
    exercise(store)


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(VectorStoreError, match="127.0.0.1:9"):
        VectorStore(host="127.0.0.1", port=9, model_id="m")


def test_upsert_checks_lengths(tmp_path: Path) -> None:
    store = VectorStore(path=tmp_path, model_id="m")
    with pytest.raises(ValueError):
        store.upsert("P", RECORDS[:2], unit_vectors(3))


@pytest.mark.parametrize("scope", ["ABC", "org", "Project X/2026", "é", "a" * 100])
def test_collection_names_are_valid_for_chroma(scope: str) -> None:
    name = collection_name(scope)
    assert 3 <= len(name) <= 63
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]", name)
    assert collection_name(scope) == name
    assert collection_name("Project X") != collection_name("Project-X")
