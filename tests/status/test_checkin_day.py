"""A check-in day end to end: prompts at each person's own time, reminders, time away,
one report, and a blocker logged as a RAID issue with one click."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.db import session_scope
from bot.scheduling import planned
from skills.raid.models import RaidItem
from skills.status.models import BlockerIssue, Checkin, CheckinPerson
from tests.helpers import BOB, CHANNEL, CHEN, PM, button
from tests.status.chat import DAN, Outbox, at, directory, dm, updates, with_checkins


def test_a_full_day_in_three_timezones(settings) -> None:
    chat = with_checkins(settings, DAN)
    chat.send("/pmo project members add <@U0OBSERVER> viewer")
    # The report carries project data: an observer must be able to read the project.
    refused = chat.send("/pmo checkin observers <@U0OBSERVER> <@U0OUTSIDER>")[0].text
    assert "<@U0OUTSIDER> is not in `apollo`" in refused
    chat.send("/pmo checkin observers <@U0OBSERVER>")
    assert "away" in dm(chat, DAN, "ooo 2026-11-23..2026-11-24 conference")[0].text
    outbox = Outbox()

    # 09:30 in Singapore is 01:30 UTC: only Chen is asked.
    first = at(settings, "2026-11-23T01:31:00", outbox)
    assert first.posted == ["checkin-prompt:apollo:2026-11-23:U0CHEN@2026-11-23T01:30Z"]
    prompt = outbox.take()[0]
    assert prompt.to_user == CHEN and "answer by *13:30* your time" in prompt.text
    assert button(prompt, "checkin_skip") == "apollo:2026-11-23"
    reply = dm(chat, CHEN, "Done: parser merged. Next: wire the API. Blockers: waiting on API keys")
    assert "Got your update" in reply[0].text and "*Blockers:* Waiting on API keys" in reply[0].text
    assert not at(settings, "2026-11-23T04:31:00", outbox).posted  # Chen answered: no reminder

    # 09:30 in London: Alice answers with the form; Dan is away and is not asked.
    assert at(settings, "2026-11-23T09:31:00", outbox).posted == [
        "checkin-prompt:apollo:2026-11-23:U0ALICE@2026-11-23T09:30Z"
    ]
    assert not outbox.to(DAN)
    prompt = outbox.to(PM)[0]
    form = chat.send(f"!press checkin_give {button(prompt, 'checkin_give')}")[0].modal
    assert form["callback_id"] == "checkin_update"
    saved = chat.send(
        '!submit checkin_update {"done": "Budget signed off", "next": "Hire tester",'
        ' "blockers": "none", "rag": "amber"}'
    )
    assert saved[0].to_user == PM and "Got your update" in saved[0].text
    assert not at(settings, "2026-11-23T12:31:00", outbox).posted

    # 09:30 in New York is 14:30 UTC; Bob does not answer and is reminded an hour before
    # his window closes (13:30 his time), then the report goes out when it closes.
    assert at(settings, "2026-11-23T14:31:00", outbox).posted
    assert at(settings, "2026-11-23T17:31:00", outbox).posted == [
        "checkin-reminder:apollo:2026-11-23:U0BOB@2026-11-23T17:30Z"
    ]
    reminder = outbox.take()[-1]
    assert reminder.to_user == BOB and "closes for you at *13:30*" in reminder.text
    report = at(settings, "2026-11-23T18:31:00", outbox)
    again = at(settings, "2026-11-23T18:31:00", outbox)
    assert report.posted == ["checkin-report:apollo:2026-11-23@2026-11-23T18:30Z"]
    assert not again.posted and report.posted[0] in again.skipped
    post, observer = outbox.take()
    assert post.to_channel == CHANNEL and observer.to_user == "U0OBSERVER"
    assert "*2 of 3* answered" in post.text and "at risk" in post.text.lower()
    assert "away: <@U0DAN>" in post.text and "no answer: <@U0BOB>" in post.text
    texts = [b["text"]["text"] for b in post.blocks if b["type"] == "section"]
    blockers = texts.index("*Blockers (1)*")
    assert "Waiting on API keys" in texts[blockers + 1]
    assert blockers < next(i for i, t in enumerate(texts) if "Budget signed off" in t)

    # One click logs the blocker as a RAID issue owned by Chen; a second click does not.
    value = button(post, "checkin_log_blocker")
    logged = chat.send(f"!press checkin_log_blocker {value}", user=BOB)
    assert "logged <@U0CHEN>'s blocker as *APOLLO-I1*" in logged[0].text
    assert logged[1].to_user == CHEN
    assert (
        "already logged as *APOLLO-I1*" in chat.send(f"!press checkin_log_blocker {value}")[0].text
    )
    with session_scope(settings.database_url) as session:
        issue = session.exec(select(RaidItem)).one()
        link = session.exec(select(BlockerIssue)).one()
    chen_update = updates(settings, CHEN)[0]
    assert (issue.type, issue.owner, issue.raised_by) == ("issue", CHEN, BOB)
    assert issue.title == "Waiting on API keys" and f"status update #{chen_update.id}" in (
        issue.description
    )
    assert (link.update_id, link.blocker, link.raid_item_id) == (chen_update.id, 0, issue.id)
    assert [u.user_id for u in updates(settings)] == [CHEN, PM]


def test_weekends_holidays_quiet_hours_and_moved_settings(settings) -> None:
    chat = with_checkins(settings)
    dm(chat, BOB, "quiet 12:00-09:00")  # Bob's reminder at 12:30 New York falls in quiet hours
    chat.send("/pmo checkin holiday 2026-11-25")
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        week = [
            f
            for f in planned(session, directory(), start, start + timedelta(days=7))
            if f.kind.startswith("checkin")
        ]
    days = {f.local_due().strftime("%a") for f in week}
    assert days == {"Mon", "Tue", "Thu", "Fri"}  # Wednesday is a holiday; no weekend
    bob = [f for f in week if f.recipient == BOB]
    assert {f.kind for f in bob} == {"checkin-prompt"}  # reminders skipped, never moved
    assert {f.local_due().strftime("%H:%M") for f in bob} == {"09:30"}
    chen = [f for f in week if f.recipient == CHEN and f.kind == "checkin-reminder"]
    assert {f.local_due().strftime("%H:%M") for f in chen} == {"12:30"}

    outbox = Outbox()
    at(settings, "2026-11-23T09:31:00", outbox)
    chat.send("/pmo checkin time 10:00")  # after Alice was asked at 09:30
    at(settings, "2026-11-23T10:01:00", outbox)
    assert len([r for r in outbox.to(PM) if "time for the" in r.text]) == 1
    chat.send("/pmo checkin off")
    with session_scope(settings.database_url) as session:
        assert not [
            f
            for f in planned(session, directory(), start, start + timedelta(days=7))
            if f.kind.startswith("checkin")
        ]


def test_report_in_a_thread_and_skips(settings) -> None:
    chat = with_checkins(settings)
    chat.send("/pmo checkin where thread")
    outbox = Outbox()
    at(settings, "2026-11-23T01:31:00", outbox)
    skip = chat.send(f"!press checkin_skip {button(outbox.take()[0], 'checkin_skip')}", user=CHEN)
    assert "Skipped" in skip[0].text and skip[0].replace_original
    dm(chat, PM, "Finished the budget review, next I'll book the venue. No blockers.")
    at(settings, "2026-11-23T18:31:00", outbox)
    opener, thread = [r for r in outbox.take() if r.thread_key]  # not the summary sent late
    assert opener.starts_thread and opener.thread_key == thread.thread_key == (
        "checkin:apollo:2026-11-23"
    )
    assert "skipped: <@U0CHEN>" in opener.text and "no answer: <@U0BOB>" in opener.text
    assert "every update in the thread" in opener.text and "venue" not in opener.text
    assert "Book the venue" in thread.text and "No blockers reported." in str(thread.blocks)


def test_a_skip_said_in_words_is_a_skip(settings) -> None:
    chat = with_checkins(settings)
    at(settings, "2026-11-23T01:31:00", Outbox())  # Chen's prompt (Singapore)
    assert "Skipped" in dm(chat, CHEN, "Skip today, in workshops all day")[0].text
    assert updates(settings, CHEN)[0].skipped
    said = dm(chat, PM, "skip the flaky test in CI, then finished the budget review")[0].text
    assert "Skipped" not in said  # work said with the verb, not a skip


def test_time_away_said_in_words(settings) -> None:
    chat = with_checkins(settings, DAN)  # the clock is Mon 23 Nov 2026
    assert "away Tue 24 Nov 2026." in dm(chat, DAN, "ooo tomorrow")[0].text
    said = dm(chat, DAN, "ooo 24 Dec to 2 Jan holiday")[0].text
    assert "away Thu 24 Dec – Sat 02 Jan 2027" in said
    assert "When are you away?" in dm(chat, DAN, "ooo soon")[0].text
    assert "— holiday" in dm(chat, DAN, "ooo")[0].text
    said = dm(chat, DAN, "ooo friday, today finishing the migration script, blocked by DBA")[0]
    assert "send it on its own: `status …`" in said.text


def test_a_day_nobody_answered_still_counts(settings) -> None:
    chat = with_checkins(settings, DAN)  # Alice and Dan are both asked at 09:30 London
    outbox = Outbox()
    # Monday: every prompt goes out (two in the same tick), nobody answers.
    for when in ("2026-11-23T01:31:00", "2026-11-23T09:31:00", "2026-11-23T14:31:00"):
        assert at(settings, when, outbox).posted
    at(settings, "2026-11-23T18:31:00", outbox)
    assert "*0 of 4* answered" in outbox.sent[-1].text
    with session_scope(settings.database_url) as session:
        checkin = session.exec(select(Checkin)).one()
        roster = session.exec(select(CheckinPerson.user_id).order_by(CheckinPerson.user_id))
        assert (checkin.day.isoformat(), list(roster)) == ("2026-11-23", [PM, BOB, CHEN, DAN])
    stats = chat.send("/pmo status stats")[0].text
    assert "<@U0BOB> *0%* — 0 of 1 answered (0 late) · 0 skipped · 1 missed" in stats

    # Tuesday: only Alice answers; Bob's misses add up over both days.
    at(settings, "2026-11-24T01:31:00", outbox)
    at(settings, "2026-11-24T09:31:00", outbox)
    dm(chat, PM, "Done: budget. Next: venue. Blockers: none")
    at(settings, "2026-11-24T14:31:00", outbox)
    at(settings, "2026-11-24T18:31:00", outbox)
    stats = chat.send("/pmo status stats")[0].text
    assert "<@U0BOB> *0%* — 0 of 2 answered (0 late) · 0 skipped · 2 missed" in stats
    assert "<@U0ALICE> *50%* — 1 of 2 answered (0 late) · 0 skipped · 1 missed" in stats
    assert "*Project:* 12% — 1 of 8 answers given." in stats


def test_listings_count_the_rest_and_leave_out_who_answered(settings) -> None:
    chat = with_checkins(settings, DAN)
    dm(chat, DAN, "Done: venue booked. Next: catering. Blockers: none")  # before his 09:30 prompt
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with session_scope(settings.database_url) as session:
        week = planned(session, directory(), start, start + timedelta(days=7))
    today = [f for f in week if f.key.startswith("checkin-reminder:apollo:2026-11-23")]
    assert {f.recipient for f in today} == {PM, BOB}  # Dan answered: none listed (nor sent)

    shown = chat.send("/pmo schedule")[0].text.splitlines()
    assert len(shown) == 1 + 6 + 1  # the settings, the next six posts, then the rest counted
    assert shown[-1].startswith(f"…and {len(week) - 6} more in the next 7 days: ")
    assert "checkin-reminder ×18" in shown[-1] and "checkin-report ×5" in shown[-1]
