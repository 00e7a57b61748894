"""`livepmo model fetch` and the start-up fetch, against a local server holding the model.

The archive is built here from the real model files (LIVEPMO_EMBEDDING_MODEL_DIR) into
a temporary folder; Chroma's download URL and SHA256 point at the local server.
"""

from __future__ import annotations

import hashlib
import logging
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2
from typer.testing import CliRunner

from bot.core.settings import load_settings
from bot.runtime import fetch_model_if_wanted
from tests.slack_harness.http_server import LocalHTTPServer, Reply


@dataclass
class ModelServer:
    """Serves the archive at ``/onnx.tar.gz`` and HTTP 500 elsewhere; counts requests."""

    archive: bytes
    requests: list[str] = field(default_factory=list)

    def handle(
        self, verb: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        self.requests.append(path)
        if path == "/onnx.tar.gz":
            return Reply(200, self.archive, content_type="application/gzip")
        return Reply(500, b"internal error", content_type="text/plain")


class QuietServer(LocalHTTPServer):
    """The fetch hangs up on an error reply without reading it; that is no error here
    (socketserver would print a traceback into the CLI's captured stderr)."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def model_archive(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The model as Chroma packs it: a tar.gz with an ``onnx/`` folder."""
    path = tmp_path_factory.mktemp("archive") / "onnx.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        tar.add(model_dir, arcname="onnx")
    return path.read_bytes()


@pytest.fixture
def server(
    model_archive: bytes, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ModelServer, str]]:
    """The local server, with Chroma's URL and checksum pointed at its archive."""
    router = ModelServer(model_archive)
    httpd = QuietServer(("127.0.0.1", 0), router)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "MODEL_DOWNLOAD_URL", f"{base}/onnx.tar.gz")
    monkeypatch.setattr(
        ONNXMiniLM_L6_V2, "_MODEL_SHA256", hashlib.sha256(model_archive).hexdigest()
    )
    yield router, base
    httpd.shutdown()
    httpd.server_close()


def fetch(target: Path):
    from bot.cli import app

    return CliRunner().invoke(app, ["model", "fetch", "--dir", str(target)])


def test_fetch_puts_the_model_in_place_once(server, tmp_path: Path) -> None:
    router, _ = server
    target = tmp_path / "models" / "onnx"
    first = fetch(target)
    assert first.exit_code == 0, first.output
    assert (target / "model.onnx").is_file() and (target / "tokenizer.json").is_file()
    assert f"LIVEPMO_EMBEDDING_MODEL_DIR={target.resolve()}" in first.stdout
    assert [p for p in (tmp_path / "models").iterdir() if p != target] == []  # no staging left
    assert router.requests == ["/onnx.tar.gz"]

    second = fetch(target)
    assert second.exit_code == 0, second.output
    assert "already in" in second.stdout and "nothing to do" in second.stdout
    assert router.requests == ["/onnx.tar.gz"]  # no second download


def test_a_server_error_is_one_line_and_exit_1(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, base = server
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "MODEL_DOWNLOAD_URL", f"{base}/missing.tar.gz")
    result = fetch(tmp_path / "onnx")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"could not fetch all-MiniLM-L6-v2: {base}/missing.tar.gz answered HTTP 500"
    ]
    assert not (tmp_path / "onnx").exists()


def test_a_bad_checksum_is_one_line_and_exit_1(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "_MODEL_SHA256", "0" * 64)
    result = fetch(tmp_path / "onnx")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not match its SHA256 checksum" in lines[0]
    assert not (tmp_path / "onnx").exists()
    assert list(tmp_path.iterdir()) == []  # neither the archive nor a staging folder


def start_settings(tmp_path: Path, **overrides: object):
    return load_settings(
        livepmo_embedding_model_dir=None,
        livepmo_model_cache_dir=tmp_path / "cache",
        **overrides,
    )


def test_start_up_fetches_into_the_cache_when_asked(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("LIVEPMO_EMBEDDING_MODEL_DIR", raising=False)
    caplog.set_level(logging.INFO, logger="bot.runtime")
    settings = fetch_model_if_wanted(start_settings(tmp_path, livepmo_fetch_model=True))
    expected = tmp_path / "cache" / "all-MiniLM-L6-v2" / "onnx"
    assert settings.livepmo_embedding_model_dir == expected
    assert (expected / "model.onnx").is_file()
    assert load_settings().livepmo_embedding_model_dir == expected  # for the classifier too
    assert [r.getMessage() for r in caplog.records] == [
        f"embedding model: fetched all-MiniLM-L6-v2 into {expected}"
    ]


def test_start_up_goes_on_keyword_only_when_the_fetch_fails(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _, base = server
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "MODEL_DOWNLOAD_URL", f"{base}/offline")
    caplog.set_level(logging.INFO, logger="bot.runtime")
    settings = fetch_model_if_wanted(start_settings(tmp_path, livepmo_fetch_model=True))
    assert settings.livepmo_embedding_model_dir is None
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "answered HTTP 500" in messages[0]
    assert "keywords only" in messages[0]


def test_start_up_never_fetches_unless_asked(server, tmp_path: Path) -> None:
    router, _ = server
    settings = fetch_model_if_wanted(start_settings(tmp_path))
    assert settings.livepmo_embedding_model_dir is None
    assert router.requests == []
