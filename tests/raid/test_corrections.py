"""Working the log in chat: comments, a changed type, undo, my items, what changed."""

from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from bot.interpret.tables import LearnedExample
from skills.raid.models import RaidHistory, RaidItem
from tests.helpers import BOB, PM, with_project


def item(settings, key: str) -> RaidItem | None:
    with session_scope(settings.database_url) as session:
        return session.exec(select(RaidItem).where(RaidItem.key == key)).first()


def test_a_wrong_type_is_corrected_in_place_and_the_old_key_still_works(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add dependency: legal sign-off on the DPA, owner <@U0BOB>")
    reply = chat.send("raid type D1 assumption")[0].text
    assert "APOLLO-D1 is now APOLLO-A1, an assumption" in reply
    moved = item(settings, "APOLLO-A1")
    assert moved and moved.type == "assumption" and moved.owner == BOB
    assert item(settings, "APOLLO-D1") is None
    assert "APOLLO-A1" in chat.send("raid show APOLLO-D1")[0].text  # the old key finds it
    history = chat.send("raid history APOLLO-A1")[0].text
    assert "type: dependency → assumption" in history and "key: APOLLO-D1 → APOLLO-A1" in history
    assert "not a RAID type" in chat.send("raid type A1 colour")[0].text
    with session_scope(settings.database_url) as session:
        learned = session.exec(select(LearnedExample)).all()
    assert [(e.kind, e.label, e.source) for e in learned] == [
        ("raid_type", "assumption", "correction")
    ]
    assert "legal sign-off" in learned[0].text.lower()


def test_a_key_left_by_a_type_change_is_never_given_again(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: the vendor may slip, P2 I2")
    chat.send("raid add risk: the budget may be cut, P3 I4")
    assert "APOLLO-R2 is now APOLLO-I1" in chat.send("raid type R2 issue")[0].text
    assert "APOLLO-R3" in chat.send("raid add risk: key engineer may leave")[0].text
    assert "APOLLO-I1" in chat.send("raid show R2")[0].text  # the old key still finds it


def test_raid_undo_with_the_key_brings_back_a_deleted_item(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add action: book the room")
    chat.send("raid delete ACT1")
    assert "Undone your change to APOLLO-ACT1 (deleted)" in chat.send("raid undo ACT1")[0].text
    assert not item(settings, "APOLLO-ACT1").deleted


def test_comments_go_in_the_history(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    assert "Noted on APOLLO-R1" in chat.send("raid comment R1 vendor called back")[0].text
    assert "vendor called back" in chat.send("raid history R1")[0].text


def test_undo_reverts_your_last_change(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip, P2 I2")
    chat.send("raid update R1 impact 5")
    chat.send("raid update R1 owner <@U0BOB>")
    assert "Undone your change to APOLLO-R1 (owner)" in chat.send("undo")[0].text
    assert item(settings, "APOLLO-R1").owner is None
    assert "(impact" in chat.send("undo that")[0].text
    saved = item(settings, "APOLLO-R1")
    assert (saved.impact, saved.score) == (2, 4)
    assert "removed from the log" in chat.send("undo")[0].text
    assert item(settings, "APOLLO-R1").deleted
    assert "no change I could undo" in chat.send("undo", user=BOB)[0].text


def test_undo_after_a_comment_reaches_no_further_back(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    chat.send("raid comment R1 chased the vendor")
    assert "undid nothing" in chat.send("undo")[0].text
    assert not item(settings, "APOLLO-R1").deleted


def test_undo_takes_back_a_reminder_set_after_the_last_change_to_the_log(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    clock.pin("2026-11-23T09:01:00+00:00")
    chat.send("remind me tomorrow at 9 to call the vendor")
    assert "Cancelled reminder" in chat.send("undo that")[0].text
    assert not item(settings, "APOLLO-R1").deleted
    assert "removed from the log" in chat.send("undo")[0].text  # then the log's change


def test_undo_is_refused_after_ten_minutes_and_over_someone_elses_change(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip, owner <@U0BOB>")
    chat.send("raid update R1 title Vendor may slip the go-live")
    chat.send("raid update R1 impact 4", user=BOB)  # Bob owns it, so he may
    refused = chat.send("undo")[0].text
    assert "<@U0BOB> changed APOLLO-R1 after you" in refused
    assert item(settings, "APOLLO-R1").title == "Vendor may slip the go-live"
    clock.pin("2026-11-23T09:11:00+00:00")
    late = chat.send("undo", user=BOB)[0].text
    assert "11 minutes ago" in late and item(settings, "APOLLO-R1").impact == 4
    with session_scope(settings.database_url) as session:
        undone = session.exec(select(RaidHistory).where(RaidHistory.note.startswith("undo:"))).all()
    assert undone == []


def test_in_a_dm_an_item_goes_to_the_project_its_words_name(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo project create zeus Zeus", channel="C0ZEUS")
    assert "ZEUS-R1" in chat.send("log a risk in zeus: vendor may slip", channel="")[0].text
    assert "APOLLO-R1" in chat.send("apollo risk: budget cut", channel="")[0].text
    assert "Which project?" in chat.send("risk: no project named", channel="")[0].text
    with session_scope(settings.database_url) as session:
        assert session.exec(select(RaidItem.title).where(RaidItem.key == "ZEUS-R1")).one() == (
            "Vendor may slip"
        )


def test_my_items_across_projects_and_what_changed(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo project create zeus Zeus", channel="C0ZEUS")
    chat.send("raid add risk: vendor may slip, owner <@U0ALICE>")
    chat.send("raid add issue: build broken, owner <@U0ALICE>", channel="C0ZEUS")
    chat.send("raid add risk: not mine, owner <@U0BOB>")
    mine = chat.send("my items", channel="")[0]
    assert "APOLLO-R1" in mine.text and "ZEUS-I1" in mine.text and "APOLLO-R2" not in mine.text
    clock.pin("2026-11-25T10:00:00+00:00")
    chat.send("raid close R1 vendor confirmed")
    changed = chat.send("raid changes --since 2026-11-24")[0].text
    assert "APOLLO-R1" in changed and "closed" in changed and "APOLLO-R2" not in changed
    assert changed.count("What changed") == 1 and changed.startswith("*What changed in `apollo`")
    assert "since Mon 23 Nov" in chat.send("raid changes --since monday")[0].text


def test_who_has_not_answered_the_check_in(settings) -> None:
    chat = with_project(settings)
    chat.send(f"/pmo checkin participants <@{PM}> <@{BOB}>")
    clock.pin("2026-11-23T17:00:00+00:00")
    chat.send("status Done: the plan. Next: the build")
    text = chat.send("status missing")[0].text
    assert "Not answered yet: <@U0BOB>" in text and "<@U0ALICE>" not in text


def test_a_clarifying_question_offers_the_type_the_parser_reads_first() -> None:
    from types import SimpleNamespace

    from skills.raid.handlers import type_choices

    ctx = SimpleNamespace(
        session=None, team=None, project=SimpleNamespace(timezone="Europe/London")
    )
    text = "the nightly build has been red since Tuesday and nobody can merge"  # no type word
    choices = type_choices(ctx, text)
    assert choices[0] == ("Log as issue", {"type": "issue"})  # the model's reading
    assert choices[1][1]["type"] != "issue"


def test_a_converted_risk_answers_as_its_issue(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip, owner <@U0BOB>")
    assert "APOLLO-I1" in chat.send("raid convert R1")[0].text
    assert "APOLLO-I1" in chat.send("raid close R1 vendor delivered")[0].text
    assert item(settings, "APOLLO-I1").status != "open"
    assert item(settings, "APOLLO-R1").status == "converted"
    assert "converted" in chat.send("raid show APOLLO-R1")[0].text  # reading it shows it


def test_undo_of_a_conversion_restores_the_risk_and_removes_its_issue(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    chat.send("raid convert R1")
    reply = chat.send("undo")[0].text
    assert "APOLLO-R1 (link, status)" in reply and "APOLLO-I1 is removed" in reply
    risk, issue = item(settings, "APOLLO-R1"), item(settings, "APOLLO-I1")
    assert risk.status == "open" and not risk.deleted and issue.deleted


def test_too_late_to_undo_says_how_long_ago_in_a_readable_unit() -> None:
    from datetime import datetime, timedelta

    from bot.core.skills import too_late_to_undo

    now = datetime(2026, 11, 23, 9, 0)
    assert too_late_to_undo(now - timedelta(minutes=9), now) is None
    assert "11 minutes ago" in too_late_to_undo(now - timedelta(minutes=11), now)
    assert "5 hours ago" in too_late_to_undo(now - timedelta(hours=5), now)
    assert "3 days ago" in too_late_to_undo(now - timedelta(days=3), now)
