"""Sentence embeddings: a fast local all-MiniLM-L6-v2 (ONNX) embedder.

Same model files, mean pooling and L2 normalisation as Chroma's default
``ONNXMiniLM_L6_V2``, but no text is padded to 256 tokens. Two precisions:

* ``"int8"`` (the default): on first load the model is rewritten once — each
  layer's self-attention becomes one ``MultiHeadAttention`` kernel (checked against
  the original graph on probe texts; in practice bit-identical) and the 36 weight
  matrices are quantised to int8 (``quantize_dynamic``: per channel, reduced range)
  — and saved in a cache folder (never in the model folder). Activations are
  quantised per tensor at run time, so every text runs on its own (unpadded): a
  text's vector then does not depend on the texts embedded with it. Cosine to the
  fp32 vectors is about 0.99 (0.96 for a two-word text; a build below
  ``MIN_INT8_COSINE`` is refused). If anything fails, the fp32 model is used and
  the reason logged.
* ``"fp32"``: the original graph; texts are sorted by length and padded per batch.
  The vectors equal Chroma's (to 1e-5).

Either way batches run in parallel, one per core, each on a single ONNX Runtime
thread: small unpadded runs scale better that way than split across threads.
Both precisions share the model id: int8 vectors approximate the same space, so a
store filled by one is searched by the other (SciFact nDCG@10 is the same).

``load_embedder`` is the one entry point the app uses: it returns an embedder or
the reason none is available, so retrieval can fall back to lexical-only.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
RECENT_QUERIES = 32
"""Single texts (questions) whose vectors are kept: asking embeds the question twice."""
ENCODE_SLICE = 1024
"""Texts tokenised at a time (each holds ~8 KB of encodings until it is embedded)."""
REQUIRED_FILES = ("model.onnx", "tokenizer.json")
PRECISIONS = ("int8", "fp32")
DEFAULT_PRECISION = "int8"


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
    """Return ``model_dir`` if it holds the ONNX model.

    Only the configured folder is read (``LIVEPMO_EMBEDDING_MODEL_DIR``): never a cache
    in the home folder (Chroma's, Hugging Face's), so what answers does not depend on
    what some other program left there.

    Raises:
        EmbeddingUnavailable: no folder is configured, or it lacks ``model.onnx`` or
            ``tokenizer.json``.
    """
    if not model_dir:
        raise EmbeddingUnavailable(
            f"no {MODEL_NAME} model configured: set LIVEPMO_EMBEDDING_MODEL_DIR to the "
            "model's onnx folder (answers use keywords only until then)."
        )
    folder = Path(model_dir).expanduser()
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise EmbeddingUnavailable(
            f"{MODEL_NAME} model files not found in {folder} (missing {', '.join(missing)}). "
            "Set LIVEPMO_EMBEDDING_MODEL_DIR to the model's onnx folder."
        )
    return folder


def default_thread_count() -> int:
    """Threads for ONNX Runtime: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_cache_dir() -> Path:
    """Where optimised models are kept: ``$XDG_CACHE_HOME/livepmo/models`` (``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "livepmo" / "models"


def session_options(ort: Any, threads: int) -> Any:
    """The ONNX Runtime options every session here uses (all graph optimisations)."""
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


def run_session(session: Any, input_names: set[str], encodings: list[Any]) -> np.ndarray:
    """Run one padded batch; return mean-pooled, L2-normalised vectors."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, enc in enumerate(encodings):
        ids[row, : len(enc.ids)] = enc.ids
        mask[row, : len(enc.ids)] = 1
    feed = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in input_names:
        feed["token_type_ids"] = np.zeros_like(ids)
    hidden = session.run(None, feed)[0]
    weights = mask.astype(np.float32)[:, :, None]
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return l2_normalise(pooled)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 over ONNX Runtime, int8 by default, never padded to 256 tokens.

    ``chroma_function()`` makes it a Chroma ``EmbeddingFunction`` for a collection.
    """

    model_id = MODEL_NAME

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        precision: str = DEFAULT_PRECISION,
        cache_dir: str | Path | None = None,
        threads: int | None = None,
        batch_size: int = 32,
        max_batch_tokens: int = 1024,
    ) -> None:
        """Load tokenizer and model; raise ``EmbeddingUnavailable`` if they cannot load.

        Args:
            model_dir: Folder with ``model.onnx`` and ``tokenizer.json`` (read only).
            precision: ``"int8"`` (built once into ``cache_dir``; falls back to fp32 with
                a warning if that fails) or ``"fp32"`` (the original graph).
            cache_dir: Writable folder for the int8 model; default ``default_cache_dir()``.
                If it cannot be written, the int8 model is built in a temporary folder.
            threads: Batches run in parallel on this many worker threads, each batch on
                one core (one ONNX Runtime intra-op thread): no thread barriers inside
                a run, and a batch's result does not depend on the scheduling. Default:
                the CPUs this process may use. A single text runs on the caller's thread.
            batch_size, max_batch_tokens: fp32 batching (texts sorted by length, each batch
                padded to its longest text). int8 runs every text on its own.
        """
        if precision not in PRECISIONS:
            raise EmbeddingUnavailable(f"unknown embedding precision {precision!r}")
        self.model_dir = find_model_dir(model_dir)
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.threads = threads or default_thread_count()
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise EmbeddingUnavailable(f"embedding runtime not installed: {exc}") from exc
        session = None
        self.precision = "fp32"
        self.model_path = self.model_dir / "model.onnx"
        try:
            tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.no_padding()
            if precision == "int8":
                session = self._int8_session(ort)
            if session is None:
                session = ort.InferenceSession(
                    str(self.model_dir / "model.onnx"),
                    sess_options=session_options(ort, 1),
                    providers=["CPUExecutionProvider"],
                )
        except Exception as exc:
            raise EmbeddingUnavailable(
                f"could not load {MODEL_NAME} from {self.model_dir}: {exc}"
            ) from exc
        self._tokenizer = tokenizer
        self._session = session
        self._input_names = {i.name for i in session.get_inputs()}
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._recent: dict[str, np.ndarray] = {}  # the last single texts embedded, oldest first
        self._recent_lock = threading.Lock()

    def _open(self, ort: Any, path: Path) -> Any:
        return ort.InferenceSession(
            str(path),
            sess_options=session_options(ort, 1),
            providers=["CPUExecutionProvider"],
        )

    def _int8_session(self, ort: Any) -> Any | None:
        """The cached int8 model's session (built on first use), or None to use fp32."""
        from knowledge.int8_model import build_int8_model, cached_model_path

        try:
            target = cached_model_path(self.model_dir, self.cache_dir)
            if target.is_file():
                try:
                    session = self._open(ort, target)
                    self.precision, self.model_path = "int8", target
                    return session
                except Exception as exc:  # a damaged cache file: build it again
                    logger.warning("embedding model: %s unreadable (%s); rebuilding", target, exc)
                    target.unlink(missing_ok=True)
            try:
                done = build_int8_model(self.model_dir, target, threads=self.threads)
            except OSError as exc:  # the cache folder cannot be written
                logger.warning(
                    "embedding model: cannot cache in %s (%s); building in a temporary folder",
                    self.cache_dir,
                    exc,
                )
                with tempfile.TemporaryDirectory(prefix="livepmo-model-") as folder:
                    done = build_int8_model(
                        self.model_dir, Path(folder) / target.name, threads=self.threads
                    )
                    session = self._open(ort, Path(folder) / target.name)
                logger.info("embedding model: %s (not cached)", done)
                self.precision, self.model_path = "int8", Path(folder) / target.name
                return session
            logger.info("embedding model: %s; cached at %s", done, target)
            session = self._open(ort, target)
            self.precision, self.model_path = "int8", target
            return session
        except Exception as exc:
            logger.warning(
                "embedding model: int8 model unavailable (%s: %s); falling back to fp32",
                type(exc).__name__,
                exc,
            )
            return None

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
        if len(texts) == 1:  # a question: searched, then read again by the answer composer
            with self._recent_lock:
                cached = self._recent.get(texts[0])
            if cached is not None:
                return cached.copy()
            vector = self._embed(texts)
            with self._recent_lock:
                self._recent[texts[0]] = vector
                while len(self._recent) > RECENT_QUERIES:
                    self._recent.pop(next(iter(self._recent)))
            return vector.copy()
        unique = list(dict.fromkeys(texts))
        if len(unique) < len(texts):  # a repeated text (table rows, boilerplate): embedded once
            row = {text: number for number, text in enumerate(unique)}
            return self._embed(unique)[[row[text] for text in texts]]
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embed ``ENCODE_SLICE`` texts at a time, so a large document's tokens never all
        sit in memory at once."""
        parts = [texts[i : i + ENCODE_SLICE] for i in range(0, len(texts), ENCODE_SLICE)]
        return np.concatenate([self._embed_slice(part) for part in parts])

    def _embed_slice(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        batches = self._batches(order, lengths)

        def run(batch: np.ndarray) -> np.ndarray:
            return self._run([encodings[i] for i in batch])

        if len(batches) == 1 or self.threads == 1:
            results = map(run, batches)
        else:  # each batch on one core; ONNX Runtime releases the GIL while it runs
            results = self._workers().map(run, batches)
        for batch, vectors in zip(batches, results, strict=True):
            out[batch] = vectors
        return out

    def _workers(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="minilm")
            return self._pool

    def _batches(self, order: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
        """Split indices (longest first) into batches bounded by count and padded tokens.

        int8: one text per batch. Its activations are quantised per tensor, so in a
        shared batch a text's vector would depend on its neighbours (and padding).
        """
        if self.precision == "int8":
            return [order[i : i + 1] for i in range(len(order))]
        batches, start = [], 0
        while start < len(order):
            width = int(lengths[order[start]])  # longest in this batch
            size = max(1, min(self.batch_size, self.max_batch_tokens // max(width, 1)))
            batches.append(order[start : start + size])
            start += size
        return batches

    def _run(self, encodings: list[Any]) -> np.ndarray:
        return run_session(self._session, self._input_names, encodings)

    def chroma_function(self) -> Any:
        """This embedder as a Chroma ``EmbeddingFunction`` (imports Chroma)."""
        return _chroma_function_class()(self)


@cache
def _chroma_function_class() -> type:
    """Chroma's ``EmbeddingFunction`` over a `MiniLMEmbedder`, defined on first use: importing
    Chroma costs about a second, which commands that never embed should not pay."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

    class MiniLMChromaFunction(EmbeddingFunction[Documents]):
        def __init__(self, embedder: MiniLMEmbedder) -> None:
            self.embedder = embedder

        def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's name
            return list(self.embedder.embed(input))

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
            e = self.embedder
            return {
                "model_dir": str(e.model_dir),
                "threads": e.threads,
                "precision": e.precision,
                "cache_dir": str(e.cache_dir),
            }

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> MiniLMChromaFunction:
            embedder = MiniLMEmbedder(
                config.get("model_dir"),
                threads=config.get("threads"),
                precision=config.get("precision", DEFAULT_PRECISION),
                cache_dir=config.get("cache_dir"),
            )
            return MiniLMChromaFunction(embedder)

    return MiniLMChromaFunction


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
    precision: str = DEFAULT_PRECISION,
    cache_dir: str | Path | None = None,
) -> EmbedderLoad:
    """Load the configured embedder without raising.

    Args:
        provider: ``"local"`` (all-MiniLM-L6-v2 ONNX) or ``"openai"``.
        model_dir: Folder with ``model.onnx`` (``LIVEPMO_EMBEDDING_MODEL_DIR``); the
            only place the model is looked for.
        openai_model: Embedding model name for the OpenAI provider.
        openai_base_url: Base URL of an OpenAI-compatible API.
        openai_api_key: API key (defaults to ``OPENAI_API_KEY``).
        precision: Local model: ``"int8"`` (default; fp32 if it cannot be built) or ``"fp32"``.
        cache_dir: Writable folder for the local int8 model (default ``default_cache_dir()``).
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
        return EmbedderLoad(MiniLMEmbedder(model_dir, precision=precision, cache_dir=cache_dir))
    except EmbeddingUnavailable as exc:
        logger.warning("dense retrieval unavailable: %s", exc.reason)
        return EmbedderLoad(None, exc.reason)
