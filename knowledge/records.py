"""Plain records passed in and out of the knowledge library, and metadata filters.

A filter is a mapping of metadata key to a value (equality) or a list of values
(membership); several keys must all match. The same filter works for the lexical
index (``matches``) and for Chroma (``to_chroma_where``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ORG_SCOPE = "org"
"""Scope for organisation-wide documents (every project can search it)."""

MetadataValue = str | int | float | bool
Metadata = dict[str, MetadataValue]
Filter = Mapping[str, MetadataValue | Sequence[MetadataValue]]


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk to index: a unique id, the text to index, and flat metadata.

    Put ``document_id`` in the metadata to be able to delete by document.
    """

    id: str
    text: str
    metadata: Metadata = field(default_factory=dict)


@dataclass(frozen=True)
class ScoredId:
    """One method's result: chunk id, raw score (higher is better) and 1-based rank."""

    id: str
    score: float
    rank: int


@dataclass
class Hit:
    """A fused search result.

    Attributes:
        chunk_id: The chunk's id as given at indexing time.
        score: Fused score (higher is better; comparable only within one search).
        ranks: 1-based rank per method that found it, e.g. ``{"dense": 2, "lexical": 1}``.
        scores: Raw score per method (cosine similarity, BM25 score).
        metadata: The chunk's metadata.
        text: The indexed text, when the index holds it.
        scope: The scope (collection) it came from.
    """

    chunk_id: str
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    metadata: Metadata = field(default_factory=dict)
    text: str | None = None
    scope: str | None = None


def _allowed(value: Any) -> tuple[MetadataValue, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return (value,)
    return tuple(value)


def matches(metadata: Mapping[str, Any], where: Filter | None) -> bool:
    """True when ``metadata`` satisfies every key of ``where``."""
    if not where:
        return True
    return all(key in metadata and metadata[key] in _allowed(value) for key, value in where.items())


def to_chroma_where(where: Filter | None) -> dict[str, Any] | None:
    """Translate a filter into Chroma's ``where`` syntax."""
    if not where:
        return None
    clauses: list[dict[str, Any]] = []
    for key, value in where.items():
        allowed = _allowed(value)
        clauses.append({key: allowed[0]} if len(allowed) == 1 else {key: {"$in": list(allowed)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
