from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from knowledge import int8_model
from knowledge.embedding import (
    EmbeddingError,
    EmbeddingUnavailable,
    MiniLMEmbedder,
    find_model_dir,
    load_embedder,
)
from knowledge.int8_model import cached_model_path, fuse_attention
from knowledge.openai_embedding import OpenAIEmbedder

SENTENCES = [
    "The release manager freezes the branch two days before shipping.",
    "Budget requests above 500 dollars need the treasurer's approval.",
    "ok",
    "",
    "Risks, assumptions, issues and dependencies are reviewed weekly. " * 40,  # > 256 tokens
]


def chroma_reference(model_dir: Path, texts: list[str]) -> np.ndarray:
    """Chroma's own default function, pointed at the same local model files."""
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    reference = ONNXMiniLM_L6_V2()
    reference.DOWNLOAD_PATH = model_dir.parent  # files are read from DOWNLOAD_PATH/onnx
    reference.EXTRACTED_FOLDER_NAME = model_dir.name
    return np.array(reference(texts))


@pytest.fixture(scope="session")
def fp32_embedder(model_dir: Path) -> MiniLMEmbedder:
    return MiniLMEmbedder(model_dir, precision="fp32")


@pytest.fixture(scope="session")
def int8_embedder(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> MiniLMEmbedder:
    """Builds the int8 model for real, once per session, into a fresh cache folder."""
    return MiniLMEmbedder(model_dir, cache_dir=tmp_path_factory.mktemp("model-cache"))


def copy_of(built: MiniLMEmbedder):  # type: ignore[no-untyped-def]
    """A stand-in for ``build_int8_model`` that copies the session's int8 model (fast)."""

    def build(model_dir: Path, target: Path, *, threads: int = 1) -> str:
        shutil.copyfile(built.model_path, target)
        return "copied"

    return build


def test_fp32_vectors_match_chromas_default_function(
    fp32_embedder: MiniLMEmbedder, model_dir: Path
) -> None:
    ours = fp32_embedder.embed(SENTENCES)
    reference = chroma_reference(model_dir, SENTENCES)
    assert fp32_embedder.precision == "fp32"
    assert ours.shape == (len(SENTENCES), 384)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, reference, atol=1e-5)


def test_int8_is_the_default_and_close_to_fp32(
    int8_embedder: MiniLMEmbedder, fp32_embedder: MiniLMEmbedder, model_dir: Path
) -> None:
    assert int8_embedder.precision == "int8"
    assert int8_embedder.model_path.parent == int8_embedder.cache_dir  # not in model_dir
    assert int8_embedder.model_path.name not in {p.name for p in model_dir.iterdir()}
    ours = int8_embedder.embed(SENTENCES)
    assert ours.shape == (len(SENTENCES), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = (ours * fp32_embedder.embed(SENTENCES)).sum(axis=1)
    assert cosine.min() > 0.95 and cosine.mean() > 0.98, cosine
    config = int8_embedder.chroma_function().get_config()
    assert config["precision"] == "int8"
    rebuilt = type(int8_embedder.chroma_function()).build_from_config(config)
    assert rebuilt.embedder.precision == "int8"


def test_batching_keeps_input_order(model_dir: Path) -> None:
    small_batches = MiniLMEmbedder(model_dir, precision="fp32", batch_size=2, max_batch_tokens=64)
    texts = SENTENCES[:3] + ["short", "a much longer sentence about the steering council " * 3]
    together = small_batches.embed(texts)
    one_by_one = np.vstack([small_batches.embed([t]) for t in texts])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert small_batches.embed([]).shape == (0, 384)


def test_int8_vectors_do_not_depend_on_the_batch(int8_embedder: MiniLMEmbedder) -> None:
    texts = SENTENCES + ["short", "a much longer sentence about the steering council " * 3]
    together = int8_embedder.embed(texts)
    one_by_one = np.vstack([int8_embedder.embed([t]) for t in texts])
    assert np.array_equal(together, one_by_one)  # bit for bit: each text runs alone
    assert np.array_equal(together, int8_embedder.embed(texts))
    assert int8_embedder.embed([]).shape == (0, 384)


def test_int8_model_is_reused_from_the_cache(
    int8_embedder: MiniLMEmbedder, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build(*args: object, **kwargs: object) -> str:
        raise AssertionError("the cached model should have been used")

    monkeypatch.setattr(int8_model, "build_int8_model", no_build)
    again = MiniLMEmbedder(model_dir, cache_dir=int8_embedder.cache_dir)
    assert again.precision == "int8" and again.model_path == int8_embedder.model_path
    assert cached_model_path(model_dir, int8_embedder.cache_dir) == int8_embedder.model_path


def test_int8_failure_falls_back_to_fp32(
    model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("quantiser exploded")

    monkeypatch.setattr(int8_model, "build_int8_model", broken)
    with caplog.at_level(logging.WARNING, logger="knowledge.embedding"):
        loaded = load_embedder(model_dir=model_dir, cache_dir=tmp_path)
    assert loaded.available and loaded.embedder.precision == "fp32"
    assert "quantiser exploded" in caplog.text and "falling back to fp32" in caplog.text
    reference = chroma_reference(model_dir, SENTENCES[:2])
    np.testing.assert_allclose(loaded.embedder.embed(SENTENCES[:2]), reference, atol=1e-5)


def test_damaged_cache_file_is_rebuilt(
    int8_embedder: MiniLMEmbedder,
    model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = cached_model_path(model_dir, tmp_path)
    target.write_bytes(b"half a model")
    monkeypatch.setattr(int8_model, "build_int8_model", copy_of(int8_embedder))
    with caplog.at_level(logging.WARNING, logger="knowledge.embedding"):
        rebuilt = MiniLMEmbedder(model_dir, cache_dir=tmp_path)
    assert rebuilt.precision == "int8" and "unreadable" in caplog.text
    assert target.read_bytes() == int8_embedder.model_path.read_bytes()


def test_unwritable_cache_builds_in_a_temporary_folder(
    int8_embedder: MiniLMEmbedder,
    model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setattr(int8_model, "build_int8_model", copy_of(int8_embedder))
    with caplog.at_level(logging.WARNING, logger="knowledge.embedding"):
        uncached = MiniLMEmbedder(model_dir, cache_dir=not_a_folder)
    assert uncached.precision == "int8" and "cannot cache" in caplog.text
    assert np.array_equal(uncached.embed(SENTENCES[:2]), int8_embedder.embed(SENTENCES[:2]))


def test_fusion_refuses_a_graph_without_attention() -> None:
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "no-attention",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    with pytest.raises(ValueError, match="no attention block"):
        fuse_attention(helper.make_model(graph), num_heads=12)


def test_unknown_precision_gives_a_reason(model_dir: Path) -> None:
    loaded = load_embedder(model_dir=model_dir, precision="fp16")
    assert loaded.embedder is None and "precision" in (loaded.reason or "")


def test_similar_sentences_are_closer(embedder: MiniLMEmbedder) -> None:
    a, b, c = embedder.embed(["When is the next release?", "Release schedule", "Leave policy"])
    assert a @ b > a @ c


def test_chroma_collection_can_use_the_embedder(embedder: MiniLMEmbedder) -> None:
    import chromadb
    from chromadb.config import Settings

    client = chromadb.EphemeralClient(Settings(anonymized_telemetry=False))
    collection = client.create_collection("ef-test", embedding_function=embedder.chroma_function())
    collection.add(ids=["a", "b"], documents=["Release schedule", "Leave policy"])
    result = collection.query(query_texts=["When do we ship?"], n_results=1)
    assert result["ids"] == [["a"]]
    client.delete_collection("ef-test")


def test_missing_model_gives_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EmbeddingUnavailable) as caught:
        find_model_dir(tmp_path / "nowhere")
    assert (
        "model.onnx" in caught.value.reason and "LIVEPMO_EMBEDDING_MODEL_DIR" in caught.value.reason
    )
    loaded = load_embedder(model_dir=tmp_path / "nowhere")
    assert not loaded.available and loaded.embedder is None
    assert "not found" in (loaded.reason or "")


def test_broken_model_file_gives_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "model.onnx").write_bytes(b"not an onnx model")
    (tmp_path / "tokenizer.json").write_text("{}")
    loaded = load_embedder(model_dir=tmp_path)
    assert loaded.embedder is None and "could not load" in (loaded.reason or "")


def test_no_configured_folder_means_no_model(model_dir: Path) -> None:
    with pytest.raises(EmbeddingUnavailable) as caught:
        find_model_dir(None)
    assert "LIVEPMO_EMBEDDING_MODEL_DIR" in caught.value.reason
    assert find_model_dir(model_dir) == model_dir


# -- OpenAI-compatible API -----------------------------------------------------


def fake_vector(text: str, width: int = 8) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [float(b) - 127.5 for b in digest[:width]]


class FakeEmbeddingsAPI(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeEmbeddingsAPI.requests.append({"path": self.path, "body": body})
        if body["model"] == "broken":
            self.send_response(500)
            self.end_headers()
            return
        inputs = body["input"]
        data = [
            {"object": "embedding", "index": i, "embedding": fake_vector(t)}
            for i, t in reversed(list(enumerate(inputs)))  # out of order on purpose
        ]
        payload = json.dumps(
            {"object": "list", "data": data, "model": body["model"],
             "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        ).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embeddings_api() -> Iterator[str]:
    FakeEmbeddingsAPI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEmbeddingsAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_embedder_batches_and_orders(embeddings_api: str) -> None:
    embedder = OpenAIEmbedder("test-embed", base_url=embeddings_api, api_key="k", batch_size=2)
    texts = ["alpha", "beta", "gamma", "delta", "epsilon"]
    vectors = embedder.embed(texts)
    assert vectors.shape == (5, 8)
    expected = np.array([fake_vector(t) for t in texts], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    assert [len(r["body"]["input"]) for r in FakeEmbeddingsAPI.requests] == [2, 2, 1]
    assert {r["path"] for r in FakeEmbeddingsAPI.requests} == {"/v1/embeddings"}
    assert {r["body"]["model"] for r in FakeEmbeddingsAPI.requests} == {"test-embed"}
    assert embedder.model_id == "openai/test-embed"
    assert len(embedder(["alpha"])) == 1  # Chroma's protocol


def test_openai_errors_are_embedding_errors(embeddings_api: str) -> None:
    embedder = OpenAIEmbedder("broken", base_url=embeddings_api, api_key="k", max_retries=0)
    with pytest.raises(EmbeddingError):
        embedder.embed(["x"])


def test_load_embedder_openai(embeddings_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    missing_key = load_embedder(provider="openai", openai_model="m", openai_base_url=embeddings_api)
    assert missing_key.embedder is None and "OPENAI_API_KEY" in (missing_key.reason or "")
    assert "model name" in (load_embedder(provider="openai", openai_api_key="k").reason or "")
    loaded = load_embedder(
        provider="openai", openai_model="m", openai_base_url=embeddings_api, openai_api_key="k"
    )
    assert loaded.available and loaded.embedder.embed(["x"]).shape == (1, 8)
    assert "unknown embedding provider" in (load_embedder(provider="magic").reason or "")


def test_a_question_is_embedded_once_for_search_and_answer(
    embedder: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[list[str]] = []
    real = embedder._embed
    monkeypatch.setattr(embedder, "_embed", lambda texts: runs.append(texts) or real(texts))
    question = "When is the code freeze for the autumn release?"
    first = embedder.embed([question])
    first[0, 0] = 99.0  # a caller changing its copy changes nothing for the next one
    again = embedder.embed([question])
    assert runs == [[question]] and again[0, 0] != 99.0
    np.testing.assert_allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)
    embedder.embed([question, "another"])
    assert runs[-1] == [question, "another"]  # batches are never served from the memo
