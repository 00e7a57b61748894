"""Fetch all-MiniLM-L6-v2 (ONNX) once, with Chroma's own download.

Chroma's ``ONNXMiniLM_L6_V2`` gives the archive's URL, its SHA256 and the extraction;
we point its ``DOWNLOAD_PATH`` at a staging folder beside the target and move the
extracted ``onnx`` folder into place, so a half-fetched model is never taken for one.
Only the HTTP request is ours: Chroma's writes an error page (HTTP 500) to disk and
then reports a checksum mismatch, and draws a progress bar.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.embedding import MODEL_NAME, REQUIRED_FILES, default_cache_dir

DOWNLOAD_TIMEOUT = 60.0  # seconds without a byte before giving up


class ModelFetchError(RuntimeError):
    """The model could not be fetched; the message is one line for the operator."""


@dataclass(frozen=True)
class ModelFetch:
    """Where the model is, and whether this call downloaded it."""

    folder: Path
    downloaded: bool


def default_model_dir(cache_dir: str | Path | None = None) -> Path:
    """Where the fetched model goes: ``<cache dir>/all-MiniLM-L6-v2/onnx``."""
    base = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    return base / MODEL_NAME / "onnx"


def has_model(folder: Path) -> bool:
    """True when ``folder`` holds ``model.onnx`` and ``tokenizer.json``."""
    return all((folder / name).is_file() for name in REQUIRED_FILES)


def fetch_model(folder: str | Path) -> ModelFetch:
    """Download and unpack the model into ``folder`` unless it is already there.

    Raises:
        ModelFetchError: the download failed, its checksum did not match, or the
            archive or folder could not be written.
    """
    target = Path(folder).expanduser()
    if has_model(target):
        return ModelFetch(target, downloaded=False)
    chroma_download = _quiet_download_class()
    url = chroma_download.MODEL_DOWNLOAD_URL
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".fetch-", dir=target.parent) as staging:
            chroma = chroma_download()
            chroma.DOWNLOAD_PATH = Path(staging)
            chroma._download_model_if_not_exists()
            extracted = Path(staging) / chroma.EXTRACTED_FOLDER_NAME
            if not has_model(extracted):
                raise ModelFetchError(
                    f"could not fetch {MODEL_NAME}: the archive from {url} holds no "
                    f"{' and '.join(REQUIRED_FILES)}"
                )
            if target.exists():  # an incomplete earlier copy
                shutil.rmtree(target)
            extracted.rename(target)
    except ModelFetchError:
        raise
    except OSError as exc:
        raise ModelFetchError(f"cannot write the model to {target}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - HTTP, checksum and archive errors alike
        raise ModelFetchError(f"could not fetch {MODEL_NAME} from {url}: {exc}") from exc
    return ModelFetch(target, downloaded=True)


@cache
def _quiet_download_class() -> type:
    """Chroma's model download with an HTTP status check and no progress bar, defined on
    first use: importing Chroma costs about a second."""
    import httpx
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import (
        ONNXMiniLM_L6_V2,
        _verify_sha256,
    )

    class QuietDownload(ONNXMiniLM_L6_V2):
        def _download(self, url: str, fname: str, chunk_size: int = 1 << 20) -> None:
            with httpx.stream("GET", url, follow_redirects=True, timeout=DOWNLOAD_TIMEOUT) as resp:
                if resp.status_code != 200:
                    raise ModelFetchError(
                        f"could not fetch {MODEL_NAME}: {url} answered HTTP {resp.status_code}"
                    )
                with open(fname, "wb") as file:
                    for data in resp.iter_bytes(chunk_size=chunk_size):
                        file.write(data)
            if not _verify_sha256(fname, self._MODEL_SHA256):
                Path(fname).unlink(missing_ok=True)
                raise ModelFetchError(
                    f"could not fetch {MODEL_NAME}: the file from {url} does not match its "
                    "SHA256 checksum (corrupted download or wrong file)"
                )

    return QuietDownload
