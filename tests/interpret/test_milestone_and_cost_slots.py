"""The interpreter's rules read the PMO Hub operations' arguments from plain words:
milestone keys, statuses and moves ("by 2 weeks", "to 3 March"), money and months."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import BOB, with_project


@pytest.mark.parametrize(
    ("text", "day", "reason"),
    [
        ("push M1 back two weeks, supplier is late", date(2027, 1, 29), "supplier is late"),
        ("M1 slips by a week because UAT found bugs", date(2027, 1, 22), "UAT found bugs"),
        ("bring M1 forward 3 days, we're ahead", date(2027, 1, 12), "we're ahead"),
        ("delay M1 by a month? pen test findings", date(2027, 2, 15), "pen test findings"),
        ("push APOLLO-M1 out a fortnight, bank", date(2027, 1, 29), "bank"),
        ("move the beta milestone M1 to 3 March; steerco", date(2027, 3, 3), "steerco"),
        ("M1 → 20 Jan, environments late", date(2027, 1, 20), "environments late"),
    ],
)
def test_a_move_by_a_span_or_to_a_date(read, text: str, day: date, reason: str) -> None:
    args = read("milestone.move", text)
    assert args["key"].upper().endswith("M1")
    assert (args["date"], args["reason"]) == (day.isoformat(), reason)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("M1 is done 🎉", {"status": "done"}),
        ("we hit M1 today, tick it off", {"status": "done"}),
        ("M1 is back on track", {"status": "planned"}),
        ("M1 is at risk, the vendor went quiet", {"status": "at_risk"}),
        ("M1 was missed", {"status": "missed"}),
        ("can you mark M1 done for me", {"status": "done"}),  # "me" is no new owner
        (f"give M1 to <@{BOB}>", {"owner": BOB}),
        ("I'll own M1 from now on", {"owner": "me"}),
        ("rename M1 to Beta launch (EU)", {"name": "Beta launch (EU)"}),
    ],
)
def test_a_change_names_only_what_it_says(read, text: str, wanted: dict) -> None:
    args = read("milestone.set", text)
    said = {k: v for k, v in args.items() if k in ("status", "owner", "name")}
    assert (args["key"], said) == ("M1", wanted)


def test_link_follow_list_and_threshold_read_their_words(read) -> None:
    assert read("milestone.link", "R4 threatens M1, link them") == {"key": "M1", "item": "R4"}
    link = read("milestone.link", "link APOLLO-I2 to APOLLO-M1")
    assert (link["key"], link["item"]) == ("APOLLO-M1", "APOLLO-I2")
    assert read("milestone.follow", "let me know if M1 slips")["stop"] is False
    assert read("milestone.follow", "stop following M1")["stop"] is True
    assert read("milestone.list", "which milestones are still open")["open"] is True
    assert read("milestone.list", "what milestones do we have?")["open"] is False
    threshold = {
        "set the slip threshold to a week": 7,
        "only alert when milestones slip over 10 days": 10,
        "set slip threshold 0, I want every move": 0,
        "what's our slip threshold?": None,
        "how many days can a milestone slip before I hear about it": None,
    }
    for text, days in threshold.items():
        assert read("milestone.threshold", text).get("days") == days, text


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "we spent €42k in November on contractors",
            {"period": "November", "amount": "€42k", "note": "contractors"},
        ),
        ("October actuals came in at 38,500", {"period": "October", "amount": "38,500"}),
        ("log actuals: 2026-11 42,300", {"period": "2026-11", "amount": "42,300"}),
        ("this month's spend so far is 12k", {"period": "this month", "amount": "12k"}),
        (
            "planned spend for January: 100k",
            {"period": "January", "amount": "100k", "kind": "plan"},
        ),
    ],
)
def test_a_month_of_spend(read, text: str, wanted: dict) -> None:
    args = read("cost.actual", text)
    assert {k: args[k] for k in wanted} == wanted
    assert args.get("note", "") == wanted.get("note", "")
    assert args["kind"] == wanted.get("kind", "actual")


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "set the budget to 1.2m EUR from Sep 2026 to Jun 2027",
            {"amount": "1.2m EUR", "start": "Sep 2026", "end": "Jun 2027"},
        ),
        (
            "budget = 420k CHF, Oct 2026 to Sep 2027",
            {"amount": "420k CHF", "start": "Oct 2026", "end": "Sep 2027"},
        ),
        ("budget ends in Aug 2027, 1.2m total", {"amount": "1.2m", "end": "Aug 2027"}),
        ("finance approved €450k, set it as the budget", {"amount": "€450k"}),
        ("budget is based on the euro staying at 0.86", {"amount": ""}),  # a rate, not money
        ("budget 450k, assuming the dollar at 0.92", {"amount": "450k"}),
    ],
)
def test_a_budget_and_the_months_it_spans(read, text: str, wanted: dict) -> None:
    args = read("cost.budget", text)
    assert {k: v for k, v in args.items() if k in ("amount", "start", "end")} == wanted


def test_the_hub_page(read) -> None:
    assert read("hub.home", "show me my hub page 2")["page"] == 2
    assert read("hub.home", "open my hub")["page"] == 1


def test_said_in_the_channel_a_move_by_a_span_moves_the_forecast(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo milestone add Beta launch --date 2027-01-15")
    replies = chat.send("/pmo milestone move M1 back two weeks supplier is late")
    assert "29 Jan" in replies[0].text and "supplier is late" in replies[0].text
