"""Sentence embeddings for classifiers: a per-text cache and the process's local MiniLM."""

from __future__ import annotations

import atexit
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

Embed = Callable[[list[str]], "np.ndarray"]  # texts -> (n, d) float rows, L2-normalised


class CachedEmbed:
    """An embed function that batches the texts it has not seen and caches every vector."""

    def __init__(self, embed: Embed, *, max_items: int = 4096, model_id: str = "") -> None:
        self._embed = embed
        self.max_items = max_items
        self.model_id = model_id
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        import numpy as np  # here: routing a message that names its skill needs no numpy

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        fresh = (
            dict(zip(missing, np.asarray(self._embed(missing), dtype=np.float32), strict=True))
            if missing
            else {}
        )
        with self._lock:
            rows = []
            for text in texts:
                vector = fresh.get(text)
                if vector is None:
                    vector = self._cache.get(text)
                if vector is None:  # evicted by a concurrent call: embed it again
                    vector = np.asarray(self._embed([text]), dtype=np.float32)[0]
                self._cache[text] = vector
                self._cache.move_to_end(text)
                rows.append(vector)
            while len(self._cache) > self.max_items:
                self._cache.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


_UNSET = object()
_shared: object = _UNSET
_shared_lock = threading.Lock()  # held while the model loads
_loading_lock = threading.Lock()
_loading: threading.Thread | None = None


def shared_embedder(*, wait: bool = True) -> CachedEmbed | None:
    """The process's local all-MiniLM-L6-v2 (the settings' model and cache folders), or None.

    Loaded on first use (``knowledge.embedding`` is imported only then). With ``wait=False``
    it never blocks: until the model has loaded (in the background, see :func:`warm_up`)
    the answer is None, and callers use their lexical features for that message.
    """
    if _shared is not _UNSET:
        return _shared  # type: ignore[return-value]
    if not wait:
        warm_up()
        return None
    return _load_once()


def warm_up() -> None:
    """Start loading the shared embedder in the background (once), so no message waits."""
    global _loading
    with _loading_lock:
        if _shared is _UNSET and _loading is None:
            _loading = threading.Thread(target=_load_once, name="embedder-load", daemon=True)
            _loading.start()
            atexit.register(_loading.join)  # a process ending mid-load aborts in ONNX Runtime


def _load_once() -> CachedEmbed | None:
    global _shared
    with _shared_lock:
        if _shared is _UNSET:
            _shared = _load_local_embedder()
        return _shared  # type: ignore[return-value]


def set_shared_embedder(embed: CachedEmbed | Embed | None) -> None:
    """Replace the process's embedder (tests, benchmarks; None means lexical features only)."""
    global _shared
    with _shared_lock:
        _shared = embed if embed is None or isinstance(embed, CachedEmbed) else CachedEmbed(embed)


def _load_local_embedder() -> CachedEmbed | None:
    from bot.core.settings import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        log.warning("classifier embeddings off: %s", exc)
        return None
    from knowledge.embedding import load_embedder

    loaded = load_embedder(
        provider="local",
        model_dir=settings.livepmo_embedding_model_dir,
        cache_dir=settings.livepmo_model_cache_dir,
    )
    if loaded.embedder is None:
        log.warning("classifiers run on lexical features only: %s", loaded.reason)
        return None
    return CachedEmbed(loaded.embedder.embed, model_id=loaded.embedder.model_id)
