"""The RAID scale: scores, severity bands, types, lifecycles."""

from __future__ import annotations

import pytest

from skills.raid.scoring import (
    IMPACT_LABELS,
    LIFECYCLES,
    PROBABILITY_LABELS,
    SEVERITY_BANDS,
    RaidStatus,
    RaidType,
    ResponseStrategy,
    Severity,
    allowed_statuses,
    can_transition,
    is_closed,
    risk_score,
    scored,
    severity,
    severity_for_score,
    severity_matrix,
)


@pytest.mark.parametrize(
    ("probability", "impact", "score", "band"),
    [
        (1, 1, 1, Severity.LOW),
        (2, 2, 4, Severity.LOW),
        (1, 5, 5, Severity.MEDIUM),
        (3, 3, 9, Severity.MEDIUM),
        (2, 5, 10, Severity.HIGH),
        (4, 3, 12, Severity.HIGH),
        (4, 4, 16, Severity.HIGH),
        (4, 5, 20, Severity.CRITICAL),
        (5, 5, 25, Severity.CRITICAL),
    ],
)
def test_score_and_band(probability: int, impact: int, score: int, band: Severity) -> None:
    assert risk_score(probability, impact) == score
    assert severity(probability, impact) is band


@pytest.mark.parametrize(("probability", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6), (-1, 2)])
def test_levels_outside_one_to_five_are_refused(probability: int, impact: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 5"):
        risk_score(probability, impact)


def test_non_integer_levels_are_refused() -> None:
    with pytest.raises(TypeError):
        risk_score(True, 3)
    with pytest.raises(TypeError):
        risk_score("4", 3)  # type: ignore[arg-type]


def test_bands_cover_every_score_once() -> None:
    for score in range(1, 26):
        assert sum(low <= score <= high for low, high, _ in SEVERITY_BANDS) == 1
    with pytest.raises(ValueError):
        severity_for_score(0)
    with pytest.raises(ValueError):
        severity_for_score(26)


def test_matrix_is_symmetric_and_graded() -> None:
    matrix = severity_matrix()
    assert len(matrix) == 5 and all(len(row) == 5 for row in matrix)
    assert matrix[0][0] is Severity.LOW
    assert matrix[4][4] is Severity.CRITICAL
    assert matrix[2][3] is Severity.HIGH  # P3 x I4 = 12
    assert all(matrix[p][i] is matrix[i][p] for p in range(5) for i in range(5))


def test_level_labels_name_all_five_levels() -> None:
    assert sorted(PROBABILITY_LABELS) == sorted(IMPACT_LABELS) == [1, 2, 3, 4, 5]
    assert PROBABILITY_LABELS[5] == "almost certain"


@pytest.mark.parametrize(
    ("raid_type", "letter"),
    [
        (RaidType.RISK, "R"),
        (RaidType.ASSUMPTION, "A"),
        (RaidType.ISSUE, "I"),
        (RaidType.DEPENDENCY, "D"),
    ],
)
def test_key_letters_round_trip(raid_type: RaidType, letter: str) -> None:
    assert raid_type.key_letter == letter
    assert RaidType.from_key_letter(letter.lower()) is raid_type


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("risk", RaidType.RISK),
        ("Risks", RaidType.RISK),
        ("dep", RaidType.DEPENDENCY),
        ("dependencies", RaidType.DEPENDENCY),
        ("blocker", RaidType.ISSUE),
        ("A", RaidType.ASSUMPTION),
        ("banana", None),
        ("", None),
    ],
)
def test_type_from_what_users_type(typed: str, expected: RaidType | None) -> None:
    assert RaidType.from_text(typed) is expected


def test_risk_lifecycle() -> None:
    risk = RaidType.RISK
    assert LIFECYCLES[risk].initial is RaidStatus.OPEN
    assert can_transition(risk, RaidStatus.OPEN, RaidStatus.MONITORING)
    assert can_transition(risk, RaidStatus.MONITORING, RaidStatus.CLOSED)
    assert can_transition(risk, RaidStatus.MONITORING, RaidStatus.CONVERTED)
    assert not can_transition(risk, RaidStatus.CLOSED, RaidStatus.MONITORING)
    assert not can_transition(risk, RaidStatus.OPEN, RaidStatus.RESOLVED)
    assert not can_transition(risk, RaidStatus.CONVERTED, RaidStatus.OPEN)
    assert is_closed(risk, RaidStatus.CONVERTED) and is_closed(risk, RaidStatus.CLOSED)
    assert not is_closed(risk, RaidStatus.MONITORING)


def test_issue_assumption_and_dependency_lifecycles() -> None:
    assert can_transition(RaidType.ISSUE, RaidStatus.OPEN, RaidStatus.IN_PROGRESS)
    assert can_transition(RaidType.ISSUE, RaidStatus.IN_PROGRESS, RaidStatus.RESOLVED)
    assert not can_transition(RaidType.ISSUE, RaidStatus.OPEN, RaidStatus.VALIDATED)
    assert can_transition(RaidType.ASSUMPTION, RaidStatus.OPEN, RaidStatus.VALIDATED)
    assert can_transition(RaidType.ASSUMPTION, RaidStatus.OPEN, RaidStatus.INVALIDATED)
    assert not can_transition(RaidType.ASSUMPTION, RaidStatus.VALIDATED, RaidStatus.INVALIDATED)
    assert can_transition(RaidType.DEPENDENCY, RaidStatus.OPEN, RaidStatus.AT_RISK)
    assert can_transition(RaidType.DEPENDENCY, RaidStatus.AT_RISK, RaidStatus.DELIVERED)
    assert is_closed(RaidType.DEPENDENCY, RaidStatus.DELIVERED)
    assert not is_closed(RaidType.DEPENDENCY, RaidStatus.AT_RISK)


def test_lifecycles_only_move_between_their_own_statuses() -> None:
    for raid_type in RaidType:
        statuses = set(allowed_statuses(raid_type))
        assert LIFECYCLES[raid_type].initial in statuses
        for targets in LIFECYCLES[raid_type].transitions.values():
            assert targets <= statuses


def test_response_strategies() -> None:
    assert [s.value for s in ResponseStrategy] == ["avoid", "reduce", "transfer", "accept", "share"]


def test_the_stored_score_and_band_come_from_one_function() -> None:
    assert scored(1, 5) == (5, Severity.MEDIUM)
    assert scored(4, 5) == (20, Severity.CRITICAL)
    assert scored(None, 5) == scored(3, None) == (None, None)
