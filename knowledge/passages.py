"""Passages to answer from: a hit, its text with inline markup, its sentence vectors.

A chunk's sentences (``passage_sentences``) are embedded once, when the chunk is
indexed (``embed_sentences``), and stored with it (``pack_vectors``); answering then
only embeds the question. A passage whose vectors are missing or no longer match its
sentences (another model, a changed splitter) has them computed on the fly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from knowledge.markup import plain
from knowledge.records import Hit
from knowledge.sentences import sentences_apart, split_sentences, strip_context

if TYPE_CHECKING:
    from knowledge.embedding import Embedder

VECTOR_DTYPE = np.float16
"""Stored precision: cosines move by < 0.002, half the bytes of float32."""


@dataclass
class Passage:
    """A retrieved chunk as the composer reads it.

    Attributes:
        hit: The search hit (score, metadata with title, heading and document_id).
        text: The chunk's body with inline markup (no title/heading lines).
        vectors: One unit vector per ``passage_sentences(text)``, or None.
    """

    hit: Hit
    text: str
    vectors: np.ndarray | None = None

    @cached_property
    def sentences(self) -> list[str]:
        """``passage_sentences(text)``, split once."""
        return [sentence for sentence, _ in self._split]

    @cached_property
    def apart(self) -> list[bool]:
        """Per sentence: whether it stands apart from the one before (a heading or a
        table between them, or either a table row), so never quoted with it."""
        return [apart for _, apart in self._split]

    @cached_property
    def _split(self) -> list[tuple[str, bool]]:
        return sentences_apart(self.text)

    @property
    def title(self) -> str:
        return str(self.hit.metadata.get("title", ""))

    @property
    def heading(self) -> str:
        return str(self.hit.metadata.get("heading", ""))

    @property
    def document(self) -> str:
        """The document id (from metadata, else the chunk id's prefix)."""
        return str(self.hit.metadata.get("document_id", self.hit.chunk_id.rsplit(":", 1)[0]))


def passage_sentences(text: str) -> list[str]:
    """A chunk body's quotable sentences, with their inline markup (see ``split_sentences``)."""
    return split_sentences(text)


def passages_from_hits(hits: Sequence[Hit]) -> list[Passage]:
    """Passages from hits alone (their indexed text, title and heading lines dropped)."""
    passages = []
    for hit in hits:
        context = (str(hit.metadata.get("title", "")), str(hit.metadata.get("heading", "")))
        passages.append(Passage(hit, strip_context(hit.text or "", context)))
    return passages


def embed_sentences(embedder: Embedder, texts: Sequence[str]) -> list[np.ndarray]:
    """Sentence vectors of each chunk body in ``texts`` (one embedding call for all)."""
    sentences = [[plain(s) for s in passage_sentences(text)] for text in texts]
    flat = [s for group in sentences for s in group]
    vectors = np.asarray(embedder.embed(flat), dtype=np.float32) if flat else np.zeros((0, 0))
    out, start = [], 0
    for group in sentences:
        out.append(vectors[start : start + len(group)])
        start += len(group)
    return out


def pack_vectors(vectors: np.ndarray) -> bytes:
    """Vectors as stored bytes (float16, row-major)."""
    return np.ascontiguousarray(vectors, dtype=VECTOR_DTYPE).tobytes()


def unpack_vectors(data: bytes | None, count: int) -> np.ndarray | None:
    """Stored bytes back as a float32 array of ``count`` rows; None when absent or when
    they do not split into ``count`` vectors (the sentences changed)."""
    size = np.dtype(VECTOR_DTYPE).itemsize
    if not data or count <= 0 or len(data) % (count * size):
        return None
    return np.frombuffer(data, dtype=VECTOR_DTYPE).reshape(count, -1).astype(np.float32)


def with_vectors(passages: Sequence[Passage], embedder: Embedder | None) -> list[Passage]:
    """Passages whose vectors match their sentences; the others get theirs computed now.

    Without an embedder the passages come back as they are (lexical-only answering).
    """
    if embedder is None:
        return list(passages)
    counts = [len(p.sentences) for p in passages]
    stale = [
        i
        for i, (p, n) in enumerate(zip(passages, counts, strict=True))
        if p.vectors is None or len(p.vectors) != n
    ]
    if not stale:
        return list(passages)
    fresh = embed_sentences(embedder, [passages[i].text for i in stale])
    out = list(passages)
    for i, vectors in zip(stale, fresh, strict=True):
        out[i] = Passage(out[i].hit, out[i].text, vectors)
    return out
