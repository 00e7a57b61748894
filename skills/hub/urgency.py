"""The one relevance order: how urgent an open item is for one person.

Everything the Hub shows a person, and every reminder the scheduler sends, is ordered by
this score, most urgent first::

    urgency = (overdue + severity + proximity + milestone) × ownership

    overdue    20 once the date has passed, + 2 a day overdue (up to 30 days: at most 80)
    severity   the item's 5×5 score (1-25); an unscored item counts 5
    proximity  due in the next 14 days: 14 − days left (due today: 14, in two weeks: 0)
    milestone  it threatens an open milestone: 10, + 10 if that milestone is due within
               30 days, + 1 a day the milestone has already slipped (up to 10)
    ownership  × 1.5 when the person owns the item; × 1 for what is on their list without
               being theirs (an unowned item they raised, or that their project needs owned)

Ties go to the earlier date, then the key. `urgency` scores one item and says why
(`Urgency.why`); `rank` orders many for one person; `most_urgent_first` orders a
reminder's (item, reason) entries the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.models import Project
from skills.milestones.models import Milestone, MilestoneLink
from skills.milestones.service import is_open, slip_days
from skills.raid.models import RaidItem

OVERDUE_BASE, OVERDUE_PER_DAY, OVERDUE_MAX_DAYS = 20, 2, 30
UNSCORED = 5
PROXIMITY_DAYS = 14
MILESTONE_BASE, MILESTONE_SOON, MILESTONE_SOON_DAYS, MILESTONE_SLIP_MAX = 10, 10, 30, 10
OWNER_FACTOR = 1.5
T = TypeVar("T")


@dataclass(frozen=True)
class Urgency:
    """An item's urgency for one person: the points and what they are made of."""

    points: float
    parts: tuple[tuple[str, float], ...]

    def why(self) -> str:
        """`overdue 3d · score 12 · M2 at stake · yours`: the parts that counted."""
        return " · ".join(label for label, points in self.parts if points)


def urgency(
    item: RaidItem, *, person: str, today: date, milestone: Milestone | None = None
) -> Urgency:
    """The score of one open item for `person` (see the module docstring)."""
    parts: list[tuple[str, float]] = []
    if item.due_on and item.due_on < today:
        late = (today - item.due_on).days
        parts.append(
            (f"overdue {late}d", OVERDUE_BASE + OVERDUE_PER_DAY * min(late, OVERDUE_MAX_DAYS))
        )
    elif item.due_on and (item.due_on - today).days <= PROXIMITY_DAYS:
        left = (item.due_on - today).days
        parts.append(("due today" if left == 0 else f"due in {left}d", PROXIMITY_DAYS - left))
    parts.append((f"score {item.score}" if item.score else "unscored", item.score or UNSCORED))
    if milestone is not None:
        points = MILESTONE_BASE + min(max(slip_days(milestone), 0), MILESTONE_SLIP_MAX)
        if (milestone.forecast_on - today).days <= MILESTONE_SOON_DAYS:
            points += MILESTONE_SOON
        parts.append((f"{milestone.key.rsplit('-', 1)[-1]} at stake", points))
    total = sum(points for _, points in parts)
    if item.owner == person:
        parts.append(("yours", total * (OWNER_FACTOR - 1)))
        total *= OWNER_FACTOR
    return Urgency(round(total, 2), tuple(parts))


def milestones_at_stake(session: Session, items: Iterable[RaidItem]) -> dict[int, Milestone]:
    """For each item, the open milestone it threatens that is due first."""
    ids = [i.id for i in items if i.id is not None]
    if not ids:
        return {}
    rows = session.exec(
        select(MilestoneLink.raid_item_id, Milestone)
        .join(Milestone, col(Milestone.id) == MilestoneLink.milestone_id)
        .where(col(MilestoneLink.raid_item_id).in_(ids))
    )
    found: dict[int, Milestone] = {}
    for item_id, milestone in rows:
        best = found.get(item_id)
        if is_open(milestone) and (best is None or milestone.forecast_on < best.forecast_on):
            found[item_id] = milestone
    return found


@dataclass(frozen=True)
class Ranked:
    item: RaidItem
    urgency: Urgency


def rank(
    session: Session,
    items: Sequence[RaidItem],
    *,
    person: str,
    stakes: dict[int, Milestone] | None = None,
    zones: dict[int, str] | None = None,
) -> list[Ranked]:
    """`items` for `person`, most urgent first (each judged on its project's today).

    A caller that has them already passes `stakes` (`milestones_at_stake` of the items)
    and `zones` (project id: timezone), sparing their queries."""
    stakes = milestones_at_stake(session, items) if stakes is None else stakes
    zones = dict(zones or {})
    ranked = []
    for item in items:
        if item.project_id not in zones:
            project = session.get(Project, item.project_id)
            zones[item.project_id] = project.timezone if project else "UTC"
        today = clock.today(zones[item.project_id])
        ranked.append(
            Ranked(item, urgency(item, person=person, today=today, milestone=stakes.get(item.id)))
        )
    ranked.sort(key=lambda r: (-r.urgency.points, r.item.due_on or date.max, r.item.key))
    return ranked


def most_urgent_first(
    session: Session,
    entries: Sequence[tuple[RaidItem, T]],
    *,
    person: str,
    stakes: dict[int, Milestone] | None = None,
    zones: dict[int, str] | None = None,
) -> list[tuple[RaidItem, T]]:
    """A reminder's (item, reason) entries in the same order as the Hub shows them
    (`stakes`, `zones`: as for `rank`)."""
    ranked = rank(session, [e[0] for e in entries], person=person, stakes=stakes, zones=zones)
    order = {id(r.item): n for n, r in enumerate(ranked)}
    return sorted(entries, key=lambda entry: order[id(entry[0])])
