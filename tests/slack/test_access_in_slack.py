"""The red team's authorization findings, replayed through real Slack payloads.

A non-member reading another project's log by `--project`, an export uploaded into a channel
where non-members see it, a person from another Slack team in a shared channel, a viewer's
button press, and a forged form naming an arbitrary channel.
"""

import json

from sqlmodel import select

from bot.core.db import session_scope
from skills.raid.models import RaidItem
from tests.slack_harness import payloads

CHANNEL, OTHER = "C0APOLLO", "C0OTHER"


def say(events, slack, text: str, user: str, channel: str = CHANNEL) -> str:
    answered = len(slack.calls("response_url"))
    url = slack.response_url(f"cmd-{answered}")
    events.post_command(payloads.slash_command(text, user=user, channel=channel, response_url=url))
    return slack.wait_for("response_url", count=answered + 1)[-1].args["text"]


def make_project(events, slack) -> None:
    say(events, slack, "project create apollo Apollo --member <@U0BOB>", "U0ALICE")
    say(events, slack, "project members add <@U0VIEW> viewer", "U0ALICE")
    say(events, slack, "raid add risk: vendor may slip, owner <@U0ALICE>, P4 I3", "U0ALICE")


def uploads(slack) -> list:
    return slack.calls("files.completeUploadExternal")


def test_a_non_member_cannot_read_another_projects_log(events, slack) -> None:
    make_project(events, slack)
    for command in (
        "raid list --project apollo",
        "raid show APOLLO-R1",
        "raid history APOLLO-R1",
        "raid export csv --project apollo",
        "raid heatmap --project apollo",
        "raid link APOLLO-R1 APOLLO-R1",
    ):
        text = say(events, slack, command, "U0MALLORY", channel=OTHER)
        assert "not a member of `apollo`" in text, (command, text)
        assert "vendor may slip" not in text.lower()
    assert uploads(slack) == []


def test_an_export_asked_outside_the_project_channel_goes_to_the_asker_only(events, slack) -> None:
    make_project(events, slack)
    say(events, slack, "raid export csv --project apollo", "U0BOB", channel=OTHER)
    [upload] = slack.wait_for("files.completeUploadExternal")
    channel = upload.args.get("channel_id") or upload.args.get("channels")
    assert channel not in (OTHER, CHANNEL) and str(channel).startswith("D")


def test_another_teams_person_is_a_non_member_unless_the_project_lets_them_in(
    events, slack
) -> None:
    make_project(events, slack)
    say(events, slack, "project members add <@U0EXT>", "U0ALICE")
    mention = payloads.app_mention_event("<@UBOT> raid list", user="U0EXT", channel=CHANNEL)
    mention["user_team"] = "T0OTHERORG"
    events.post_event(payloads.event_callback(mention))
    refused = slack.wait_for("chat.postEphemeral")[-1].args
    assert "not a member of `apollo`" in refused["text"] and refused["user"] == "U0EXT"
    assert not [p for p in slack.calls("chat.postMessage") if "APOLLO-R1" in p.args["text"]]

    say(events, slack, "project teams allow", "U0ALICE")
    again = payloads.app_mention_event("<@UBOT> raid list", user="U0EXT", channel=CHANNEL)
    again["user_team"] = "T0OTHERORG"
    events.post_event(payloads.event_callback(again))
    listed = slack.wait_for("chat.postMessage", count=1)[-1].args
    assert "APOLLO-R1" in listed["text"]


def test_a_viewer_cannot_press_an_items_buttons(events, slack, slack_settings) -> None:
    make_project(events, slack)
    for action_id in ("raid_close", "raid_snooze", "raid_edit", "raid_undo"):
        answered = len(slack.calls("response_url"))
        url = slack.response_url(action_id)
        events.post_interactive(
            payloads.block_actions(
                action_id, "APOLLO-R1", user="U0VIEW", channel=CHANNEL, response_url=url
            )
        )
        answer = slack.wait_for("response_url", count=answered + 1)[-1]
        assert "Viewers of `apollo`" in answer.args["text"], action_id
    assert slack.calls("views.open") == []
    with session_scope(slack_settings.database_url) as session:
        item = session.exec(select(RaidItem)).one()
    assert (item.status, item.deleted, item.due_on) == ("open", False, None)


def test_a_forged_form_cannot_post_in_another_channel(events, slack) -> None:
    make_project(events, slack)
    slack.reset()
    forged = json.dumps({"project": "apollo", "channel": "C0GENERAL"})
    values = payloads.state_values(
        {"title": {"title": "planted"}, "type": {"type": {"type": "static_select",
         "selected_option": {"value": "risk"}}}}
    )  # fmt: skip
    events.post_interactive(
        payloads.view_submission("raid_form", values, private_metadata=forged, user="U0BOB")
    )
    [card] = slack.wait_for("chat.postMessage")
    assert card.args["channel"] != "C0GENERAL" and "planted" in card.args["text"].lower()
