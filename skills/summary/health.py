"""The project health rule, written once: facts in, (colour, reasons) out.

`RULES` is the rule. `assess` applies it and `explain_rule` prints it, so the
two cannot drift apart. Facts are counted from open RAID items by
`facts_from_items`, which works on live items and on rebuilt past states alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple, Protocol

from skills.raid.scoring import SEVERITY_BANDS, RaidStatus, RaidType, Severity, is_closed

Colour = Literal["green", "amber", "red"]
COLOURS: tuple[Colour, ...] = ("red", "amber", "green")  # worst first
HEALTH_ICON: dict[str, str] = {
    "green": ":large_green_circle:",
    "amber": ":large_yellow_circle:",
    "red": ":red_circle:",
}
CRITICAL_SCORE = 20  # 4x5, 5x4 and 5x5
HIGH_SCORE = next(low for low, _, band in SEVERITY_BANDS if band == Severity.HIGH)
RED_OVERDUE = 3
OVER_BUDGET = 0.05  # a forecast within 5% of the budget is on budget


class ItemFacts(Protocol):
    """What the rule reads from an item (a `RaidItem` or a rebuilt past state)."""

    type: str
    status: str
    owner: str | None
    mitigation: str | None
    due_on: date | None

    @property
    def score(self) -> int | None: ...


@dataclass(frozen=True)
class HealthFacts:
    """Counts the rule looks at; `statuses` are check-in colours (green/amber/red)."""

    overdue: int = 0
    critical_risks: int = 0
    unmanaged_high_risks: int = 0  # without an owner or without a mitigation
    dependencies_at_risk: int = 0
    statuses: tuple[str, ...] = ()
    unowned_high_risks: int = 0  # the two reasons, when counted from items
    unmitigated_high_risks: int = 0
    late_milestones: int = 0  # not finished, forecast date passed (live facts only)
    forecast_over: float = 0.0  # share of the budget the cost forecast exceeds it by (live)

    @property
    def red_statuses(self) -> int:
        return sum(1 for s in self.statuses if s == "red")

    @property
    def amber_statuses(self) -> int:
        return sum(1 for s in self.statuses if s == "amber")


class Health(NamedTuple):
    """A colour and the reasons for it (unpacks as `colour, reasons`)."""

    colour: Colour
    reasons: list[str]


@dataclass(frozen=True)
class Rule:
    """One clause: the colour it sets, how it reads, and its check (a reason or None)."""

    colour: Colour
    text: str
    check: Callable[[HealthFacts], str | None]


def _unmanaged_reason(f: HealthFacts) -> str:
    """ "3 high risks without a mitigation", "1 high risk without an owner, 2 without a
    mitigation": what each is missing, when the counts say."""
    unowned, unmitigated = f.unowned_high_risks, f.unmitigated_high_risks
    if unowned and unmitigated:
        return (
            f"{plural(unowned, 'high risk')} without an owner, {unmitigated} without a mitigation"
        )
    if unowned or unmitigated:
        missing = "an owner" if unowned else "a mitigation"
        return f"{plural(unowned or unmitigated, 'high risk')} without {missing}"
    return f"{plural(f.unmanaged_high_risks, 'high risk')} without an owner or mitigation"


def _late_reason(count: int) -> str:
    return "1 milestone past its date" if count == 1 else f"{count} milestones past their dates"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def _when(condition: bool, reason: str) -> str | None:
    return reason if condition else None


RULES: tuple[Rule, ...] = (
    Rule(
        "red",
        f"any open risk scores {CRITICAL_SCORE} or more (critical)",
        lambda f: _when(
            f.critical_risks > 0,
            f"{plural(f.critical_risks, 'critical risk')} (score ≥ {CRITICAL_SCORE})",
        ),
    ),
    Rule(
        "red",
        f"{RED_OVERDUE} or more open items are overdue",
        lambda f: _when(f.overdue >= RED_OVERDUE, f"{plural(f.overdue, 'overdue item')}"),
    ),
    Rule(
        "red",
        "most check-in statuses are red",
        lambda f: _when(
            bool(f.statuses) and f.red_statuses * 2 > len(f.statuses),
            f"{f.red_statuses} of {len(f.statuses)} check-ins are red",
        ),
    ),
    Rule(
        "amber",
        "any open item is overdue",
        lambda f: _when(0 < f.overdue < RED_OVERDUE, plural(f.overdue, "overdue item")),
    ),
    Rule(
        "amber",
        "a milestone not finished is past its date",
        lambda f: _when(f.late_milestones > 0, _late_reason(f.late_milestones)),
    ),
    Rule(
        "amber",
        f"the cost forecast at completion is more than {OVER_BUDGET:.0%} over the budget",
        lambda f: _when(
            f.forecast_over > OVER_BUDGET, f"forecast {f.forecast_over:.0%} over budget"
        ),
    ),
    Rule(
        "amber",
        f"an open risk scoring {HIGH_SCORE} or more has no owner or no mitigation",
        lambda f: _when(f.unmanaged_high_risks > 0, _unmanaged_reason(f)),
    ),
    Rule(
        "amber",
        "a dependency is at risk",
        lambda f: _when(
            f.dependencies_at_risk > 0,
            f"{plural(f.dependencies_at_risk, 'dependency', 'dependencies')} at risk",
        ),
    ),
    Rule(
        "amber",
        "any check-in status is red",
        lambda f: _when(
            0 < f.red_statuses * 2 <= len(f.statuses),
            f"{plural(f.red_statuses, 'check-in')} red",
        ),
    ),
    Rule(
        "amber",
        "most check-in statuses are amber",
        lambda f: _when(
            f.amber_statuses * 2 > len(f.statuses),
            f"{f.amber_statuses} of {len(f.statuses)} check-ins at risk",
        ),
    ),
)


def rank(colour: str) -> int:
    """0 for red, 1 for amber, 2 for green: sort worst first."""
    return COLOURS.index(colour)  # type: ignore[arg-type]


def assess(facts: HealthFacts) -> Health:
    """Apply `RULES`: the worst colour any clause sets, with every clause's reason."""
    colour: Colour = "green"
    reasons: list[str] = []
    for rule in RULES:
        reason = rule.check(facts)
        if reason:
            reasons.append(reason)
            if rank(rule.colour) < rank(colour):
                colour = rule.colour
    return Health(colour, reasons)


def health(
    *,
    overdue: int = 0,
    critical_risks: int = 0,
    unmanaged_high_risks: int = 0,
    dependencies_at_risk: int = 0,
    statuses: Sequence[str] | None = None,
) -> Health:
    """Colour and reasons straight from counts (and optional check-in statuses)."""
    return assess(
        HealthFacts(
            overdue=overdue,
            critical_risks=critical_risks,
            unmanaged_high_risks=unmanaged_high_risks,
            dependencies_at_risk=dependencies_at_risk,
            statuses=normalise_statuses(statuses),
        )
    )


def normalise_statuses(statuses: Sequence[str] | None) -> tuple[str, ...]:
    """Lower-case check-in colours; anything but green/amber/red is a ValueError."""
    cleaned = tuple(s.strip().lower() for s in statuses or ())
    unknown = [s for s in cleaned if s not in COLOURS]
    if unknown:
        raise ValueError(f"check-in statuses must be green, amber or red, not {unknown}")
    return cleaned


def is_open(item: ItemFacts) -> bool:
    return not is_closed(RaidType(item.type), RaidStatus(item.status))


def is_overdue(item: ItemFacts, today: date) -> bool:
    return bool(item.due_on and item.due_on < today and is_open(item))


def is_risk_at_least(item: ItemFacts, score: int) -> bool:
    return item.type == RaidType.RISK.value and (item.score or 0) >= score and is_open(item)


def facts_from_items(
    items: Iterable[ItemFacts], *, today: date, statuses: Sequence[str] | None = None
) -> HealthFacts:
    """Count the rule's facts over items (closed ones are ignored)."""
    live = [i for i in items if is_open(i)]
    high = [i for i in live if is_risk_at_least(i, HIGH_SCORE)]
    unowned = [i for i in high if not (i.owner or getattr(i, "owner_name", None))]
    unmitigated = [i for i in high if not (i.mitigation or "").strip()]
    return HealthFacts(
        overdue=sum(1 for i in live if is_overdue(i, today)),
        critical_risks=sum(1 for i in live if is_risk_at_least(i, CRITICAL_SCORE)),
        unmanaged_high_risks=len({id(i) for i in unowned + unmitigated}),
        unowned_high_risks=len(unowned),
        unmitigated_high_risks=len(unmitigated),
        dependencies_at_risk=sum(
            1
            for i in live
            if i.type == RaidType.DEPENDENCY.value and i.status == RaidStatus.AT_RISK.value
        ),
        statuses=normalise_statuses(statuses),
    )


def explain_rule() -> str:
    """The rule as mrkdwn, for `/pmo summary rule`."""
    lines = ["*How project health is worked out* (from open RAID items)"]
    for colour in ("red", "amber"):
        clauses = [r.text for r in RULES if r.colour == colour]
        lines.append(f"{HEALTH_ICON[colour]} *{colour.title()}* if " + "; or ".join(clauses) + ".")
    lines.append(f"{HEALTH_ICON['green']} *Green* otherwise.")
    lines.append(
        f"Overdue means an open item whose due or review date has passed (project timezone). "
        f"Critical is a score ≥ {CRITICAL_SCORE} and high a score ≥ {HIGH_SCORE} "
        "on the 5×5 probability × impact matrix."
    )
    return "\n".join(lines)
