"""Chroma wrapper: one cosine collection per scope, fed with our own embeddings.

Embedded ``chromadb.PersistentClient(path)`` by default, ``chromadb.HttpClient``
when a host is given. Telemetry is off. Collections are created without an
embedding function, so Chroma never downloads or runs its default model; each
collection records which embedder produced its vectors and refuses another.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.records import ChunkRecord, Filter, ScoredId, to_chroma_where

logger = logging.getLogger(__name__)

EMBEDDER_KEY = "livepmo_embedder"
SCOPE_KEY = "livepmo_scope"


class VectorStoreError(RuntimeError):
    """Chroma is unreachable or refused an operation; the message says which."""


class EmbedderMismatch(VectorStoreError):
    """A collection holds vectors from a different embedder than the one configured."""


def collection_name(scope: str, prefix: str = "livepmo") -> str:
    """A valid, stable Chroma collection name for ``scope``.

    Characters Chroma does not allow are replaced; a short hash keeps names that
    differ only in those characters apart.
    """
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", scope).strip("-_")[:40]
    name = f"{prefix}-{slug}" if slug else prefix
    if slug != scope:
        name += "-" + hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8]
    return name


class VectorStore:
    """Dense vectors per scope in Chroma.

    Args:
        path: Folder for the embedded (persistent) client.
        host: Chroma server host; when given, ``HttpClient(host, port)`` is used.
        port: Chroma server port.
        model_id: Identity of the embedder whose vectors are stored.
        prefix: Collection name prefix.
        client: An existing Chroma client (tests, custom settings).
    """

    def __init__(
        self,
        *,
        path: str | Path | None = None,
        host: str | None = None,
        port: int = 8000,
        model_id: str,
        prefix: str = "livepmo",
        client: Any = None,
    ) -> None:
        self.model_id = model_id
        self.prefix = prefix
        self._collections: dict[str, Any] = {}
        self.client = client or self._connect(path, host, port)

    @staticmethod
    def _connect(path: str | Path | None, host: str | None, port: int) -> Any:
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        try:
            if host:
                return chromadb.HttpClient(host=host, port=port, settings=settings)
            if path is None:
                raise VectorStoreError("Chroma needs a path (CHROMA_PATH) or a host (CHROMA_HOST)")
            Path(path).mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=settings)
        except VectorStoreError:
            raise
        except Exception as exc:
            where = f"{host}:{port}" if host else str(path)
            raise VectorStoreError(f"could not open Chroma at {where}: {exc}") from exc

    def heartbeat(self) -> bool:
        """True when Chroma answers."""
        try:
            self.client.heartbeat()
        except Exception:
            return False
        return True

    def _collection(self, scope: str, *, create: bool = True) -> Any | None:
        if scope in self._collections:
            return self._collections[scope]
        name = collection_name(scope, self.prefix)
        try:
            if create:
                collection = self.client.get_or_create_collection(
                    name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={EMBEDDER_KEY: self.model_id, SCOPE_KEY: scope},
                )
            else:
                existing = {
                    c.name if hasattr(c, "name") else str(c) for c in self.client.list_collections()
                }
                if name not in existing:
                    return None
                collection = self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            raise VectorStoreError(f"Chroma collection {name!r} unavailable: {exc}") from exc
        stored = (collection.metadata or {}).get(EMBEDDER_KEY)
        if stored and stored != self.model_id:
            raise EmbedderMismatch(
                f"collection {name!r} holds vectors from {stored!r} but the embedder is "
                f"{self.model_id!r}; rebuild the knowledge base (livepmo kb rebuild)"
            )
        self._collections[scope] = collection
        return collection

    def count(self, scope: str) -> int:
        """Number of vectors stored for ``scope``."""
        collection = self._collection(scope, create=False)
        return 0 if collection is None else int(collection.count())

    def upsert(self, scope: str, records: Sequence[ChunkRecord], embeddings: np.ndarray) -> None:
        """Insert or replace vectors (one row of ``embeddings`` per record).

        Existing ids are deleted first: Chroma's own upsert merges metadata, which
        would keep keys the new record no longer has.
        """
        if len(records) != len(embeddings):
            raise ValueError(f"{len(records)} records but {len(embeddings)} embeddings")
        if not records:
            return
        collection = self._collection(scope)
        batch = max(1, int(self.client.get_max_batch_size()))
        for start in range(0, len(records), batch):
            part = records[start : start + batch]
            ids = [r.id for r in part]
            collection.delete(ids=ids)
            collection.add(
                ids=ids,
                embeddings=np.asarray(embeddings[start : start + batch], dtype=np.float32),
                documents=[r.text for r in part],
                metadatas=[dict(r.metadata) or None for r in part],
            )

    def delete(self, scope: str, ids: Sequence[str] = (), *, where: Filter | None = None) -> None:
        """Delete vectors by id and/or metadata filter (e.g. ``{"document_id": "7"}``)."""
        collection = self._collection(scope, create=False)
        if collection is None:
            return
        if ids:
            collection.delete(ids=list(ids))
        if where:
            collection.delete(where=to_chroma_where(where))

    def drop(self, scope: str) -> None:
        """Delete the whole collection for ``scope`` (no error if absent)."""
        self._collections.pop(scope, None)
        try:
            self.client.delete_collection(collection_name(scope, self.prefix))
        except Exception:
            logger.debug("no collection to drop for scope %s", scope)

    def query(
        self, scope: str, embedding: np.ndarray, k: int = 10, *, where: Filter | None = None
    ) -> list[ScoredId]:
        """Top ``k`` chunk ids by cosine similarity, best first (ids and scores only)."""
        collection = self._collection(scope, create=False)
        if collection is None or k <= 0:
            return []
        result = collection.query(
            query_embeddings=np.asarray(embedding, dtype=np.float32).reshape(1, -1),
            n_results=k,
            where=to_chroma_where(where),
            include=["distances"],
        )
        pairs = zip(result["ids"][0], result["distances"][0], strict=True)
        return [ScoredId(i, 1.0 - float(d), rank) for rank, (i, d) in enumerate(pairs, 1)]

    def get(self, scope: str, ids: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """Metadata and text of the given chunk ids (missing ids are left out)."""
        collection = self._collection(scope, create=False)
        if collection is None or not ids:
            return {}
        result = collection.get(ids=list(ids), include=["metadatas", "documents"])
        metadatas = result.get("metadatas") or [None] * len(result["ids"])
        documents = result.get("documents") or [None] * len(result["ids"])
        return {
            i: (dict(m or {}), t)
            for i, m, t in zip(result["ids"], metadatas, documents, strict=True)
        }
