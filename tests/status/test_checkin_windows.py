"""Each person's own window: no prompt or reminder after it, no reminder before the prompt;
times in quiet hours, people who leave the project, and times changed mid-day.

Alice is in London (asked 09:30 UTC, window to 13:30, reminded 12:30), Bob in New York
(14:30 to 18:30 UTC), Chen in Singapore (01:30 to 05:30 UTC, reminded 04:30).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.db import session_scope
from bot.scheduling import planned
from skills.status.models import CheckinPerson
from tests.helpers import BOB, CHEN, PM
from tests.status.chat import Outbox, at, directory, with_checkins
from tests.status.test_history import livepmo


def roster(settings) -> list[str]:
    with session_scope(settings.database_url) as session:
        return list(session.exec(select(CheckinPerson.user_id).order_by(CheckinPerson.id)))


def test_switched_on_after_a_window_closed_nobody_is_reminded_or_counted(settings) -> None:
    with_checkins(settings)  # on at 09:00 UTC: Chen's window closed at 05:30
    outbox = Outbox()
    first = at(settings, "2026-11-23T09:31:00", outbox)
    assert first.posted == ["checkin-prompt:apollo:2026-11-23:U0ALICE@2026-11-23T09:30Z"]
    assert not outbox.to(CHEN)  # no reminder (due 04:30) without a prompt, after his window
    assert sorted(roster(settings)) == [PM, BOB]
    at(settings, "2026-11-23T14:31:00", outbox)
    at(settings, "2026-11-23T18:31:00", outbox)
    report = outbox.sent[-1].text
    assert "*0 of 2* answered" in report and "U0CHEN" not in report


def test_nothing_goes_out_after_a_persons_own_window(settings) -> None:
    with_checkins(settings)
    outbox = Outbox()
    # The first tick comes after Alice's window (09:30-13:30) though Bob's is still ahead.
    assert not at(settings, "2026-11-23T14:00:00", outbox).posted
    assert at(settings, "2026-11-23T14:31:00", outbox).posted == [
        "checkin-prompt:apollo:2026-11-23:U0BOB@2026-11-23T14:30Z"
    ]
    assert not outbox.to(PM)
    at(settings, "2026-11-23T18:31:00", outbox)
    assert "*0 of 1* answered" in outbox.sent[-1].text and "U0ALICE" not in outbox.sent[-1].text


def test_no_report_of_a_day_nobody_could_be_asked(settings) -> None:
    with_checkins(settings)
    # First tick at 19:00: every window is over, the report (due 18:30) is not.
    assert not at(settings, "2026-11-23T19:00:00", Outbox()).posted


def test_a_reminder_never_comes_with_or_before_a_late_prompt(settings) -> None:
    with_checkins(settings)
    outbox = Outbox()
    # 12:45: Alice's prompt (09:30) goes out late, with her reminder (12:30) also due.
    assert at(settings, "2026-11-23T12:45:00", outbox).posted == [
        "checkin-prompt:apollo:2026-11-23:U0ALICE@2026-11-23T09:30Z"
    ]
    assert [r.text.startswith("Hi") for r in outbox.to(PM)] == [True]


def week_of_prompts(settings) -> dict[str, str]:
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        week = planned(session, directory(), start, start + timedelta(days=7))
    return {f.key: f"{f.local_due():%a %H:%M}" for f in week if f.kind == "checkin-prompt"}


def test_a_time_in_quiet_hours_is_asked_when_they_end_never_earlier(settings) -> None:
    chat = with_checkins(settings)
    said = chat.send("/pmo checkin time 22:00")[0].text
    assert (
        ":warning: 22:00 is in the quiet hours of <@U0ALICE>, <@U0BOB>, <@U0CHEN> (19:00–08:00, "
        "the default), so they are asked when those end: at 08:00 the next morning, their time "
        "(not on a weekend they take off)."
    ) in said
    prompts = week_of_prompts(settings)
    assert prompts["checkin-prompt:apollo:2026-11-23:U0ALICE"] == "Tue 08:00"
    assert prompts["checkin-prompt:apollo:2026-11-26:U0BOB"] == "Fri 08:00"
    assert not [k for k in prompts if ":2026-11-27:" in k]  # Friday's falls on the weekend

    said = livepmo(settings.database_url, "checkin", "set", "--project", "apollo", "--time", "7:00")
    assert "(19:00–08:00, the default), so they are asked when those end: at 08:00 that " in (
        said.output
    )
    assert week_of_prompts(settings)["checkin-prompt:apollo:2026-11-23:U0ALICE"] == "Mon 08:00"
    assert "quiet hours" not in chat.send("/pmo checkin time 09:30")[0].text


def test_someone_who_leaves_is_no_longer_a_participant(settings) -> None:
    chat = with_checkins(settings)
    chat.send(f"/pmo checkin participants <@{PM}> <@{BOB}>")
    chat.send(f"/pmo project members remove <@{BOB}>")
    shown = chat.send("/pmo checkin")[0].text
    assert "Participants: <@U0ALICE>" in shown and "U0BOB" not in shown
    outbox = Outbox()
    at(settings, "2026-11-23T09:31:00", outbox)
    assert at(settings, "2026-11-23T13:31:00", outbox).posted == [
        "checkin-report:apollo:2026-11-23@2026-11-23T13:30Z"
    ]
    assert "*0 of 1* answered" in outbox.sent[-1].text


def test_someone_who_leaves_mid_day_leaves_that_days_roster_not_history(settings) -> None:
    chat = with_checkins(settings)
    outbox = Outbox()
    for when in ("01:31", "09:31", "14:31", "18:31"):  # Monday: all three asked, then reported
        at(settings, f"2026-11-23T{when}:00", outbox)
    assert "*0 of 3* answered" in outbox.sent[-1].text
    at(settings, "2026-11-24T01:31:00", outbox)  # Tuesday's check-in starts with Bob on it
    at(settings, "2026-11-24T09:31:00", outbox)
    chat.send(f"/pmo project members remove <@{BOB}>")
    # The report no longer waits for Bob's window (to 18:30) nor counts him.
    assert at(settings, "2026-11-24T13:31:00", outbox).posted == [
        "checkin-report:apollo:2026-11-24@2026-11-24T13:30Z"
    ]
    assert "*0 of 2* answered" in outbox.sent[-1].text and "U0BOB" not in outbox.sent[-1].text
    assert not at(settings, "2026-11-24T14:31:00", outbox).posted
    stats = chat.send("/pmo status stats")[0].text
    assert "<@U0BOB> *0%* — 0 of 1 answered (0 late) · 0 skipped · 1 missed" in stats


def test_a_time_changed_once_the_day_started_says_it_applies_next_time(settings) -> None:
    chat = with_checkins(settings)
    assert "already started" not in chat.send("/pmo checkin time 09:45")[0].text
    chat.send("/pmo checkin time 09:30")
    at(settings, "2026-11-23T09:31:00", Outbox())  # Alice asked: Monday's check-in started
    said = chat.send("/pmo checkin time 11:30")[0].text
    assert said.startswith(
        "Saved.\nThe check-in of Mon 23 Nov has already started and keeps its times: the new "
        "time applies from the next check-in day.\n"
    )
    assert "already started" not in chat.send("/pmo checkin questions default")[0].text
    said = livepmo(settings.database_url, "checkin", "set", "--project", "apollo", "--window", "3h")
    assert "the new response window applies from the next check-in day" in said.output


def test_a_participant_added_mid_day_is_asked_before_the_report(settings) -> None:
    chat = with_checkins(settings)
    chat.send(f"/pmo checkin participants <@{PM}> <@{CHEN}>")
    outbox = Outbox()
    at(settings, "2026-11-23T01:31:00", outbox)  # Chen: the check-in closes at 13:30 then
    chat.send(f"/pmo checkin participants add <@{BOB}>")  # joins at the next prompt (Alice's)
    at(settings, "2026-11-23T09:31:00", outbox)
    assert not at(settings, "2026-11-23T13:31:00", outbox).posted  # waits for Bob's window
    assert at(settings, "2026-11-23T14:31:00", outbox).posted == [
        "checkin-prompt:apollo:2026-11-23:U0BOB@2026-11-23T14:30Z"
    ]
    at(settings, "2026-11-23T18:31:00", outbox)
    assert "*0 of 3* answered" in outbox.sent[-1].text
