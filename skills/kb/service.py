"""Adding, replacing, removing and rebuilding documents.

The database holds documents and chunks; the retriever's two indexes (Chroma and
BM25) are derived from them, and so are the sentence vectors stored with each chunk
(embedded once here so that answering embeds only the question). A document whose
content hash is unchanged is skipped, a changed one is re-chunked, a removed one
leaves every index. Each document is saved in its caller's transaction, so a failure
saves nothing of it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import delete, func
from sqlmodel import Session, select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.models import Project
from bot.core.settings import Settings
from knowledge.chunking import chunk_id, content_hash
from knowledge.documents import DocumentLoadError
from knowledge.loaders import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, check_size, load_passages
from knowledge.passages import embed_sentences, pack_vectors
from knowledge.records import ORG_SCOPE, ChunkRecord
from knowledge.retrieval import HybridRetriever
from skills.kb.index import retriever
from skills.kb.models import KbChunk, KbDocument

log = logging.getLogger(__name__)
ADDED, UPDATED, UNCHANGED, REMOVED, FAILED = "added", "updated", "unchanged", "removed", "failed"


def scope_of(project: Project | None) -> str:
    """The index scope of a project's documents; None is the org-wide scope."""
    return f"project-{project.key}" if project else ORG_SCOPE


@dataclass
class Outcome:
    """What happened to one file: `status` is added, updated, unchanged, removed or failed."""

    name: str
    status: str
    document: KbDocument | None = None
    detail: str = ""


@dataclass(frozen=True)
class Source:
    """A file to add: where it comes from (its identity for re-ingestion) and its bytes."""

    source: str
    name: str
    data: bytes
    modified_at: datetime
    link: str | None = None
    title: str | None = None


def records_for(document: KbDocument, chunks: Iterable[KbChunk]) -> list[ChunkRecord]:
    """The index records of a document's chunks (ingest and rebuild use the same)."""
    records = []
    for chunk in chunks:
        metadata: dict[str, str | int] = {
            "document_id": str(document.id),
            "title": document.title,
            "heading": chunk.heading,
            "order": chunk.order,
        }
        if chunk.page is not None:
            metadata["page"] = chunk.page
        records.append(
            ChunkRecord(chunk_id(document.id or 0, chunk.order), chunk.index_text, metadata)
        )
    return records


def add_sentence_vectors(kb: HybridRetriever, chunks: Sequence[KbChunk]) -> None:
    """Embed each chunk's sentences with the retriever's embedder (none: left empty)."""
    if kb.embedder is None:
        for chunk in chunks:
            chunk.sentence_vectors, chunk.vector_model = None, None
        return
    for chunk, vectors in zip(
        chunks, embed_sentences(kb.embedder, [c.text for c in chunks]), strict=True
    ):
        chunk.sentence_vectors = pack_vectors(vectors)
        chunk.vector_model = kb.embedder.model_id


def find_document(session: Session, scope: str, source: str) -> KbDocument | None:
    return session.exec(
        select(KbDocument).where(KbDocument.scope == scope, KbDocument.source == source)
    ).first()


def add_document(
    session: Session,
    kb: HybridRetriever,
    project: Project | None,
    source: Source,
    *,
    actor: str | None = None,
) -> Outcome:
    """Add or replace one document; a `DocumentLoadError` (a file refused, or over the
    passage budget) becomes a failed outcome and saves nothing. The outcome names the
    document by its title, as `kb list` does."""
    scope = scope_of(project)
    existing = find_document(session, scope, source.source)
    digest = content_hash(source.data)
    if existing and existing.content_hash == digest:
        return Outcome(existing.title, UNCHANGED, existing)
    try:
        loaded, chunks = load_passages(source.data, source.name)
    except DocumentLoadError as exc:
        return Outcome(source.name, FAILED, existing, exc.user_message)
    document = existing or KbDocument(
        scope=scope,
        project_id=project.id if project else None,
        source=source.source,
        title="",
        file_type=loaded.file_type,
        content_hash=digest,
        modified_at=source.modified_at,
    )
    document.title = (source.title or loaded.title)[:300]
    document.file_type = loaded.file_type
    document.link = source.link
    document.content_hash = digest
    document.size = len(source.data)
    document.chunk_count = len(chunks)
    document.modified_at = source.modified_at
    document.updated_at = clock.now()
    document.added_by = actor or document.added_by
    session.add(document)
    session.flush()
    if existing:
        session.execute(delete(KbChunk).where(KbChunk.document_id == document.id))
    rows = [
        KbChunk(
            document_id=document.id,
            order=c.order,
            text=c.text,
            index_text=c.index_text(),
            heading=c.heading[:1000],
            page=c.page,
        )
        for c in chunks
    ]
    add_sentence_vectors(kb, rows)
    session.add_all(rows)
    session.flush()
    kb.replace_document(scope, str(document.id), records_for(document, rows))
    return Outcome(document.title, UPDATED if existing else ADDED, document)


def remove_document(session: Session, kb: HybridRetriever, document: KbDocument) -> None:
    """Delete a document, its chunks and its entries in every index."""
    session.execute(delete(KbChunk).where(KbChunk.document_id == document.id))
    session.delete(document)
    session.flush()
    kb.delete(document.scope, document_id=str(document.id))


def documents(session: Session, scopes: Sequence[str]) -> list[KbDocument]:
    """The documents of these scopes, newest change first."""
    return list(
        session.exec(
            select(KbDocument)
            .where(KbDocument.scope.in_(scopes))  # type: ignore[attr-defined]
            .order_by(KbDocument.updated_at.desc(), KbDocument.id.desc())  # type: ignore[attr-defined]
        )
    )


def document_count(session: Session, scopes: Sequence[str]) -> int:
    return session.exec(
        select(func.count()).select_from(KbDocument).where(KbDocument.scope.in_(scopes))  # type: ignore[attr-defined]
    ).one()


# -- files on disk ---------------------------------------------------------------


class FoundPaths(NamedTuple):
    """What `expand_paths` found: files to ingest, folders walked, names that do not exist,
    and links inside a walked folder that lead out of it (skipped)."""

    files: list[Path]
    folders: list[Path]
    missing: list[Path]
    outside: list[Path]


def _files_under(folder: Path, outside: list[Path]) -> list[Path]:
    """Readable documents in a folder tree, hidden folders and files skipped, sorted.

    A symbolic link is followed only when it stays inside `folder`; one leading out of it
    is added to `outside` instead (linked folders are never walked).
    """
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            if _leaves(Path(root) / name, folder):
                outside.append(Path(root) / name)
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_EXTENSIONS):
                continue
            if _leaves(path, folder):
                outside.append(path)
            else:
                found.append(path)
    return found


def _leaves(path: Path, folder: Path) -> bool:
    """Whether `path` is a symbolic link whose target is outside `folder`."""
    return path.is_symlink() and not path.resolve().is_relative_to(folder)


def expand_paths(paths: Iterable[str | Path]) -> FoundPaths:
    """The files to ingest, the folders walked, the paths that do not exist, and the links
    that lead out of a walked folder.

    Named files are taken whatever their type (an unreadable type is reported);
    folders contribute only the types we can read.
    """
    found = FoundPaths([], [], [], [])
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            found.folders.append(path)
            found.files.extend(_files_under(path, found.outside))
        elif path.is_file():
            found.files.append(path)
        else:
            found.missing.append(Path(raw))
    found.files[:] = dict.fromkeys(found.files)
    return found


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """A file's bytes as a `Source` (the size is checked before reading)."""
    try:
        stat = path.stat()
        check_size(path.name, stat.st_size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentLoadError(path.name, f"couldn't be read ({exc.strerror}).") from exc
    return Source(
        source=str(path),
        name=path.name,
        data=data,
        modified_at=datetime.fromtimestamp(stat.st_mtime, UTC),
    )


def ingest_paths(
    settings: Settings,
    project: Project | None,
    paths: Sequence[str | Path],
    *,
    actor: str | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Ingest files and folders, one transaction per file; one bad file never stops the rest.

    Documents that came from a walked folder and whose file is gone are removed.
    """
    kb = retriever(settings)
    files, folders, missing, outside = expand_paths(paths)
    outcomes = [Outcome(p.name or str(p), FAILED, detail=f"{p} does not exist.") for p in missing]
    outcomes += [
        Outcome(p.name, FAILED, detail=f"{p} is a link to outside the folder; skipped it.")
        for p in outside
    ]
    with kb.deferred_saves():  # one BM25 save per batch, not per file
        for path in files:
            try:
                with session_scope(settings.database_url) as session:
                    outcome = add_document(session, kb, project, read_file(path), actor=actor)
            except DocumentLoadError as exc:
                outcome = Outcome(path.name, FAILED, detail=exc.user_message)
            except Exception:  # a bug with one file is logged; the other files still go in
                log.exception("ingesting %s failed", path)
                outcome = Outcome(path.name, FAILED, detail=f"{path} failed on my side (logged).")
            outcome.detail = outcome.detail or str(path)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        seen = {str(p) for p in files}
        with session_scope(settings.database_url) as session:
            for document in documents(session, [scope_of(project)]):
                under = any(document.source.startswith(f"{folder}{os.sep}") for folder in folders)
                if under and document.source not in seen and not Path(document.source).exists():
                    remove_document(session, kb, document)
                    outcomes.append(Outcome(document.title, REMOVED, document, document.source))
    return outcomes


def rebuild(settings: Settings, scopes: Sequence[str] | None = None) -> dict[str, int]:
    """Rebuild both indexes and the sentence vectors of each scope from the database;
    returns chunks per scope."""
    kb = retriever(settings)
    counts: dict[str, int] = {}
    with session_scope(settings.database_url) as session:
        if scopes is None:
            scopes = sorted(set(session.exec(select(KbDocument.scope)).all()))
        for scope in scopes:
            records: list[ChunkRecord] = []
            for document in documents(session, [scope]):
                chunks = list(
                    session.exec(
                        select(KbChunk)
                        .where(KbChunk.document_id == document.id)
                        .order_by(KbChunk.order)
                    )
                )
                add_sentence_vectors(kb, chunks)
                session.add_all(chunks)
                records += records_for(document, chunks)
            counts[scope] = kb.replace_scope(scope, records)
    return counts
