"""Hybrid retrieval: dense (Chroma) + lexical (BM25) per scope, fused into one ranking.

``HybridRetriever`` takes plain ``ChunkRecord``s, keeps one Chroma collection and
one BM25 index per scope (a project key, or ``ORG_SCOPE``), and answers
``search(query, scopes=[...])`` with ``Hit``s. With no embedder (or no vector
store) it runs lexical-only and says why in ``dense_unavailable_reason``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from knowledge.embedding import Embedder
from knowledge.fusion import FusionConfig, fuse
from knowledge.lexical import LexicalIndex
from knowledge.records import ChunkRecord, Filter, Hit, ScoredId
from knowledge.vector_store import VectorStore, collection_name

logger = logging.getLogger(__name__)

DENSE = "dense"
LEXICAL = "lexical"
DEFAULT_FUSION = FusionConfig(method="convex", normalisation="zscore")
"""Equal-weight convex combination of z-scored dense and BM25 scores (knowledge/README.md)."""
_SEP = "\x1f"  # joins scope and chunk id into one fusion key
SAVE_EVERY_SECONDS = 10.0
"""Within `deferred_saves`, the least time between two saves of a scope's BM25 index."""
SAVE_SHARE = 0.05
"""... and at most this share of the time goes to saving (a save of n chunks costs O(n))."""


def _merge_scopes(per_scope: Mapping[str, Sequence[ScoredId]], limit: int) -> list[ScoredId]:
    """One list across scopes ordered by raw score, re-ranked from 1, keyed scope+id."""
    merged = [
        ScoredId(f"{scope}{_SEP}{item.id}", item.score, item.rank)
        for scope, items in per_scope.items()
        for item in items
    ]
    merged.sort(key=lambda s: (-s.score, s.rank, s.id))
    return [ScoredId(s.id, s.score, rank) for rank, s in enumerate(merged[:limit], 1)]


class HybridRetriever:
    """Index chunk records per scope and search them with dense + lexical fusion.

    Args:
        embedder: Dense embedder, or None for lexical-only.
        vector_store: Chroma wrapper, or None for lexical-only.
        lexical_dir: Folder for the BM25 indexes (one sub-folder per scope);
            None keeps them in memory only.
        fusion: How to fuse the two rankings.
        dense_unavailable_reason: Why there is no embedder (from ``load_embedder``),
            reported when ``embedder`` is None.
        autosave: Save a scope's BM25 index after every change.
    """

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        vector_store: VectorStore | None = None,
        lexical_dir: str | Path | None = None,
        fusion: FusionConfig = DEFAULT_FUSION,
        dense_unavailable_reason: str | None = None,
        autosave: bool = True,
    ) -> None:
        self.embedder = embedder
        self.vector_store = vector_store
        self.lexical_dir = Path(lexical_dir) if lexical_dir else None
        self.fusion = fusion
        self.autosave = autosave
        self._lexical: dict[str, LexicalIndex] = {}
        self._versions: dict[str, int | None] = {}
        self._lock = threading.RLock()
        self._deferring = 0
        self._unsaved: dict[str, list[Callable[[LexicalIndex], int]]] = {}
        """Per scope, the changes made since its last deferred save, replayed if another
        process saves the scope meanwhile (its index is then reloaded from disk)."""
        self._last_save = (0.0, 0.0)  # when the last deferred save ended, and its duration
        self.last_dense_error: str | None = None
        if embedder is None:
            self.dense_unavailable_reason = dense_unavailable_reason or "no embedder configured"
        elif vector_store is None:
            self.dense_unavailable_reason = "no vector store configured"
        else:
            self.dense_unavailable_reason = None

    @property
    def dense_available(self) -> bool:
        """True when searches use dense retrieval as well as BM25."""
        return self.dense_unavailable_reason is None

    @property
    def mode(self) -> str:
        """``"hybrid"`` or ``"lexical-only"``."""
        return "hybrid" if self.dense_available else "lexical-only"

    # -- lexical indexes ---------------------------------------------------

    def _lexical_path(self, scope: str) -> Path | None:
        return self.lexical_dir / collection_name(scope) if self.lexical_dir else None

    def _saved_version(self, scope: str) -> int | None:
        path = self._lexical_path(scope)
        try:
            return (path / "manifest.json").stat().st_mtime_ns if path else None
        except OSError:
            return None

    def lexical_index(self, scope: str) -> LexicalIndex:
        """The scope's BM25 index: loaded from disk on first use, and again whenever
        another process (the CLI's ingest, say) has saved a newer one; else empty."""
        with self._lock:
            version = self._saved_version(scope)
            if scope not in self._lexical or version != self._versions.get(scope):
                path = self._lexical_path(scope)
                if path is not None and version is not None:
                    self._lexical[scope] = LexicalIndex.load(path)
                    for change in self._unsaved.get(scope, ()):
                        change(self._lexical[scope])
                elif scope not in self._lexical:
                    self._lexical[scope] = LexicalIndex()
                self._versions[scope] = version
            return self._lexical[scope]

    def save(self, scopes: Iterable[str] | None = None) -> None:
        """Write BM25 indexes to ``lexical_dir`` (all loaded scopes by default)."""
        with self._lock:
            for scope in list(scopes if scopes is not None else self._lexical):
                path = self._lexical_path(scope)
                if path is not None:
                    self.lexical_index(scope).save(path)  # (reloaded, changes replayed)
                    self._versions[scope] = self._saved_version(scope)
                self._unsaved.pop(scope, None)

    @contextmanager
    def deferred_saves(self) -> Iterator[None]:
        """Batch many changes (an ingest of a folder): BM25 indexes are saved now and
        then, never more than `SAVE_SHARE` of the time, and once at the end, so a batch
        costs time linear in its size instead of one full save per change."""
        with self._lock:
            self._deferring += 1
            if self._deferring == 1:
                self._last_save = (time.monotonic(), 0.0)
        try:
            yield
        finally:
            with self._lock:
                self._deferring -= 1
                if not self._deferring:
                    self.save(list(self._unsaved))

    def _change(self, scope: str, change: Callable[[LexicalIndex], int]) -> int:
        """Apply ``change`` to the scope's BM25 index and save it: at once, or (deferred)
        when it is time. Returns what ``change`` returned (records touched)."""
        with self._lock:
            touched = change(self.lexical_index(scope))
            if not self.autosave or not touched:
                return touched
            if not self._deferring:
                self.save([scope])
                return touched
            self._unsaved.setdefault(scope, []).append(change)
            ended, took = self._last_save
            if time.monotonic() - ended >= max(SAVE_EVERY_SECONDS, took / SAVE_SHARE):
                started = time.monotonic()
                self.save(list(self._unsaved))
                self._last_save = (time.monotonic(), time.monotonic() - started)
            return touched

    # -- writes ------------------------------------------------------------

    def index(self, scope: str, records: Sequence[ChunkRecord]) -> int:
        """Add or replace ``records`` in ``scope``; returns how many were indexed."""
        records = list(records)
        if not records:
            return 0
        if self.embedder is not None and self.vector_store is not None:
            vectors = self.embedder.embed([r.text for r in records])
            self.vector_store.upsert(scope, records, vectors)
        self._change(scope, lambda index: index.upsert(records))
        return len(records)

    def delete(
        self,
        scope: str,
        ids: Sequence[str] = (),
        *,
        document_id: str | None = None,
        where: Filter | None = None,
    ) -> int:
        """Delete chunks by id, by ``document_id`` metadata, or by filter.

        Returns how many chunks left the lexical index.
        """
        where = dict(where or {})
        if document_id is not None:
            where["document_id"] = document_id
        if self.vector_store is not None and self.embedder is not None:
            self.vector_store.delete(scope, ids, where=where or None)
        return self._change(scope, lambda index: index.delete(ids, where=where or None))

    def replace_document(self, scope: str, document_id: str, records: Sequence[ChunkRecord]) -> int:
        """Re-index one document: delete its old chunks, then index ``records``.

        Each record should carry ``{"document_id": document_id}`` in its metadata.
        """
        self.delete(scope, document_id=document_id)
        return self.index(scope, records)

    def replace_scope(self, scope: str, records: Sequence[ChunkRecord]) -> int:
        """Drop everything in ``scope`` and index ``records`` (a rebuild from the database)."""
        with self._lock:
            if self.vector_store is not None and self.embedder is not None:
                self.vector_store.drop(scope)
            self._lexical[scope] = LexicalIndex()
            self._versions[scope] = self._saved_version(scope)
            self._unsaved.pop(scope, None)
        if records:
            return self.index(scope, records)
        if self.autosave:
            self.save([scope])
        return 0

    def stats(self, scope: str) -> dict[str, int]:
        """Chunk counts per index for ``scope`` (they differ only if one index is stale)."""
        counts = {LEXICAL: len(self.lexical_index(scope))}
        if self.vector_store is not None and self.embedder is not None:
            counts[DENSE] = self.vector_store.count(scope)
        return counts

    # -- search ------------------------------------------------------------

    def _dense_lists(
        self, query: str, scopes: Sequence[str], limit: int, where: Filter | None
    ) -> dict[str, list[ScoredId]]:
        self.last_dense_error = None
        embedder, store = self.embedder, self.vector_store
        if embedder is None or store is None:
            return {}
        try:
            vector = embedder.embed([query])[0]
            return {scope: store.query(scope, vector, limit, where=where) for scope in scopes}
        except Exception as exc:  # keep answering from BM25 if Chroma fails
            logger.exception("dense retrieval failed; using lexical results only")
            self.last_dense_error = str(exc)
            return {}

    def _payload(self, scope: str, chunk_id: str) -> tuple[dict[str, Any], str | None] | None:
        """Metadata and text for a hit, or None for a stale dense hit.

        The BM25 index is the authority on which chunks exist: a dense hit it does
        not hold was deleted while Chroma was unreachable, and is dropped. Only when
        the scope's BM25 index is empty (e.g. not persisted) is Chroma asked instead.
        """
        index = self.lexical_index(scope)
        record = index.get(chunk_id)
        if record is not None:
            return dict(record.metadata), record.text
        if len(index):
            logger.warning(
                "dropping stale dense hit %s in scope %s; rebuild the scope", chunk_id, scope
            )
            return None
        if self.vector_store is not None and self.embedder is not None:
            try:
                return self.vector_store.get(scope, [chunk_id]).get(chunk_id, ({}, None))
            except Exception:
                logger.warning("could not fetch chunk %s from Chroma", chunk_id, exc_info=True)
        return {}, None

    def search(
        self,
        query: str,
        *,
        scopes: Sequence[str],
        k: int = 10,
        where: Filter | None = None,
        candidates: int | None = None,
    ) -> list[Hit]:
        """Best ``k`` chunks for ``query`` across ``scopes``, fused, best first.

        Args:
            query: The user's question.
            scopes: Scopes to search, e.g. ``["ABC", ORG_SCOPE]``.
            k: Number of hits to return.
            where: Metadata filter applied in every scope.
            candidates: Results taken from each method before fusion
                (default ``max(100, 3 * k)``).
        """
        if not query.strip() or k <= 0:
            return []
        limit = candidates or max(100, 3 * k)
        dense = self._dense_lists(query, scopes, limit, where)
        lexical = {
            scope: self.lexical_index(scope).search(query, limit, where=where) for scope in scopes
        }
        lists = {LEXICAL: _merge_scopes(lexical, limit)}
        if dense:
            lists[DENSE] = _merge_scopes(dense, limit)
        hits: list[Hit] = []
        for result in fuse(lists, self.fusion):
            scope, chunk_id = result.id.split(_SEP, 1)
            payload = self._payload(scope, chunk_id)
            if payload is None:
                continue
            metadata, text = payload
            hits.append(
                Hit(chunk_id, result.score, result.ranks, result.scores, metadata, text, scope)
            )
            if len(hits) == k:
                break
        return hits
