"""The RAID skill as people use it in chat (console transport, both databases)."""

from sqlmodel import func, select

from bot.core.db import session_scope
from skills.raid.models import RaidHistory, RaidItem, RaidLink
from tests.helpers import ADMIN, BOB, CHEN, PM, STRANGER, console, with_project


def items(settings) -> dict[str, RaidItem]:
    with session_scope(settings.database_url) as session:
        return {i.key: i for i in session.exec(select(RaidItem))}


def test_natural_language_risk_is_saved_with_every_field(settings) -> None:
    chat = with_project(settings)
    replies = chat.send(
        f"log a risk: vendor may slip the go-live, owner <@{BOB}>, "
        "review Friday, likelihood high impact medium"
    )
    saved = items(settings)["APOLLO-R1"]
    assert (saved.type, saved.owner, str(saved.due_on)) == ("risk", BOB, "2026-11-27")
    assert (saved.probability, saved.impact, saved.score, saved.severity) == (4, 3, 12, "high")
    assert saved.title.lower().startswith("vendor may slip the go-live")
    assert saved.raised_by == PM and saved.status == "open"
    card, dm = replies
    assert "*APOLLO-R1*" in card.text and "High (P4×I3=12)" in card.text
    assert [e["action_id"] for e in card.blocks[-1]["elements"]] == ["raid_edit", "raid_undo"]
    assert dm.to_user == BOB and "named you the owner" in dm.text


def test_dependency_and_assumption_in_plain_words(settings) -> None:
    chat = with_project(settings)
    chat.send("new dependency: the data team must deliver the extract by 15 Dec")
    chat.send("we're assuming the budget is approved")
    saved = items(settings)
    assert saved["APOLLO-D1"].due_on.isoformat() == "2026-12-15"
    assert saved["APOLLO-A1"].type == "assumption"


def test_a_blocker_label_logs_an_issue_but_a_blockers_section_does_not(settings) -> None:
    from skills.raid.handlers import skill

    chat = with_project(settings)
    chat.send("blocker: the staging certificate expired and nobody can deploy")
    assert items(settings)["APOLLO-I1"].type == "issue"
    assert not skill.led_by("Blockers: the API keys still haven't arrived. Otherwise mapping.")
    assert not skill.led_by("no problems - all good this week")


def test_a_bare_request_to_log_asks_for_the_item(settings) -> None:
    reply = with_project(settings).send("log a risk")[0]
    assert "What's the risk?" in reply.text and items(settings) == {}


def test_list_filters(settings) -> None:
    chat = with_project(settings)
    chat.send(f"raid add risk: supplier insolvency could halt delivery P5 I5 owner <@{BOB}>")
    chat.send("raid add issue: build server is down, due 2026-11-20")
    chat.send("raid add risk: minor UI text inconsistencies P1 I2")
    listing = chat.send("raid list")[0].text
    assert listing.index("APOLLO-I1") < listing.index("APOLLO-R1") < listing.index("APOLLO-R2")
    assert "APOLLO-I1" in chat.send("raid list overdue")[0].text
    assert "APOLLO-R1" not in chat.send("raid list overdue")[0].text
    assert "APOLLO-I1" not in chat.send("raid list risks")[0].text
    only_bob = chat.send(f"raid list <@{BOB}>")[0].text
    assert "APOLLO-R1" in only_bob and "APOLLO-R2" not in only_bob
    assert "APOLLO-R2" not in chat.send("raid list --min-score 10")[0].text
    assert "No matching" in chat.send("raid list --text unicorns")[0].text
    assert "needs a number" in chat.send("raid list --min-score lots")[0].text


def test_update_assign_close_convert_and_history(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip P3 I4")
    assert "updated date" in chat.send("raid update APOLLO-R1 date next monday")[0].text
    replies = chat.send(f"raid assign APOLLO-R1 <@{CHEN}>")
    assert replies[1].to_user == CHEN
    issue = chat.send("raid convert APOLLO-R1")[0].text
    assert "APOLLO-R1 became APOLLO-I1" in issue
    saved = items(settings)
    assert saved["APOLLO-R1"].status == "converted" and saved["APOLLO-I1"].owner == CHEN
    assert "APOLLO-R1 became *APOLLO-I1*" in chat.send("raid show APOLLO-R1")[0].text
    assert "became" not in chat.send("raid show APOLLO-I1")[0].text
    assert "resolved" in chat.send("raid close APOLLO-I1 patched upstream", user=CHEN)[0].text
    history = chat.send("raid history APOLLO-R1")[0].text
    assert "date: — → 2026-11-30" in history and "owner: — → U0CHEN" in history
    with session_scope(settings.database_url) as session:
        assert session.exec(select(RaidLink.relation)).all() == ["converted_to"]


def test_an_owner_outside_slack_is_assigned_by_name(settings) -> None:
    chat = with_project(settings)
    chat.send(f"raid add risk: vendor may slip, owner <@{CHEN}>")
    assert "updated owner" in chat.send("R1 owner is Legal team")[0].text
    saved = items(settings)["APOLLO-R1"]
    assert (saved.owner, saved.owner_name) == (None, "Legal team")
    chat.send("/pmo raid assign APOLLO-R1 the vendor's account manager")
    assert items(settings)["APOLLO-R1"].owner_name == "the vendor's account manager"
    replies = chat.send(f"assign R1 to <@{BOB}>")
    saved = items(settings)["APOLLO-R1"]
    assert (saved.owner, saved.owner_name) == (BOB, None) and replies[1].to_user == BOB
    assert "Assign to whom?" in chat.send("/pmo raid assign APOLLO-R1")[0].text


def test_action_and_decision_keys_work_short_and_after_a_type_change(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add action: send the SOW")
    assert "marked it done" in chat.send("raid close ACT1 sent")[0].text
    shown = chat.send("where are we with ACT1?")[0].text
    assert "APOLLO-ACT1" in shown and "health" not in shown  # the item, not the summary
    chat.send("raid add risk: key dev might leave")
    chat.send("raid type R1 issue")
    assert "APOLLO-I1" in chat.send("raid show R1")[0].text  # the old key still works


def test_an_owner_outside_the_project_gets_no_dm_of_its_data(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    replies = chat.send(f"raid assign R1 <@{STRANGER}>")
    assert not any(r.to_user == STRANGER for r in replies)
    assert any("is not a member of `apollo`" in r.text for r in replies)


MINUTES = (
    "Steerco minutes 7/12:\n"
    f"- ACTION: <@{BOB}> to circulate the revised plan by Wed\n"
    "- Decision: we go with Postgres\n"
    "- RISK: data centre move clashes with go-live, high impact\n"
    "- Issue: UAT env still down"
)


def test_minutes_with_a_label_per_line_log_one_item_each_and_undo_takes_all(settings) -> None:
    chat = with_project(settings)
    replies = chat.send(MINUTES)
    assert replies[0].text.startswith("Logged 4 items")
    saved = items(settings)
    assert [saved[k].type for k in ("APOLLO-ACT1", "APOLLO-DEC1", "APOLLO-R1", "APOLLO-I1")] == [
        "action",
        "decision",
        "risk",
        "issue",
    ]
    assert saved["APOLLO-ACT1"].owner == BOB and saved["APOLLO-R1"].impact == 4
    assert saved["APOLLO-DEC1"].due_on is None  # no date said: none is made up
    assert "Decided: when logged, Mon 23 Nov 2026" in chat.send("raid show DEC1")[0].text
    assert "APOLLO-ACT1, APOLLO-DEC1, APOLLO-R1, APOLLO-I1 are removed" in chat.send("undo")[0].text


def test_minutes_with_a_bad_line_save_nothing(settings) -> None:
    chat = with_project(settings)
    said = chat.send("- Risk: vendor may slip, review 31 Feb\n- Issue: UAT env down")[0].text
    assert "didn't save" in said and items(settings) == {}


def test_a_strategy_without_a_mitigation_reads_whole(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    shown = chat.send("raid update R1 strategy accept")[0].text
    assert "Response: Accept\n" in shown + "\n" and "Accept: " not in shown


def test_closed_items_are_listed_whatever_word_their_type_uses(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add issue: env down")
    chat.send("raid add action: book the room")
    chat.send("raid add risk: vendor may slip")
    chat.send("raid close I1 fixed")
    chat.send("raid close ACT1")
    listed = chat.send("raid list closed")[0].text
    assert "APOLLO-I1" in listed and "APOLLO-ACT1" in listed and "APOLLO-R1" not in listed


def test_another_types_word_for_finished_closes_the_item(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip P3 I4")
    chat.send("raid add assumption: the budget is approved")
    assert "marked it closed" in chat.send("close R1, it is resolved")[0].text
    assert "marked it validated" in chat.send("raid close APOLLO-A1 --status done")[0].text
    saved = items(settings)
    assert (saved["APOLLO-R1"].status, saved["APOLLO-A1"].status) == ("closed", "validated")
    chat.send("raid add risk: the venue may cancel")
    refused = chat.send("raid close APOLLO-R2 --status invalidated")[0].text
    assert "APOLLO-R2 is open; it can move to" in refused  # not a word for finished
    assert "reopened it" in chat.send("reopen R1")[0].text
    assert "not closed: there is nothing to reopen" in chat.send("reopen R1")[0].text


def test_only_owner_pm_or_admin_close_and_delete(settings) -> None:
    chat = with_project(settings)
    chat.send(f"raid add issue: login broken owner <@{CHEN}>")
    assert "Only APOLLO-I1's owner" in chat.send("raid close APOLLO-I1", user=BOB)[0].text
    assert "Only APOLLO-I1's owner" in chat.send("raid delete APOLLO-I1", user=BOB)[0].text
    assert "resolved" in chat.send("raid close APOLLO-I1", user=ADMIN)[0].text
    assert "Deleted APOLLO-I1" in chat.send("raid delete APOLLO-I1")[0].text
    assert "no RAID item `APOLLO-I1`" in chat.send("raid show APOLLO-I1")[0].text
    with session_scope(settings.database_url) as session:
        fields = session.exec(select(RaidHistory.field)).all()
    assert "deleted" in fields and "status" in fields


def test_escalate_dms_every_pm(settings) -> None:
    chat = with_project(settings)
    chat.send(f"/pmo project members add <@{CHEN}> pm")
    chat.send("raid add risk: budget overrun likely")
    replies = chat.send("raid escalate APOLLO-R1 needs a decision", user=BOB)
    assert {r.to_user for r in replies[1:]} == {PM, CHEN}
    assert "needs a decision" in replies[1].text


def test_undo_button_and_edit_form(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip")
    assert "Undone" in chat.send("!press raid_undo APOLLO-R1")[0].text
    assert "APOLLO-R1" not in chat.send("raid list")[0].text
    chat.send("raid add risk: second thoughts")
    form = chat.send("!press raid_edit APOLLO-R2")[0].modal
    assert form and form["callback_id"] == "raid_form_edit"
    bad = chat.send('!submit raid_form_edit {"probability": "9", "title": ""}')[0].text
    assert "Please fix the form" in bad and "title" in bad and "Probability" in bad
    chat.send("!press raid_edit APOLLO-R2")
    ok = chat.send(
        '!submit raid_form_edit {"probability": "4", "impact": "5", "strategy": "reduce",'
        ' "mitigation": "second supplier", "status": "monitoring"}'
    )
    assert "updated probability" in ok[0].text and ok[0].to_user == PM
    saved = items(settings)["APOLLO-R2"]
    assert (saved.score, saved.strategy, saved.status) == (20, "reduce", "monitoring")


def test_new_item_through_the_form(settings) -> None:
    chat = with_project(settings)
    assert chat.send("raid form")[0].modal["callback_id"] == "raid_form"
    replies = chat.send(
        '!submit raid_form {"type": "dependency", "title": "API keys from IT",'
        f' "owner": "{BOB}", "due_on": "2026-12-01"}}'
    )
    assert "APOLLO-D1" in replies[0].text and replies[1].to_user == BOB


def test_bad_input_gets_clear_replies_and_saves_nothing(settings) -> None:
    chat = with_project(settings)
    cases = {
        "raid add risk": "What's the risk?",
        "raid add risk: vendor may slip, likelihood 7": "outside the 1-5 scale",
        "raid add issue: printer broken, due 31/02/2026": "couldn't read the date",
        "raid update APOLLO-R9 owner <@U0SAM>": "no RAID item `APOLLO-R9`",
        "raid update NOPE owner <@U0SAM>": "not a RAID key",
        "raid list --project nope": "no project `nope`",
        "raid add --project nope risk: x": "no project",
    }
    for line, expected in cases.items():
        reply = chat.send(line)[0].text
        assert expected in reply, (line, reply)
    chat.send("raid add risk: a real one")
    assert "can't update `colour`" in chat.send("raid update APOLLO-R1 colour red")[0].text
    assert "must be 1-5" in chat.send("raid update APOLLO-R1 impact enormous")[0].text
    for wrong in ("raid update R1 p 7", "raid update R1 foo bar"):  # its usage, not its history
        assert "History of" not in chat.send(wrong)[0].text, wrong
    assert "not a response strategy" in chat.send("raid update APOLLO-R1 strategy pray")[0].text
    assert "can move to" in chat.send("raid update APOLLO-R1 status delivered")[0].text
    stranger = chat.send("raid add risk: outsiders cannot log", user=STRANGER)[0].text
    assert "not a member of `apollo`" in stranger
    assert "too long" in chat.send("raid add risk: " + "x" * 40_000)[0].text
    with session_scope(settings.database_url) as session:
        assert session.exec(select(func.count()).select_from(RaidItem)).one() == 1


def test_a_long_message_is_saved_with_a_short_title(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: " + "the vendor may slip the go-live again " * 1000)
    saved = items(settings)["APOLLO-R1"]
    assert len(saved.title) <= 200 and len(saved.description) > 30_000


def test_unlinked_channel_and_viewer(settings) -> None:
    with_project(settings)
    other = console(settings, channel="C0ELSEWHERE")
    assert "not linked to a project" in other.send("raid add risk: x might happen")[0].text
    chat = console(settings)
    chat.send(f"/pmo project members add <@{STRANGER}> viewer")
    assert "Viewers of `apollo`" in chat.send("raid add risk: viewers try", user=STRANGER)[0].text
    chat.send("raid add risk: the vendor may slip")
    assert "APOLLO-R1" in chat.send("raid list", user=STRANGER)[0].text  # viewers can read


def test_a_labelled_mitigation_is_the_items_response_not_part_of_its_title(settings) -> None:
    chat = with_project(settings)
    chat.send(
        "log a risk: vendor may slip the March delivery, mitigation: line up a second "
        f"supplier, owner <@{BOB}>"
    )
    chat.send("issue: login is down; workaround: use the VPN portal")
    saved = items(settings)
    risk, issue = saved["APOLLO-R1"], saved["APOLLO-I1"]
    assert (risk.title, risk.mitigation, risk.owner) == (
        "Vendor may slip the March delivery",
        "Line up a second supplier",
        BOB,
    )
    assert (issue.title, issue.mitigation) == ("Login is down", "Use the VPN portal")
