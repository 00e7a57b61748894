"""The draft RAID entry a message is read into, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from skills.raid.scoring import RaidType, Severity, severity

TypeSource = Literal["explicit", "default", "likelihood", "guess"]


@dataclass
class RaidDraft:
    """What a message says about a new RAID entry, before it is stored."""

    type: RaidType
    title: str
    description: str
    owner: str | None = None  # Slack user id, e.g. "U04F2KQ8V1M"
    owner_name: str | None = None  # owner written as text ("Legal team", "jo@acme.org")
    date: date | None = None  # due date, review/target date, or the date a decision was taken
    date_text: str | None = None  # the phrase the date was read from
    probability: int | None = None  # 1-5
    impact: int | None = None  # 1-5
    problems: list[str] = field(default_factory=list)
    missing_title: bool = False
    type_source: TypeSource = "guess"
    type_probability: float | None = None  # the type model's confidence, when it guessed
    status: str | None = None  # an initial status the message states ("decided")
    decided_by: str | None = None  # decisions: a user id or a name
    rationale: str | None = None  # decisions: why
    mitigation: str | None = None  # the planned response the message labels ("mitigation: …")
    external_ref: str | None = None  # a ticket key or link the message names the item by

    @property
    def score(self) -> int | None:
        """Probability x impact, when both are known."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def severity(self) -> Severity | None:
        """Severity band of the score, when both levels are known."""
        if self.probability is None or self.impact is None:
            return None
        return severity(self.probability, self.impact)
