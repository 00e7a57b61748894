"""Milestones as people use them: chat, `/pmo milestone`, the form and a spreadsheet (console
transport, both databases)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlmodel import select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import Action, Message, ViewSubmission
from skills.milestones.models import Milestone, MilestoneChange
from tests.helpers import BOB, CHEN, PM, button, with_project


def milestones(settings) -> dict[str, Milestone]:
    with session_scope(settings.database_url) as session:
        return {m.key: m for m in session.exec(select(Milestone))}


def changes(settings, key: str) -> list[MilestoneChange]:
    with session_scope(settings.database_url) as session:
        found = session.exec(select(Milestone).where(Milestone.key == key)).one()
        query = select(MilestoneChange).where(MilestoneChange.milestone_id == found.id)
        return list(session.exec(query.order_by(MilestoneChange.id)))


def test_an_owner_named_in_words_is_the_slack_user_or_refused(settings) -> None:
    chat = with_project(settings)
    chat.send("new milestone: Beta launch on 15 Jan, owner Bob")
    saved = milestones(settings)["APOLLO-M1"]
    assert (saved.name, saved.owner) == ("Beta launch", BOB)
    refused = chat.send("new milestone: UAT on 5 Feb, owner Priya")[0].text
    assert "can't find *Priya*" in refused and "APOLLO-M2" not in milestones(settings)


def test_command_words_that_do_not_fit_never_become_another_change(settings) -> None:
    chat = with_project(settings)
    for name in ("Design freeze", "Beta", "UAT"):
        chat.send(f"milestone add {name} --date 2027-01-15")
    for wrong in ("milestone set M3 name", "milestone set M1 date 2027-03-01"):
        chat.send(wrong)
    kept = milestones(settings)
    assert sorted(kept) == ["APOLLO-M1", "APOLLO-M2", "APOLLO-M3"]
    assert not any(m.deleted for m in kept.values())
    said = chat.send("project rename Orion2", channel="C0NEW")[0].text
    assert "I don't know `project rename`" in said
    update = "project week ✅ hit our goals, docs reorganised. next: present the results"
    assert "Saved your" in chat.send(update)[0].text  # prose opening with a skill's name


def test_added_in_words_and_moved_with_who_and_why(settings) -> None:
    chat = with_project(settings)
    card, dm = chat.send(f"new milestone: Beta launch on 15 Jan, owner <@{BOB}>")
    saved = milestones(settings)["APOLLO-M1"]
    assert (saved.name, saved.baseline_on, saved.forecast_on) == (
        "Beta launch",
        date(2027, 1, 15),
        date(2027, 1, 15),
    )
    assert saved.owner == BOB and dm.to_user == BOB
    assert "Fri 15 Jan 2027 (on baseline)" in card.text

    refused = chat.send("move M1 to 25 Jan", user=BOB)[0]
    assert "Why is APOLLO-M1 moving?" in refused.text
    assert milestones(settings)["APOLLO-M1"].forecast_on == date(2027, 1, 15)

    moved = chat.send("move M1 to 25 Jan because the vendor slipped", user=BOB)[0]
    assert "Fri 15 Jan 2027 → Mon 25 Jan 2027 (+10 days)" in moved.text
    assert "15 Jan → 25 Jan 2027 (+10 days): the vendor slipped" in moved.text
    chat.send("/pmo milestone move APOLLO-M1 2027-01-20 vendor recovered a week")
    shown = chat.send("/pmo milestone show M1")[0].text
    assert "Fri 15 Jan 2027 → Wed 20 Jan 2027 (+5 days)" in shown
    assert "25 Jan → 20 Jan 2027 (−5 days): vendor recovered a week" in shown
    moves = [c for c in changes(settings, "APOLLO-M1") if c.field == "forecast"]
    assert [(c.actor, c.old, c.new, c.reason) for c in moves] == [
        (BOB, "2027-01-15", "2027-01-25", "the vendor slipped"),
        (PM, "2027-01-25", "2027-01-20", "vendor recovered a week"),
    ]


def test_a_date_flag_takes_every_word_of_its_date(settings) -> None:
    chat = with_project(settings)
    chat.send(f"/pmo milestone add Beta launch --date 15 Jan --owner <@{BOB}>")
    chat.send("/pmo milestone add Go-live --date end of March")
    chat.send("/pmo milestone add Pilot --date 2027-02-01 --owner me")
    saved = milestones(settings)
    assert [(m.name, m.baseline_on, m.owner) for m in saved.values()] == [
        ("Beta launch", date(2027, 1, 15), BOB),
        ("Go-live", date(2027, 3, 31), None),
        ("Pilot", date(2027, 2, 1), PM),
    ]
    chat.send("/pmo milestone set M1 --date 29 Jan --reason slipped")
    assert milestones(settings)["APOLLO-M1"].forecast_on == date(2027, 1, 29)


def test_only_its_owner_or_a_pm_moves_it_and_status_changes(settings) -> None:
    chat = with_project(settings)
    chat.send(f"/pmo milestone add UAT sign-off --date 2027-02-01 --owner <@{BOB}>")
    refused = chat.send("/pmo milestone move M1 2027-02-10 no reason", user=CHEN)[0]
    assert refused.refused and "APOLLO-M1's owner or author" in refused.text
    chat.send("/pmo milestone set M1 status at risk", user=BOB)
    assert milestones(settings)["APOLLO-M1"].status == "at_risk"
    chat.send("/pmo milestone done APOLLO-M1", user=BOB)
    assert milestones(settings)["APOLLO-M1"].status == "done"
    listing = chat.send("/pmo milestones")[0].text
    assert "APOLLO-M1" in listing and "done" in listing


def test_a_button_that_showed_another_date_is_stale(settings) -> None:
    chat = with_project(settings)
    card = chat.send("/pmo milestone add Go live --date 2027-03-01")[0]
    done = button(card, "milestone_done")
    chat.send("/pmo milestone move M1 2027-03-15 data migration late")
    answer = chat.dispatcher.handle_action(Action("milestone_done", done, PM, "C0APOLLO"))[0]
    assert answer.ephemeral and "out of date" in answer.text and "Mon 15 Mar" in answer.text
    assert milestones(settings)["APOLLO-M1"].status == "planned"
    chat.send("/pmo milestone delete M1")
    gone = chat.dispatcher.handle_action(Action("milestone_follow", done, PM, "C0APOLLO"))[0]
    assert "There is no milestone `APOLLO-M1`" in gone.text


def test_the_form_adds_and_moves(settings) -> None:
    chat = with_project(settings)
    form = chat.send("/pmo milestone form")[0].modal
    meta = form["private_metadata"]
    outcome = chat.dispatcher.handle_view(
        ViewSubmission("milestone_form", {"name": "Pilot", "date": "2027-04-01"}, PM, meta)
    )
    assert not outcome.errors and "APOLLO-M1" in outcome.replies[0].text
    edit = chat.send("/pmo milestone form edit M1")[0].modal
    values = {"name": "Pilot", "date": "2027-04-20", "status": "at_risk", "reason": ""}
    missing = chat.dispatcher.handle_view(
        ViewSubmission("milestone_form_edit", values, PM, edit["private_metadata"])
    )
    assert "reason" in missing.errors and "Why is APOLLO-M1 moving?" in missing.errors["reason"]
    assert milestones(settings)["APOLLO-M1"].forecast_on == date(2027, 4, 1)
    values["reason"] = "pilot site not ready"
    done = chat.dispatcher.handle_view(
        ViewSubmission("milestone_form_edit", values, PM, edit["private_metadata"])
    )
    assert not done.errors
    saved = milestones(settings)["APOLLO-M1"]
    assert (saved.forecast_on, saved.status) == (date(2027, 4, 20), "at_risk")
    assert json.loads(meta) == {"project": "apollo", "key": None}


def test_a_linked_risk_and_followers(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo milestone add Beta --date 2027-01-15")
    chat.send("raid add risk: vendor may slip, P4 I4")
    assert "APOLLO-R1 now threatens APOLLO-M1" in chat.send("/pmo milestone link M1 R1")[0].text
    assert "Threatened by: *APOLLO-R1*" in chat.send("/pmo milestone show M1")[0].text
    chat.send("raid convert R1")  # the risk happened: the issue threatens it now
    assert "Threatened by: *APOLLO-I1*" in chat.send("/pmo milestone show M1")[0].text
    assert "You now follow" in chat.send("/pmo milestone follow M1", user=CHEN)[0].text
    assert "no longer follow" in chat.send("/pmo milestone unfollow M1", user=CHEN)[0].text


def rows_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_a_plan_is_imported_row_by_row(settings) -> None:
    chat = with_project(settings)
    content = rows_csv(
        [
            ["Apollo plan — milestones", "", "", ""],
            [],
            ["Milestone", "Baseline", "Forecast", "Owner"],
            ["Design approved", "2026-12-01", "2026-12-01", BOB],
            ["Beta launch", "15 Jan 2027", "29 Jan 2027", ""],
            ["Go live", "sometime", "", ""],
            ["", "2027-03-01", "", ""],
        ]
    )
    message_files = [{"name": "plan.csv", "content": content}]
    reply = chat.dispatcher.handle_message(
        Message("/pmo milestone import", PM, "C0APOLLO", "command", files=message_files)
    )[0]
    assert "2 milestones saved, 2 rows with errors" in reply.text
    assert "row 6: baseline sometime is not a date" in reply.text
    assert "row 7:" in reply.text
    saved = milestones(settings)
    beta = next(m for m in saved.values() if m.name == "Beta launch")
    assert (beta.baseline_on, beta.forecast_on) == (date(2027, 1, 15), date(2027, 1, 29))
    again = chat.dispatcher.handle_message(
        Message("/pmo milestone import", PM, "C0APOLLO", "command", files=message_files)
    )[0]
    assert "2 milestones saved" in again.text and len(milestones(settings)) == 2


def test_an_import_without_a_forecast_keeps_a_recorded_slip(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo milestone add Beta launch --date 2027-01-15")
    chat.send("/pmo milestone move M1 2027-02-12 vendor API late")

    def imported(rows: list[list[str]]) -> str:
        files = [{"name": "plan.csv", "content": rows_csv(rows)}]
        message = Message("/pmo milestone import", PM, "C0APOLLO", "command", files=files)
        return chat.dispatcher.handle_message(message)[0].text

    assert "1 milestone saved" in imported(
        [["ID", "Milestone", "Baseline"], ["APOLLO-M1", "Beta launch", "2027-01-15"]]
    )
    assert milestones(settings)["APOLLO-M1"].forecast_on == date(2027, 2, 12)
    refused = imported(
        [["ID", "Milestone", "Baseline"], ["APOLLO-M1", "Beta launch", "2027-01-20"]]
    )
    assert "baseline stays as first planned" in refused


def test_undo_after_a_milestone_change_never_reaches_an_older_raid_change(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: vendor may slip, P3 I3")
    chat.send("/pmo milestone add Alpha --date 2027-01-15")
    chat.send("raid update R1 p 4")
    clock.pin("2026-11-23T09:02:00+00:00")
    chat.send("/pmo milestone move M1 2027-01-20 vendor late")
    said = chat.send("undo")[0].text
    assert "undid nothing" in said and "milestone move APOLLO-M1" in said
    clock.pin("2026-11-23T09:03:00+00:00")
    chat.send("/pmo milestone add Beta --date 2027-02-01")
    assert "Deleted APOLLO-M2" in chat.send("undo")[0].text  # a milestone just added
