"""A time or quiet hours changed after the day's (or week's) post went out do not post it again
(`Policy.once_per`): the weekly summary, RAID reminders and the PM digest."""

from datetime import UTC, datetime, timedelta

from bot.scheduling import run_due
from tests.helpers import BOB, PM, console, people, with_project
from tests.scheduler.test_engine import Outbox

MONDAY_0945 = datetime(2026, 11, 23, 9, 45, tzinfo=UTC)


def posted_kinds(report) -> list[str]:  # noqa: ANN001
    return sorted(label.split(":")[0] for label in report.posted)


def test_changing_times_after_the_posts_went_out_does_not_post_them_again(settings) -> None:
    chat = with_project(settings)
    chat.send(f"raid add risk: vendor may slip, owner <@{BOB}>, due 2026-11-10, P4 I4")
    outbox = Outbox()
    # Alice's digest is at 09:30 London; Bob is in New York: his reminder at 14:30 UTC
    first = run_due(settings.database_url, people(), outbox, now=MONDAY_0945)
    assert posted_kinds(first) == ["pm-digest", "summary"]
    bob = run_due(settings.database_url, people(), outbox, now=MONDAY_0945.replace(hour=14))
    assert posted_kinds(bob) == ["reminder"]

    console(settings, user=PM, channel=None).send("quiet 19:00-10:30")
    console(settings, user=BOB, channel=None).send("quiet 19:00-11:00")
    chat.send("/pmo schedule summary monday 15:30")
    chat.send("/pmo schedule reminders 11:15")
    again = run_due(
        settings.database_url, people(), outbox, now=datetime(2026, 11, 23, 17, 5, tzinfo=UTC)
    )

    assert again.posted == [] and len(again.skipped) == 3  # the digest, the summary, Bob's
    assert [r.to_user or r.to_channel for r in outbox.sent] == ["U0ALICE", "C0APOLLO", BOB]
    # the next day goes out as usual, at the new times
    tuesday = run_due(
        settings.database_url, people(), outbox, now=datetime(2026, 11, 24, 16, 16, tzinfo=UTC)
    )
    assert posted_kinds(tuesday) == ["pm-digest", "reminder"]


def test_a_summary_moved_later_in_the_week_waits_for_the_next_week(settings) -> None:
    chat = with_project(settings)
    outbox = Outbox()
    run_due(settings.database_url, people(), outbox, now=MONDAY_0945)
    chat.send("/pmo schedule summary wednesday 10:00")
    wednesday = MONDAY_0945 + timedelta(days=2, minutes=30)
    assert run_due(settings.database_url, people(), outbox, now=wednesday).posted == []
    next_week = wednesday + timedelta(days=7)
    assert posted_kinds(run_due(settings.database_url, people(), outbox, now=next_week)) == [
        "summary"
    ]
