"""Fixtures for the knowledge tests: the ONNX model, a local Chroma server, tiny corpora."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.embedding import MiniLMEmbedder
from knowledge.records import ChunkRecord

CHROMA_BIN = Path(sys.executable).with_name("chroma")


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The MiniLM ONNX folder from LIVEPMO_EMBEDDING_MODEL_DIR; skips dense tests when unset."""
    value = os.environ.get("LIVEPMO_EMBEDDING_MODEL_DIR")
    if not value:
        pytest.skip("LIVEPMO_EMBEDDING_MODEL_DIR is not set")
    path = Path(value)
    if not (path / "model.onnx").is_file():
        pytest.skip(f"no model.onnx in LIVEPMO_EMBEDDING_MODEL_DIR={value}")
    return path


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> MiniLMEmbedder:
    return MiniLMEmbedder(model_dir)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A ``chroma run`` server on 127.0.0.1; yields its port. Skips if it cannot start."""
    if not CHROMA_BIN.exists():
        pytest.skip(f"{CHROMA_BIN} not found")
    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [str(CHROMA_BIN), "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not _heartbeat(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"chroma server did not start (see {folder / 'server.log'})")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def project_records() -> list[ChunkRecord]:
    """A tiny project knowledge base: two documents, several chunks each."""
    rows = [
        ("rel:0", "rel", "Release schedule", "We publish a new minor version every six weeks. "
         "Patch versions ship whenever a security fix is ready."),
        ("rel:1", "rel", "Release schedule", "The release manager freezes the branch two days "
         "before shipping and runs the full regression suite."),
        ("gov:0", "gov", "Governance", "The steering council has five members elected for "
         "one-year terms by the maintainers."),
        ("gov:1", "gov", "Governance", "Budget requests above 500 dollars need approval from "
         "the treasurer before any money is spent."),
        ("hol:0", "hol", "Leave policy", "Staff take annual leave after agreeing dates with "
         "their line manager at least two weeks ahead."),
    ]  # fmt: skip
    return [
        ChunkRecord(cid, f"{title}\n{text}", {"document_id": doc, "title": title})
        for cid, doc, title, text in rows
    ]
