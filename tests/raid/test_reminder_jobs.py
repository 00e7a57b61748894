"""When RAID reminders and the PM digest go out: the PM digest at the project's `schedule
reminders` time and not while the PM is away; an owner ahead of the project reminded at
09:30 their time, by their own today."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.people import Person
from bot.scheduling import run_due
from tests.helpers import PM, console, people, with_project
from tests.scheduler.test_engine import Outbox

DANA = "U0DANA"  # in Sydney, eleven hours ahead of the project (London)


def to(outbox: Outbox, user: str) -> list[str]:
    return [r.text for r in outbox.sent if r.to_user == user]


def test_the_pm_digest_comes_at_the_projects_reminder_time(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip P4 I4")  # no owner: the digest flags it
    chat.send("/pmo schedule reminders 11:15")
    outbox = Outbox()
    run_due(settings.database_url, people(), outbox, now=datetime(2026, 11, 23, 9, 35, tzinfo=UTC))
    assert to(outbox, PM) == []
    run_due(settings.database_url, people(), outbox, now=datetime(2026, 11, 23, 11, 16, tzinfo=UTC))
    [digest] = to(outbox, PM)
    assert "APOLLO-R1" in digest and "no owner" in digest


def test_no_pm_digest_while_the_pm_is_away(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip P4 I4")
    console(settings, user=PM, channel=None).send("ooo 2026-11-23..2026-11-27 holiday")
    outbox = Outbox()
    run_due(settings.database_url, people(), outbox, now=datetime(2026, 11, 23, 9, 35, tzinfo=UTC))
    assert to(outbox, PM) == []
    run_due(settings.database_url, people(), outbox, now=datetime(2026, 11, 30, 9, 35, tzinfo=UTC))
    assert len(to(outbox, PM)) == 1  # back the next Monday


def test_an_owner_ahead_of_the_project_is_reminded_at_0930_their_time(settings) -> None:
    chat = with_project(settings)
    chat.send(f"/pmo project members add <@{DANA}>")
    chat.send(f"raid add issue: test rig booked twice, owner <@{DANA}>, due 2026-11-23")
    directory = people()
    directory.add(Person(DANA, "Dana", "Australia/Sydney"))
    outbox = Outbox()
    # Tuesday 09:31 in Sydney, still Monday in London: the item is overdue where Dana is
    tuesday_0931_sydney = datetime(2026, 11, 23, 22, 31, tzinfo=UTC)
    report = run_due(settings.database_url, directory, outbox, now=tuesday_0931_sydney)
    [reminder] = to(outbox, DANA)
    assert "1 of your RAID items needs a look" in reminder
    assert f"reminder:{DANA}@2026-11-23T22:30Z" in report.posted
