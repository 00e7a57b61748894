"""Learning from people: answers to clarifying questions and corrections, per workspace.

Each is stored as a labelled example (`LearnedExample`); the intent model and the RAID type
model of that workspace learn them (`with_examples`). At most `CAP` are kept per workspace
and kind (the newest); an admin can forget them all (`/pmo admin learning reset`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from bot.interpret.tables import LearnedExample

if TYPE_CHECKING:
    from bot.core.learned import TextClassifier

CAP = 500
LEARNED_WEIGHT = 2.0  # a workspace's own example counts as this many (benchmarks.learning)
DEFAULT_WORKSPACE = "local"  # the console and CLI, which have no Slack team


def workspace_of(team: str | None) -> str:
    return team or DEFAULT_WORKSPACE


def remember(
    session: Session,
    *,
    workspace: str,
    kind: str,
    text: str,
    label: str,
    source: str,
    user: str,
) -> None:
    """Store one labelled example (the oldest beyond `CAP` are dropped)."""
    text = " ".join(text.split())[:2000]
    if not text:
        return
    session.add(
        LearnedExample(
            workspace=workspace, kind=kind, text=text, label=label, source=source, user_id=user
        )
    )
    session.flush()
    keep = (
        select(LearnedExample.id)
        .where(LearnedExample.workspace == workspace, LearnedExample.kind == kind)
        .order_by(col(LearnedExample.id).desc())
        .limit(CAP)
    )
    session.execute(
        delete(LearnedExample).where(
            LearnedExample.workspace == workspace,
            LearnedExample.kind == kind,
            col(LearnedExample.id).not_in(keep.scalar_subquery()),
        )
    )


def examples(session: Session, workspace: str, kind: str) -> list[LearnedExample]:
    query = select(LearnedExample).where(
        LearnedExample.workspace == workspace, LearnedExample.kind == kind
    )
    return list(session.exec(query.order_by(col(LearnedExample.id))))


def fingerprint(session: Session, workspace: str, kind: str) -> tuple[int, int]:
    """(count, newest id): changes whenever the workspace learns or forgets."""
    count, newest = session.exec(
        select(func.count(), func.max(LearnedExample.id)).where(
            LearnedExample.workspace == workspace, LearnedExample.kind == kind
        )
    ).one()
    return int(count or 0), int(newest or 0)


def counts(session: Session, workspace: str) -> dict[str, int]:
    rows = session.exec(
        select(LearnedExample.kind, func.count())
        .where(LearnedExample.workspace == workspace)
        .group_by(LearnedExample.kind)
    )
    return {kind: int(n) for kind, n in rows}


def forget(session: Session, workspace: str) -> int:
    """Drop everything the workspace taught; returns how many examples went."""
    gone = sum(counts(session, workspace).values())
    session.execute(delete(LearnedExample).where(LearnedExample.workspace == workspace))
    return gone


class Adapted:
    """A classifier and its copies that also learned one workspace's examples of one kind,
    each cached until that workspace learns or forgets something."""

    def __init__(self, kind: str, base: Callable[[], TextClassifier | None]) -> None:
        self.kind = kind
        self.base = base
        self.copies: dict[str, tuple[tuple[int, int], TextClassifier]] = {}
        self.lock = threading.Lock()

    def for_workspace(
        self, session: Session | None, workspace: str | None
    ) -> TextClassifier | None:
        base = self.base()
        if base is None or session is None or workspace is None:
            return base
        stamp = fingerprint(session, workspace, self.kind)
        if stamp[0] == 0:
            return base
        with self.lock:
            cached = self.copies.get(workspace)
            if cached and cached[0] == stamp:
                return cached[1]
        rows = [r for r in examples(session, workspace, self.kind) if r.label in base.labels]
        model = base.with_examples(
            [r.text for r in rows], [r.label for r in rows], weight=LEARNED_WEIGHT
        )
        with self.lock:
            self.copies[workspace] = (stamp, model)
        return model
