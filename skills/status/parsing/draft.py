"""The draft a status update is read into."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StatusDraft:
    """What a status update says; ``rag`` and ``percent`` stay None unless stated."""

    done: list[str] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    rag: str | None = None  # "green" | "amber" | "red"
    percent: int | None = None  # overall completion, 0-100

    @property
    def has_blockers(self) -> bool:
        return bool(self.blockers)
