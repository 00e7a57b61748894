"""The process's search index: one `HybridRetriever` per storage setting, built on first use.

The embedder comes from settings (`LIVEPMO_EMBEDDINGS`, `LIVEPMO_EMBEDDING_MODEL_DIR`);
when it cannot load, or Chroma cannot be opened, search runs on the lexical index
alone and `reason` says why, once in the log and in `/pmo kb status`.
"""

from __future__ import annotations

import logging
import threading

from bot.core.settings import Settings
from knowledge.embedding import EmbedderLoad, load_embedder
from knowledge.retrieval import HybridRetriever
from knowledge.vector_store import VectorStore, VectorStoreError

log = logging.getLogger(__name__)

_cache: dict[tuple[object, ...], HybridRetriever] = {}
_embedders: dict[tuple[object, ...], EmbedderLoad] = {}
_lock = threading.RLock()


def _embedder_key(settings: Settings) -> tuple[object, ...]:
    return (
        settings.livepmo_embeddings,
        str(settings.livepmo_embedding_model_dir),
        str(settings.livepmo_model_cache_dir),
        settings.openai_embedding_model,
        settings.openai_base_url,
    )


def _key(settings: Settings) -> tuple[object, ...]:
    store = (str(settings.chroma_path.resolve()), settings.chroma_host, settings.chroma_port)
    return store + _embedder_key(settings)


def embedder(settings: Settings) -> EmbedderLoad:
    """The configured embedder, loaded once per process (or why there is none)."""
    key = _embedder_key(settings)
    with _lock:
        if key not in _embedders:
            _embedders[key] = load_embedder(
                provider=settings.livepmo_embeddings,
                model_dir=settings.livepmo_embedding_model_dir,
                openai_model=settings.openai_embedding_model,
                openai_base_url=settings.openai_base_url,
                openai_api_key=settings.openai_api_key,
                cache_dir=settings.livepmo_model_cache_dir,
            )
        return _embedders[key]


def build_retriever(settings: Settings) -> HybridRetriever:
    """A new retriever for these settings (embedder, Chroma, lexical folder)."""
    loaded = embedder(settings)
    reason = loaded.reason
    store = None
    if loaded.embedder is not None:
        try:
            store = VectorStore(
                path=settings.chroma_path,
                host=settings.chroma_host,
                port=settings.chroma_port,
                model_id=loaded.embedder.model_id,
            )
        except VectorStoreError as exc:
            reason = str(exc)
            log.warning("dense retrieval unavailable: %s", reason)
    return HybridRetriever(
        embedder=loaded.embedder if store else None,
        vector_store=store,
        lexical_dir=settings.chroma_path / "lexical",
        dense_unavailable_reason=reason,
    )


def retriever(settings: Settings) -> HybridRetriever:
    """The shared retriever for these settings (built once per process)."""
    key = _key(settings)
    with _lock:
        if key not in _cache:
            _cache[key] = build_retriever(settings)
        return _cache[key]


def forget(*, embedders: bool = False) -> None:
    """Drop the cached retrievers (and embedders): tests change settings under them."""
    with _lock:
        _cache.clear()
        if embedders:
            _embedders.clear()
