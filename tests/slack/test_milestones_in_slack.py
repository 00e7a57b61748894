"""A milestone slip through Slack: moved past the project's threshold by `/pmo`, the
scheduler DMs the PM once through the Web API (not the person who moved it), and never again
for the same move."""

from datetime import UTC, datetime

from bot.core import clock
from tests.slack.commands import command, scheduler_at

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def slipped(posts: list) -> list:
    return [p for p in posts if "has slipped" in p.args["text"]]


def test_a_slip_alerts_the_pm_once(events, slack, slack_settings) -> None:
    command(events, slack, "project create apollo Apollo --member <@U0BOB>")
    command(events, slack, "milestone add Beta launch --date 2027-01-15 --owner <@U0BOB>")
    run_at = scheduler_at(slack, slack_settings)
    assert slipped(run_at(MONDAY)) == []

    clock.pin(MONDAY.replace(minute=5))
    moved = command(events, slack, "milestone move M1 2027-01-25 the vendor slipped", "U0BOB")
    assert "+10 days" in moved
    [alert] = slipped(run_at(MONDAY.replace(minute=6)))
    assert alert.args["channel"] == "U0ALICE"
    assert "Fri 15 Jan 2027 → Mon 25 Jan 2027 (+10 days)" in alert.args["text"]
    assert slipped(run_at(MONDAY.replace(minute=7))) == []  # once per move
    assert slipped(run_at(MONDAY.replace(hour=12))) == []
