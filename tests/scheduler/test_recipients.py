"""Scheduled DMs with project data go only to people who may read the project (viewer+)."""

from datetime import UTC, datetime

from bot.scheduling import run_due
from tests.helpers import BOB, with_project
from tests.scheduler.test_engine import Outbox, directory

STRANGER = "U0STRANGER"
MONDAY_0931_LONDON = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)


def test_raid_reminders_reach_an_owner_only_while_they_can_read_the_project(settings) -> None:
    chat = with_project(settings)
    chat.send(f"raid add issue: vendor contract lapsed, owner <@{STRANGER}>, due 2026-11-20")
    chat.send(f"raid add issue: build server down, owner <@{BOB}>, due 2026-11-20")
    outbox = Outbox()
    run_due(settings.database_url, directory(), outbox, now=MONDAY_0931_LONDON)
    assert not [r for r in outbox.sent if r.to_user == STRANGER]

    chat.send(f"/pmo project members add <@{STRANGER}> viewer")
    tuesday = MONDAY_0931_LONDON.replace(day=24)
    run_due(settings.database_url, directory(), outbox, now=tuesday)
    [reminder] = [r for r in outbox.sent if r.to_user == STRANGER]
    assert "APOLLO-I1" in str(reminder.blocks) and "APOLLO-I2" not in str(reminder.blocks)
