"""Sentence embeddings: a fast local all-MiniLM-L6-v2 (ONNX) embedder.

The vectors equal Chroma's default ``ONNXMiniLM_L6_V2`` (same model files, same
mean pooling and L2 normalisation) but texts are sorted by length and padded per
batch instead of every text to 256 tokens, which makes indexing many times faster.

``load_embedder`` is the one entry point the app uses: it returns an embedder or
the reason none is available, so retrieval can fall back to lexical-only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
CHROMA_CACHE_DIR = Path.home() / ".cache" / "chroma" / "onnx_models" / MODEL_NAME / "onnx"
REQUIRED_FILES = ("model.onnx", "tokenizer.json")


class EmbeddingUnavailable(RuntimeError):
    """No embedder could be loaded; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EmbeddingError(RuntimeError):
    """An embedder failed while embedding (e.g. the remote API refused)."""


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from an embedder."""

    model_id: str
    """Stable identity of the vector space (stored with the vectors)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows the way Chroma does (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1e-12
    return (vectors / norms[:, None]).astype(np.float32)


def find_model_dir(model_dir: str | Path | None = None) -> Path:
    """Return the first folder holding the ONNX model: ``model_dir``, then Chroma's cache.

    Raises:
        EmbeddingUnavailable: neither folder holds ``model.onnx`` and ``tokenizer.json``.
    """
    candidates = [Path(model_dir).expanduser()] if model_dir else []
    candidates.append(CHROMA_CACHE_DIR)
    problems = []
    for folder in candidates:
        missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
        if not missing:
            return folder
        problems.append(f"{folder} (missing {', '.join(missing)})")
    raise EmbeddingUnavailable(
        f"{MODEL_NAME} model files not found in: {'; '.join(problems)}. "
        "Set LIVEPMO_EMBEDDING_MODEL_DIR to the model's onnx folder."
    )


def default_thread_count() -> int:
    """Threads for ONNX Runtime: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class MiniLMEmbedder(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 over ONNX Runtime with length-sorted, dynamically padded batches.

    Also a Chroma ``EmbeddingFunction``, so it can be handed to a collection.
    """

    model_id = MODEL_NAME

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        threads: int | None = None,
        batch_size: int = 32,
        max_batch_tokens: int = 1024,
    ) -> None:
        """Load tokenizer and model; raise ``EmbeddingUnavailable`` if they cannot load."""
        self.model_dir = find_model_dir(model_dir)
        self.threads = threads or default_thread_count()
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise EmbeddingUnavailable(f"embedding runtime not installed: {exc}") from exc
        try:
            tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.no_padding()
            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(
                str(self.model_dir / "model.onnx"),
                sess_options=options,
                providers=["CPUExecutionProvider"],
            )
        except Exception as exc:
            raise EmbeddingUnavailable(
                f"could not load {MODEL_NAME} from {self.model_dir}: {exc}"
            ) from exc
        self._tokenizer = tokenizer
        self._session = session
        self._input_names = {i.name for i in session.get_inputs()}

    # -- our interface -------------------------------------------------------

    @property
    def dimension(self) -> int:
        """Width of the vectors (384)."""
        return 384

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in ``text`` (before truncation, with [CLS]/[SEP])."""
        encoding = self._tokenizer.encode(text)
        return len(encoding.ids) + sum(len(o.ids) - 2 for o in encoding.overflowing)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 (n, 384), rows L2-normalised, input order."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for batch in self._batches(order, lengths):
            out[batch] = self._run([encodings[i] for i in batch])
        return out

    def _batches(self, order: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
        """Split indices (longest first) into batches bounded by count and padded tokens."""
        batches, start = [], 0
        while start < len(order):
            width = int(lengths[order[start]])  # longest in this batch
            size = max(1, min(self.batch_size, self.max_batch_tokens // max(width, 1)))
            batches.append(order[start : start + size])
            start += size
        return batches

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        weights = mask.astype(np.float32)[:, :, None]
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return l2_normalise(pooled)

    # -- Chroma's EmbeddingFunction protocol -------------------------------

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's name
        return list(self.embed(input))

    @staticmethod
    def name() -> str:
        return "livepmo_minilm"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    def max_tokens(self) -> int:
        return MAX_TOKENS

    def get_config(self) -> dict[str, Any]:
        return {"model_dir": str(self.model_dir), "threads": self.threads}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedder:
        return MiniLMEmbedder(config.get("model_dir"), threads=config.get("threads"))


@dataclass(frozen=True)
class EmbedderLoad:
    """Result of ``load_embedder``: an embedder, or why there is none."""

    embedder: Embedder | None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.embedder is not None


def load_embedder(
    *,
    provider: str = "local",
    model_dir: str | Path | None = None,
    openai_model: str | None = None,
    openai_base_url: str | None = None,
    openai_api_key: str | None = None,
) -> EmbedderLoad:
    """Load the configured embedder without raising.

    Args:
        provider: ``"local"`` (all-MiniLM-L6-v2 ONNX) or ``"openai"``.
        model_dir: Folder with ``model.onnx`` (``LIVEPMO_EMBEDDING_MODEL_DIR``);
            Chroma's download cache is tried after it.
        openai_model: Embedding model name for the OpenAI provider.
        openai_base_url: Base URL of an OpenAI-compatible API.
        openai_api_key: API key (defaults to ``OPENAI_API_KEY``).
    """
    try:
        if provider == "openai":
            from knowledge.openai_embedding import OpenAIEmbedder

            if not openai_model:
                raise EmbeddingUnavailable("OpenAI embeddings need an embedding model name")
            return EmbedderLoad(
                OpenAIEmbedder(openai_model, base_url=openai_base_url, api_key=openai_api_key)
            )
        if provider != "local":
            raise EmbeddingUnavailable(f"unknown embedding provider {provider!r}")
        return EmbedderLoad(MiniLMEmbedder(model_dir))
    except EmbeddingUnavailable as exc:
        logger.warning("dense retrieval unavailable: %s", exc.reason)
        return EmbedderLoad(None, exc.reason)
