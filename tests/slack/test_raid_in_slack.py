"""The RAID skill through real Slack payloads: mention, shortcut, modal, buttons."""

import json

from sqlmodel import select

from bot.core.db import session_scope
from skills.raid.models import RaidItem
from tests.slack_harness import payloads

CHANNEL = "C0APOLLO"


def make_project(events, slack) -> None:
    url = slack.response_url("setup")
    events.post_command(
        payloads.slash_command(
            "project create apollo Apollo --member <@U0BOB>",
            user="U0ALICE",
            channel=CHANNEL,
            response_url=url,
        )
    )
    slack.wait_for("response_url")
    slack.reset()


def select_option(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"value": value}}


def test_mention_logs_an_item_with_its_permalink(events, slack, slack_settings) -> None:
    make_project(events, slack)
    event = payloads.app_mention_event(
        "<@UBOT> log a risk: vendor may slip the go-live, owner <@U0BOB>, P4 I3",
        user="U0ALICE",
        channel=CHANNEL,
    )
    events.post_event(payloads.event_callback(event))
    posts = slack.wait_for("chat.postMessage", count=2)
    card = next(p for p in posts if p.args["channel"] == CHANNEL)
    assert "APOLLO-R1" in card.args["text"] and card.args["thread_ts"] == event["ts"]
    assert any(
        p.args["channel"] != CHANNEL and "named you the owner" in p.args["text"] for p in posts
    )
    with session_scope(slack_settings.database_url) as session:
        item = session.exec(select(RaidItem)).one()
    assert item.source and item.source.endswith(
        f"/archives/{CHANNEL}/p{event['ts'].replace('.', '')}"
    )


def test_shortcut_opens_a_prefilled_form_and_the_form_saves(events, slack, slack_settings) -> None:
    make_project(events, slack)
    shortcut = payloads.message_action(
        "raid_from_message",
        "We might lose the test lab next week, likelihood high",
        user="U0ALICE",
        channel=CHANNEL,
        message_user="U0BOB",
    )
    assert events.post_interactive(shortcut).status_code == 200
    [opened] = slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "raid_form"
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert "lose the test lab" in title["element"]["initial_value"].lower()
    metadata = json.loads(view["private_metadata"])
    assert metadata["project"] == "apollo" and metadata["source"]

    bad = payloads.view_submission(
        "raid_form",
        payloads.state_values(
            {
                "type": {"type": select_option("risk")},
                "title": {"title": ""},
                "probability": {"probability": select_option("4")},
            }
        ),
        private_metadata=view["private_metadata"],
        user="U0ALICE",
    )
    response = events.post_interactive(bad)
    assert response.json()["response_action"] == "errors"
    assert "title" in response.json()["errors"]

    good = payloads.view_submission(
        "raid_form",
        payloads.state_values(
            {
                "type": {"type": select_option("risk")},
                "title": {"title": "Test lab may be lost"},
                "owner": {"owner": {"type": "users_select", "selected_user": "U0BOB"}},
                "due_on": {"due_on": {"type": "datepicker", "selected_date": "2026-12-01"}},
                "probability": {"probability": select_option("4")},
                "impact": {"impact": select_option("5")},
            }
        ),
        private_metadata=view["private_metadata"],
        user="U0ALICE",
    )
    assert events.post_interactive(good).status_code == 200
    posts = slack.wait_for("chat.postMessage", count=2)
    assert any(p.args["channel"] == CHANNEL and "APOLLO-R1" in p.args["text"] for p in posts)
    with session_scope(slack_settings.database_url) as session:
        item = session.exec(select(RaidItem)).one()
    assert (item.title, item.owner, item.score, item.source) == (
        "Test lab may be lost",
        "U0BOB",
        20,
        metadata["source"],
    )


def test_close_button_updates_the_message(events, slack) -> None:
    make_project(events, slack)
    url = slack.response_url("add")
    events.post_command(
        payloads.slash_command(
            "raid add issue: CI is red", user="U0ALICE", channel=CHANNEL, response_url=url
        )
    )
    slack.wait_for("response_url")
    click = payloads.block_actions(
        "raid_close",
        "APOLLO-I1",
        user="U0ALICE",
        channel=CHANNEL,
        response_url=slack.response_url("click"),
    )
    events.post_interactive(click)
    answers = slack.wait_for("response_url", count=2)
    assert answers[-1].args["replace_original"] is True
    assert "resolved" in answers[-1].args["text"]
