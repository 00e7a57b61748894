"""The health rule: every branch, the check-in roll-up, and the rule as text."""

from __future__ import annotations

from datetime import date

import pytest

from skills.summary.health import explain_rule, facts_from_items, health
from skills.summary.snapshot import ItemState
from tests.helpers import with_project

TODAY = date(2026, 11, 23)


def state(type_: str = "risk", status: str = "open", **fields) -> ItemState:
    values = dict(
        id=1,
        key="APOLLO-R1",
        type=type_,
        title="t",
        status=status,
        owner="U0BOB",
        mitigation="plan",
        due_on=None,
        probability=None,
        impact=None,
        source=None,
        deleted=False,
    )
    values.update(fields)
    return ItemState(**values)


@pytest.mark.parametrize(
    ("facts", "colour", "reason"),
    [
        ({}, "green", None),
        ({"critical_risks": 1}, "red", "1 critical risk (score ≥ 20)"),
        ({"overdue": 3}, "red", "3 overdue items"),
        ({"overdue": 1}, "amber", "1 overdue item"),
        ({"overdue": 2}, "amber", "2 overdue items"),
        ({"unmanaged_high_risks": 2}, "amber", "2 high risks without an owner or mitigation"),
        ({"dependencies_at_risk": 1}, "amber", "1 dependency at risk"),
        ({"statuses": ["green", "RED", "green"]}, "amber", "1 check-in red"),
        ({"statuses": ["red", "red", "amber"]}, "red", "2 of 3 check-ins are red"),
        ({"statuses": ["green", "amber"]}, "green", None),
        ({"statuses": ["amber", "amber", "green"]}, "amber", "2 of 3 check-ins at risk"),
    ],
)
def test_each_branch_of_the_rule(facts: dict, colour: str, reason: str | None) -> None:
    got, reasons = health(**facts)
    assert got == colour
    assert reasons == ([reason] if reason else [])


def test_the_worst_clause_wins_and_every_reason_is_kept() -> None:
    colour, reasons = health(overdue=1, critical_risks=2, dependencies_at_risk=1)
    assert colour == "red"
    assert reasons == ["2 critical risks (score ≥ 20)", "1 overdue item", "1 dependency at risk"]


def test_unknown_check_in_status_is_refused() -> None:
    with pytest.raises(ValueError, match="green, amber or red"):
        health(statuses=["purple"])


def test_facts_are_counted_from_open_items_only() -> None:
    items = [
        state(probability=4, impact=5),  # critical
        state(probability=5, impact=5, status="closed"),  # closed: ignored
        state(probability=3, impact=4, owner=None),  # high, no owner
        state(probability=2, impact=5, mitigation=" "),  # high, blank mitigation
        state(probability=3, impact=3, owner=None),  # medium: not counted
        state("issue", due_on=date(2026, 11, 22)),  # overdue
        state("issue", status="resolved", due_on=date(2026, 11, 1)),  # closed: not overdue
        state("dependency", status="at_risk", due_on=TODAY),  # due today: not overdue
    ]
    facts = facts_from_items(items, today=TODAY, statuses=["Amber"])
    assert (facts.critical_risks, facts.unmanaged_high_risks) == (1, 2)
    assert (facts.overdue, facts.dependencies_at_risk, facts.statuses) == (1, 1, ("amber",))


def test_explain_rule_states_every_clause() -> None:
    text = explain_rule()
    for clause in (
        "*Red* if any open risk scores 20 or more",
        "3 or more open items are overdue",
        "most check-in statuses are red",
        "*Amber* if any open item is overdue",
        "no owner or no mitigation",
        "a dependency is at risk",
        "*Green* otherwise",
    ):
        assert clause in text, clause


def test_high_risks_are_reported_by_what_they_lack() -> None:
    owned = [state(probability=4, impact=4, mitigation=None) for _ in range(3)]
    _, reasons = health_of(owned)
    assert reasons == ["3 high risks without a mitigation"]  # all three have owners
    text_owner = [state(probability=4, impact=4, owner=None, owner_name="Legal team")]
    assert health_of(text_owner) == ("green", [])  # an owner outside Slack is an owner
    mixed = [
        state(probability=4, impact=4, owner=None),
        state(probability=4, impact=4, mitigation=""),
        state(probability=4, impact=4, owner=None, mitigation=None),
    ]
    assert health_of(mixed)[1] == ["2 high risks without an owner, 2 without a mitigation"]


def health_of(items: list[ItemState]) -> tuple[str, list[str]]:
    from skills.summary.health import assess

    return tuple(assess(facts_from_items(items, today=TODAY)))  # type: ignore[return-value]


def test_a_milestone_past_its_date_makes_the_project_amber(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo milestone add Kickoff --date 2026-11-01")
    assert "health *amber*: 1 milestone past its date" in chat.send("summary")[0].text


def test_a_cost_forecast_over_budget_makes_the_project_amber(settings) -> None:
    chat = with_project(settings)  # the clock is Mon 23 Nov 2026
    chat.send("/pmo cost budget 500k GBP --start 2026-10 --end 2027-03")
    chat.send("/pmo cost actual Oct 2026 90k")
    chat.send("/pmo cost actual Nov 2026 110k")  # £100k a month: £600k at completion
    assert "health *amber*: forecast 20% over budget" in chat.send("summary")[0].text
