"""The one relevance order, pinned on a fixed example; the Hub and the reminders use it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.db import session_scope
from bot.core.projects import get_project
from scheduler.plan import PlanContext, Planned
from skills.hub.urgency import rank, urgency
from skills.milestones import service as milestones
from skills.milestones.models import Milestone
from skills.raid import service as raid
from skills.raid.jobs import RaidReminders
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType
from tests.helpers import BOB, PM, people, with_project

TODAY = date(2026, 11, 23)
ME, OTHER = "U0ME", "U0OTHER"


def item(
    key: str, *, owner: str | None, due: date | None, p: int | None = None, i: int | None = None
) -> RaidItem:
    score = p * i if p and i else None
    return RaidItem(
        project_id=1,
        type="risk",
        seq=1,
        key=key,
        title=key,
        owner=owner,
        raised_by=ME,
        due_on=due,
        probability=p,
        impact=i,
        score=score,
    )


MILESTONE = Milestone(
    project_id=1,
    seq=2,
    key="APOLLO-M2",
    name="Beta",
    baseline_on=date(2026, 12, 1),
    forecast_on=date(2026, 12, 10),
    created_by=ME,
)
EXAMPLE = {  # key: (item, milestone at stake)
    "A": (item("A", owner=ME, due=date(2026, 11, 13)), None),  # 10 days overdue, unscored
    "B": (item("B", owner=OTHER, due=date(2026, 12, 20), p=5, i=5), None),  # critical, later
    "C": (item("C", owner=ME, due=date(2026, 11, 25), p=4, i=4), MILESTONE),
    "D": (item("D", owner=None, due=TODAY), None),  # raised by me, due today
    "E": (item("E", owner=ME, due=date(2026, 11, 22), p=2, i=2), None),  # a day overdue
    "F": (item("F", owner=ME, due=None, p=3, i=3), None),  # no date
}


def test_the_order_is_pinned_on_a_fixed_example() -> None:
    scored = {
        key: urgency(found, person=ME, today=TODAY, milestone=stake)
        for key, (found, stake) in EXAMPLE.items()
    }
    assert {k: u.points for k, u in scored.items()} == {
        "A": 67.5,  # (20 + 2×10 overdue + 5 unscored) × 1.5
        "B": 25,  # score 25, not mine
        "C": 85.5,  # (score 16 + 12 due in 2 days + M2: 10 + 10 soon + 9 slipped) × 1.5
        "D": 19,  # 5 unscored + 14 due today
        "E": 39,  # (20 + 2 overdue + 4) × 1.5
        "F": 13.5,  # 9 × 1.5
    }
    order = sorted(scored, key=lambda k: -scored[k].points)
    assert order == ["C", "A", "E", "B", "D", "F"]
    assert scored["C"].why() == "due in 2d · score 16 · M2 at stake · yours"
    assert scored["A"].why() == "overdue 10d · unscored · yours"


def test_long_overdue_is_capped() -> None:
    ancient = item("Z", owner=OTHER, due=date(2025, 1, 1))
    assert urgency(ancient, person=ME, today=TODAY).points == 20 + 2 * 30 + 5


RISKS = (  # title, date, probability = impact
    ("late", date(2026, 10, 24), 1),
    ("big", date(2027, 1, 30), 5),
    ("soon", date(2026, 11, 24), 2),
    ("critical", date(2026, 11, 22), 5),
)


@pytest.fixture
def world(settings):
    chat = with_project(settings)
    with session_scope(settings.database_url) as session:
        project = get_project(session, "apollo")
        made = {}
        for title, due, p in RISKS:
            made[title] = raid.create_item(
                session,
                project=project,
                raid_type=RaidType.RISK,
                title=title,
                actor=PM,
                owner=BOB,
                due_on=due,
                probability=p,
                impact=p,
            ).key
        beta = milestones.create_milestone(
            session, project=project, name="Beta", due_on=date(2026, 12, 1), actor=PM
        )
        big = raid.find_item(session, made["big"])
        milestones.link_item(session, milestone=beta, item=big, actor=PM)
    return chat, made


def test_rank_reads_the_milestone_at_stake_from_the_database(settings, world) -> None:
    _, made = world
    with session_scope(settings.database_url) as session:
        found = [raid.find_item(session, key) for key in made.values()]
        ranked = rank(session, found, person=BOB)
    # late: (20 + 2×30 + 1) × 1.5; critical: (20 + 2 + 25) × 1.5; big: (25 + M1: 10 + 10 soon)
    # × 1.5; soon: (13 + 4) × 1.5
    assert [(r.item.title, r.urgency.points) for r in ranked] == [
        ("late", 121.5),
        ("critical", 70.5),
        ("big", 67.5),
        ("soon", 25.5),
    ]


def test_the_reminder_lists_items_in_the_same_order(settings, world) -> None:
    _, made = world
    with session_scope(settings.database_url) as session:
        due = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
        firing = Planned("raid-reminder", f"reminder:{BOB}", due, BOB, "America/New_York")
        [reply] = RaidReminders().run(PlanContext(session, people()), firing)
    order = [b["text"]["text"].split("*")[1] for b in reply.blocks[1::2]]
    # Only overdue items are reminded of; the RAID log lists the critical one first (by
    # score), the one a month overdue comes first by urgency.
    assert order == [made["late"], made["critical"]]
