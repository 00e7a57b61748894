"""Knowledge-base tables: documents and their chunks (the source of truth for both
indexes), and the answers given with the feedback on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models import utc_column


class KbDocument(SQLModel, table=True):
    """One indexed document in a scope (a project key, or `org` for everyone).

    `source` identifies it for re-ingestion: an absolute file path, or `slack:F123`.
    """

    __tablename__ = "kb_documents"
    __table_args__ = (UniqueConstraint("scope", "source", name="uq_kb_document_source"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=32, index=True)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    source: str = Field(max_length=1000)
    title: str = Field(max_length=300)
    file_type: str = Field(max_length=16)
    link: str | None = Field(default=None, max_length=1000)
    content_hash: str = Field(max_length=64)
    size: int = 0
    chunk_count: int = 0
    modified_at: datetime = Field(sa_type=DateTime(timezone=True))
    added_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class KbChunk(SQLModel, table=True):
    """A passage of a document, in order; its index id is `document_id:order`."""

    __tablename__ = "kb_chunks"
    __table_args__ = (UniqueConstraint("document_id", "order", name="uq_kb_chunk_order"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="kb_documents.id", index=True)
    order: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    index_text: str = Field(sa_column=Column(Text, nullable=False))
    heading: str = Field(default="", max_length=1000)  # the heading path, "A > B"
    page: int | None = None
    sentence_vectors: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    """Derived: float16 embeddings of the text's sentences (`knowledge.passages`)."""
    vector_model: str | None = Field(default=None, max_length=200)
    """The embedder (`model_id`) that made `sentence_vectors`."""


class KbAnswer(SQLModel, table=True):
    """A question answered (or not) and what was cited, for feedback and follow-ups."""

    __tablename__ = "kb_answers"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    user_id: str = Field(max_length=32)
    channel: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32, index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    found: bool
    confidence: float = 0.0
    sources: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = utc_column()


class KbFeedback(SQLModel, table=True):
    """One person's 👍 (+1) or 👎 (-1) on an answer; voting again changes it."""

    __tablename__ = "kb_feedback"
    __table_args__ = (UniqueConstraint("answer_id", "user_id", name="uq_kb_feedback"),)

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="kb_answers.id", index=True)
    user_id: str = Field(max_length=32)
    vote: int
    at: datetime = utc_column()
