"""Answering a question from the documents: search, extract, cite, remember.

Offline the answer is extractive (`knowledge.answering`): the sentences that answer,
quoted, each with its numbered source; or, when unsure, the closest passage with a
caveat; or "not found" with the closest sections and who to ask. The passages come
from the database with the sentence vectors stored at ingest. With a model, the answer is
written from the same passages (`bot.llm.answers`), checked, and cited the same way; its
grounded part can be shown as it streams (`on_draft`). When the offline answer is "not
found" the model is not asked: it could only turn that into a confident answer.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from bot.core.messages import UserError
from bot.core.models import Membership, Project, Role
from bot.core.settings import Settings
from bot.llm.client import ModelFailure, language_model
from knowledge.chunking import HEADING_SEPARATOR, chunk_id
from knowledge.passages import Passage, unpack_vectors
from knowledge.records import Hit
from knowledge.retrieval import HybridRetriever
from knowledge.sentences import heading_before
from skills.kb.index import retriever
from skills.kb.models import KbAnswer, KbChunk, KbDocument

if TYPE_CHECKING:
    from bot.llm.answers import Written
    from knowledge.answering import Extract

log = logging.getLogger(__name__)

MAX_QUESTION = 1_000
SEARCH_K = 10
NEIGHBOURS_OF = 3
FOLLOW_UP = re.compile(
    r"\b(?:it|its|that|this|those|these|they|them|there|then|what about)\b", re.I
)


@dataclass(frozen=True)
class Citation:
    """A numbered source as shown under an answer."""

    number: int
    document: KbDocument
    heading: str
    score: float
    cited: bool = True  # False: a close document listed as "see also"


@dataclass
class Answer:
    """An answer (or the closest passage, or an honest "not found") with its citations,
    as saved; `contacts` are the PMs to ask when the documents don't say."""

    record: KbAnswer
    extract: Extract
    citations: list[Citation]
    contacts: list[str]
    written: str | None = None  # a model's checked answer, citing `citations`

    @property
    def found(self) -> bool:
        return self.extract.found

    @property
    def verdict(self) -> str:
        return self.extract.verdict


def check_question(text: str) -> str:
    """The question, stripped; a `UserError` if it is empty or far too long."""
    question = " ".join(text.split())
    if not question:
        raise UserError("What would you like to know? e.g. `ask who approves a change request?`")
    if len(question) > MAX_QUESTION:
        raise UserError(
            f"That question is {len(question):,} characters long; I read up to "
            f"{MAX_QUESTION:,}. Ask about one thing at a time, in a sentence or two."
        )
    return question


def previous_answer(
    session: Session, channel: str | None, thread_ts: str | None
) -> KbAnswer | None:
    """The last answer given in this thread, if any."""
    if not (channel and thread_ts):
        return None
    return session.exec(
        select(KbAnswer)
        .where(KbAnswer.channel == channel, KbAnswer.thread_ts == thread_ts)
        .order_by(KbAnswer.id.desc())  # type: ignore[union-attr]
    ).first()


def search_text(question: str, previous: KbAnswer | None) -> str:
    """A follow-up ("and who signs it off?") is searched together with the question before."""
    if previous and (len(question.split()) <= 8 or FOLLOW_UP.search(question)):
        return f"{previous.question} {question}"
    return question


def _chunk_key(hit: Hit) -> tuple[int, int] | None:
    document, _, order = hit.chunk_id.rpartition(":")
    return (int(document), int(order)) if document.isdigit() and order.isdigit() else None


def passages(session: Session, hits: list[Hit], model_id: str | None) -> list[Passage]:
    """The hits as passages: each chunk's text with its markup and, when they were made
    by `model_id`, its stored sentence vectors. Hits whose chunk is gone are dropped."""
    keys = [k for k in map(_chunk_key, hits) if k is not None]
    rows = {}
    if keys:
        clauses = [and_(KbChunk.document_id == d, KbChunk.order == o) for d, o in keys]
        rows = {
            (c.document_id, c.order): c for c in session.exec(select(KbChunk).where(or_(*clauses)))
        }
    found = []
    for hit in hits:
        row = rows.get(_chunk_key(hit) or (-1, -1))
        if row is None:
            continue
        if hit.text is None:  # read beside a hit: its own text and heading
            metadata = {**hit.metadata, "heading": row.heading, "order": row.order}
            hit = dataclasses.replace(hit, metadata=metadata, text=row.index_text)
        passage = Passage(hit, row.text)
        if model_id and row.vector_model == model_id:
            passage.vectors = unpack_vectors(row.sentence_vectors, len(passage.sentences))
        found.append(passage)
    return found


def project_managers(session: Session, project_ids: set[int]) -> list[str]:
    """The PMs of these projects, to name when the documents don't say."""
    if not project_ids:
        return []
    rows = session.exec(
        select(Membership.user_id)
        .where(Membership.project_id.in_(project_ids), Membership.role == Role.PM.value)  # type: ignore[attr-defined]
        .order_by(Membership.user_id)
    )
    return list(dict.fromkeys(rows))


def cite(session: Session, extract: Extract) -> list[Citation]:
    """Citations for the passages whose documents still exist; the first `extract.cited`
    are quoted, under the heading of the section their first quote comes from."""
    sources, cited = list(extract.sources), extract.cited
    first_quote = {}
    for quote in extract.quotes:
        first_quote.setdefault(quote.source, quote.text)
    hits = [p.hit for p in sources]
    ids = {int(h.metadata["document_id"]) for h in hits if "document_id" in h.metadata}
    found = (
        {d.id: d for d in session.exec(select(KbDocument).where(KbDocument.id.in_(ids)))}  # type: ignore[union-attr]
        if ids
        else {}
    )
    citations = []
    for number, passage in enumerate(sources, 1):
        hit = passage.hit
        document = found.get(int(hit.metadata.get("document_id", -1)))
        if document is not None:
            heading = str(hit.metadata.get("heading") or "")
            inner = heading_before(passage.text, first_quote.get(number, ""))
            if inner and not heading.endswith(inner):  # a later section of the same level
                heading = HEADING_SEPARATOR.join([*heading.split(HEADING_SEPARATOR)[:-1], inner])
            citations.append(Citation(number, document, heading, hit.score, number <= cited))
    return citations


def answer(
    session: Session,
    settings: Settings,
    question: str,
    *,
    scopes: list[str],
    project: Project | None,
    user: str,
    channel: str | None = None,
    thread_ts: str | None = None,
    on_draft: Callable[[Written], None] | None = None,
) -> Answer:
    """Search the scopes, compose an answer and save it for feedback; `on_draft` gets a
    model's answer, checked, as it grows.

    A follow-up is searched together with the question before it, but its sentences
    are chosen for what it asks now.
    """
    from knowledge.answering import Extract, extract_answer  # here: only questions need it

    question = check_question(question)
    kb = retriever(settings)
    query = search_text(question, previous_answer(session, channel, thread_ts))
    found = retrieve(session, kb, query, scopes)
    extract = extract_answer(question, found, embedder=kb.embedder)
    written = None
    if extract.verdict != "not_found":  # a model never turns "not found" into an answer
        earlier = earlier_questions(session, channel, thread_ts)
        written = generative(
            settings, question, found, user=user, earlier=earlier, on_draft=on_draft
        )
    if written is not None:
        cited = tuple(found[i] for i in written.cited)
        extract = Extract("answer", extract.confidence, (), cited, len(cited))
    citations = cite(session, extract)
    projects = (
        {project.id}
        if project and project.id
        else {c.document.project_id for c in citations if c.document.project_id}
    )
    record = KbAnswer(
        project_id=project.id if project else None,
        user_id=user,
        channel=channel,
        thread_ts=thread_ts,
        question=question,
        found=extract.found,
        confidence=round(float(extract.confidence), 4),
        sources=[
            {
                "number": c.number,
                "document_id": c.document.id,
                "title": c.document.title,
                "heading": c.heading,
                "score": round(c.score, 4),
                "cited": c.cited,
            }
            for c in citations
        ],
    )
    session.add(record)
    session.flush()
    return Answer(
        record,
        extract,
        citations,
        project_managers(session, projects),
        written.text if written else None,
    )


def earlier_questions(session: Session, channel: str | None, thread_ts: str | None) -> list[str]:
    """The questions asked before in this thread, oldest first (a model's context)."""
    if not (channel and thread_ts):
        return []
    rows = session.exec(
        select(KbAnswer.question)
        .where(KbAnswer.channel == channel, KbAnswer.thread_ts == thread_ts)
        .order_by(KbAnswer.id.desc())  # type: ignore[union-attr]
        .limit(5)
    )
    return list(reversed(list(rows)))


def generative(
    settings: Settings,
    question: str,
    found: list[Passage],
    *,
    user: str,
    earlier: list[str],
    on_draft: Callable[[Written], None] | None = None,
) -> Written | None:
    """The model's checked answer when answers are generative and a model is set; None
    means: show the extractive answer (no model, "I don't know", or any failure)."""
    model = language_model(settings) if settings.livepmo_answers == "generative" else None
    if model is None:
        return None
    from bot.llm.answers import write_answer

    try:
        return write_answer(model, question, found, user=user, history=earlier, on_draft=on_draft)
    except ModelFailure as failure:
        log.info("extractive answer shown (%s) user=%s", failure.reason, user)
        return None


def neighbour_hits(hits: list[Hit], *, around: int = NEIGHBOURS_OF) -> list[Hit]:
    """The chunks just before and after each of the first `around` hits, when the hits
    do not hold them: an answer often runs on past its chunk's end (a list under a
    heading, the next paragraph). Each has its hit's metadata and the lowest hit score;
    `passages` gives it its own text and heading."""
    held = {_chunk_key(h) for h in hits}
    lowest = min((h.score for h in hits), default=0.0)
    extra: list[Hit] = []
    for hit in hits[:around]:
        key = _chunk_key(hit)
        for order in (key[1] - 1, key[1] + 1) if key else ():
            if order >= 0 and (key[0], order) not in held:
                held.add((key[0], order))
                chunk = chunk_id(key[0], order)
                extra.append(Hit(chunk, lowest, metadata=dict(hit.metadata), scope=hit.scope))
    return extra


def retrieve(session: Session, kb: HybridRetriever, query: str, scopes: list[str]) -> list[Passage]:
    """The best passages for `query` in `scopes`, then the chunks beside the best three
    (`neighbour_hits`), with their stored sentence vectors."""
    hits = kb.search(query, scopes=scopes, k=SEARCH_K)
    nearby = neighbour_hits(hits)
    return passages(session, hits + nearby, kb.embedder.model_id if kb.embedder else None)
