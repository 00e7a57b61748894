"""RAID vocabulary: item types, the 5x5 scoring matrix, statuses and response strategies.

Everything that defines the scale lives here, once:

* probability (likelihood) and impact are integers 1-5, 5 being the worst;
* the score is ``probability * impact`` (1-25);
* the severity band comes from :data:`SEVERITY_BANDS`, the common 5x5 matrix banding
  (as used in many PMO and ISO 31000-style registers):

  ========  ===========  ==========================================
  Score     Severity     Cells of the matrix
  ========  ===========  ==========================================
  1-4       low          e.g. 1x1 .. 2x2, 1x4, 4x1
  5-9       medium       e.g. 1x5, 2x3, 3x3
  10-16     high         e.g. 2x5, 3x4, 4x4
  17-25     critical     4x5, 5x4, 5x5 (17-19 cannot occur)
  ========  ===========  ==========================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

MIN_LEVEL = 1
MAX_LEVEL = 5


class RaidType(StrEnum):
    """The six kinds of RAID log entry (both readings: assumptions and dependencies, or
    actions and decisions)."""

    RISK = "risk"
    ASSUMPTION = "assumption"
    ISSUE = "issue"
    DEPENDENCY = "dependency"
    ACTION = "action"
    DECISION = "decision"

    @property
    def key_letter(self) -> str:
        """The letters used in item keys: ``R`` in ``APOLLO-R7``, ``ACT`` in ``APOLLO-ACT2``."""
        return _KEY_LETTERS[self]

    @property
    def label(self) -> str:
        """Capitalised name for display, e.g. ``Risk``."""
        return self.value.capitalize()

    @classmethod
    def from_key_letter(cls, letter: str) -> RaidType | None:
        """Return the type whose key letter is ``letter`` (case-insensitive), else None."""
        wanted = letter.strip().upper()
        return next((t for t, key in _KEY_LETTERS.items() if key == wanted), None)

    @classmethod
    def from_text(cls, text: str) -> RaidType | None:
        """Read a type typed by a user: ``risk``, ``Risks``, ``dep``, ``R`` ... else None."""
        word = text.strip().lower().rstrip(".:!?")
        if not word:
            return None
        return _TYPE_ALIASES.get(word) or cls.from_key_letter(word)


_KEY_LETTERS: Mapping[RaidType, str] = MappingProxyType(
    {
        RaidType.RISK: "R",
        RaidType.ASSUMPTION: "A",
        RaidType.ISSUE: "I",
        RaidType.DEPENDENCY: "D",
        RaidType.ACTION: "ACT",
        RaidType.DECISION: "DEC",
    }
)

_TYPE_ALIASES: Mapping[str, RaidType] = MappingProxyType(
    {
        "risk": RaidType.RISK,
        "risks": RaidType.RISK,
        "assumption": RaidType.ASSUMPTION,
        "assumptions": RaidType.ASSUMPTION,
        "issue": RaidType.ISSUE,
        "issues": RaidType.ISSUE,
        "problem": RaidType.ISSUE,
        "blocker": RaidType.ISSUE,
        "dependency": RaidType.DEPENDENCY,
        "dependencies": RaidType.DEPENDENCY,
        "dep": RaidType.DEPENDENCY,
        "deps": RaidType.DEPENDENCY,
        "action": RaidType.ACTION,
        "actions": RaidType.ACTION,
        "action item": RaidType.ACTION,
        "todo": RaidType.ACTION,
        "task": RaidType.ACTION,
        "decision": RaidType.DECISION,
        "decisions": RaidType.DECISION,
    }
)


class Severity(StrEnum):
    """Severity band of a probability x impact score."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# The one definition of the matrix banding: (lowest score, highest score, band).
SEVERITY_BANDS: tuple[tuple[int, int, Severity], ...] = (
    (1, 4, Severity.LOW),
    (5, 9, Severity.MEDIUM),
    (10, 16, Severity.HIGH),
    (17, 25, Severity.CRITICAL),
)

PROBABILITY_LABELS: Mapping[int, str] = MappingProxyType(
    {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
)
IMPACT_LABELS: Mapping[int, str] = MappingProxyType(
    {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "severe"}
)


def _check_level(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if not MIN_LEVEL <= value <= MAX_LEVEL:
        raise ValueError(f"{name} must be between {MIN_LEVEL} and {MAX_LEVEL}, got {value}")
    return value


def risk_score(probability: int, impact: int) -> int:
    """Return ``probability * impact``; both must be 1-5 (ValueError otherwise)."""
    return _check_level("probability", probability) * _check_level("impact", impact)


def severity_for_score(score: int) -> Severity:
    """Return the band of a score 1-25 (ValueError outside that range)."""
    for low, high, band in SEVERITY_BANDS:
        if low <= score <= high:
            return band
    raise ValueError(f"score must be between 1 and 25, got {score}")


def severity(probability: int, impact: int) -> Severity:
    """Return the severity band of a probability and impact (1-5 each)."""
    return severity_for_score(risk_score(probability, impact))


def scored(probability: int | None, impact: int | None) -> tuple[int | None, Severity | None]:
    """The score and band an item stores: ``(p * i, band)``, or ``(None, None)`` unless both
    are set. The only place a stored score comes from."""
    if not (probability and impact):
        return None, None
    score = risk_score(probability, impact)
    return score, severity_for_score(score)


def severity_matrix() -> list[list[Severity]]:
    """The 5x5 matrix as rows of bands: ``matrix[p - 1][i - 1]``, handy for views."""
    levels = range(MIN_LEVEL, MAX_LEVEL + 1)
    return [[severity(p, i) for i in levels] for p in levels]


class ResponseStrategy(StrEnum):
    """How a risk is responded to."""

    AVOID = "avoid"
    REDUCE = "reduce"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    SHARE = "share"


class RaidStatus(StrEnum):
    """Every status any RAID entry can have; which apply depends on the type."""

    OPEN = "open"
    MONITORING = "monitoring"
    CLOSED = "closed"
    CONVERTED = "converted"  # a risk that materialised and became an issue
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VALIDATED = "validated"
    INVALIDATED = "invalidated"
    AT_RISK = "at_risk"
    DELIVERED = "delivered"
    DONE = "done"  # actions
    PROPOSED = "proposed"  # decisions
    DECIDED = "decided"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Lifecycle:
    """Statuses of one RAID type and the moves allowed between them."""

    initial: RaidStatus
    transitions: Mapping[RaidStatus, frozenset[RaidStatus]]
    closed: frozenset[RaidStatus] = frozenset()  # when empty: those leading only to reopening

    @property
    def statuses(self) -> tuple[RaidStatus, ...]:
        """All statuses of this lifecycle, in declaration order."""
        return tuple(self.transitions)

    @cached_property
    def terminal(self) -> frozenset[RaidStatus]:
        """Statuses that end the entry's active life (by default: only reopening leads out)."""
        if self.closed:
            return self.closed
        return frozenset(
            s
            for s, nxt in self.transitions.items()
            if nxt <= {RaidStatus.OPEN} and s != self.initial
        )

    def can_move(self, current: RaidStatus, new: RaidStatus) -> bool:
        """Whether ``current -> new`` is an allowed move."""
        return new in self.transitions.get(current, frozenset())


def _lifecycle(
    initial: RaidStatus,
    moves: dict[RaidStatus, set[RaidStatus]],
    closed: set[RaidStatus] | None = None,
) -> Lifecycle:
    frozen = {status: frozenset(nxt) for status, nxt in moves.items()}
    return Lifecycle(initial, MappingProxyType(frozen), frozenset(closed or ()))


_S = RaidStatus

# Closed-type statuses may be reopened; a converted risk lives on as its issue. A decision is
# proposed, then decided (or superseded by a later one).
LIFECYCLES: Mapping[RaidType, Lifecycle] = MappingProxyType(
    {
        RaidType.RISK: _lifecycle(
            _S.OPEN,
            {
                _S.OPEN: {_S.MONITORING, _S.CLOSED, _S.CONVERTED},
                _S.MONITORING: {_S.OPEN, _S.CLOSED, _S.CONVERTED},
                _S.CLOSED: {_S.OPEN},
                _S.CONVERTED: set(),
            },
        ),
        RaidType.ISSUE: _lifecycle(
            _S.OPEN,
            {
                _S.OPEN: {_S.IN_PROGRESS, _S.RESOLVED},
                _S.IN_PROGRESS: {_S.OPEN, _S.RESOLVED},
                _S.RESOLVED: {_S.OPEN},
            },
        ),
        RaidType.ASSUMPTION: _lifecycle(
            _S.OPEN,
            {
                _S.OPEN: {_S.VALIDATED, _S.INVALIDATED},
                _S.VALIDATED: {_S.OPEN},
                _S.INVALIDATED: {_S.OPEN},
            },
        ),
        RaidType.DEPENDENCY: _lifecycle(
            _S.OPEN,
            {
                _S.OPEN: {_S.AT_RISK, _S.DELIVERED},
                _S.AT_RISK: {_S.OPEN, _S.DELIVERED},
                _S.DELIVERED: {_S.OPEN},
            },
        ),
        RaidType.ACTION: _lifecycle(_S.OPEN, {_S.OPEN: {_S.DONE}, _S.DONE: {_S.OPEN}}),
        RaidType.DECISION: _lifecycle(
            _S.PROPOSED,
            {
                _S.PROPOSED: {_S.DECIDED, _S.SUPERSEDED},
                _S.DECIDED: {_S.SUPERSEDED, _S.PROPOSED},
                _S.SUPERSEDED: {_S.PROPOSED},
            },
            closed={_S.DECIDED, _S.SUPERSEDED},
        ),
    }
)


def can_transition(raid_type: RaidType, current: RaidStatus, new: RaidStatus) -> bool:
    """Whether an entry of ``raid_type`` may move from ``current`` to ``new``."""
    return LIFECYCLES[raid_type].can_move(current, new)


def allowed_statuses(raid_type: RaidType) -> tuple[RaidStatus, ...]:
    """The statuses that apply to ``raid_type``."""
    return LIFECYCLES[raid_type].statuses


def is_closed(raid_type: RaidType, status: RaidStatus) -> bool:
    """Whether ``status`` is a finished state for ``raid_type`` (closed, resolved ...)."""
    return status in LIFECYCLES[raid_type].terminal
