"""Cost through Slack: a spreadsheet shared with `cost import` is downloaded with the bot
token and imported row by row, a bad row reported with its reason and the rest kept."""

from __future__ import annotations

from sqlmodel import select

from bot.core.db import session_scope
from skills.cost.models import CostFigure
from tests.slack.commands import CHANNEL, command
from tests.slack_harness import payloads

ALICE = "U0ALICE"
COSTS = (
    b"Month,Actual,Plan\n2026-09,85000,\nSmarch 2026,90000,\nOct 2026,90000,\nDec 2026,,120000\n"
)


def stored_figures(database_url: str) -> dict[tuple[str, str], int]:
    with session_scope(database_url) as session:
        rows = session.exec(select(CostFigure))
        return {(f.period.isoformat()[:7], f.kind): f.amount_cents for f in rows}


def share(events, slack, file_id: str, text: str, *, channel: str, channel_type: str) -> None:
    shared = payloads.message_file_share_event(
        [slack.file_json(file_id)], text, user=ALICE, channel=channel, channel_type=channel_type
    )
    events.post_event(payloads.event_callback(shared))


def test_a_shared_cost_sheet_reports_its_bad_row_and_keeps_the_rest(
    events, slack, slack_settings
) -> None:
    command(events, slack, "project create apollo Apollo launch")
    command(events, slack, "cost budget 1.2m EUR --start 2026-09 --end 2027-06")
    slack.add_file("F0COSTS", "costs.csv", COSTS, "text/csv", user=ALICE)

    share(events, slack, "F0COSTS", "cost import --project apollo", channel="D0ALICE",
          channel_type="im")  # fmt: skip
    [answer] = slack.wait_for("chat.postMessage", timeout=30)
    text = answer.args["text"]
    assert answer.args["channel"] == "D0ALICE"
    assert "*costs.csv* into `apollo`: 3 months saved, 1 row with errors" in text
    assert "row 3: Smarch 2026 is not a month" in text
    assert "Forecast at completion" in text
    downloads = slack.calls("file_download")
    assert downloads and downloads[-1].headers.get("authorization") == "Bearer xoxb-test"
    assert stored_figures(slack_settings.database_url) == {
        ("2026-09", "actual"): 8_500_000,
        ("2026-10", "actual"): 9_000_000,
        ("2026-12", "plan"): 12_000_000,
    }
    # Or mentioned in the project's channel with the file: answered in its thread.
    mention = payloads.app_mention_event("<@UBOT> cost import", user=ALICE, channel=CHANNEL)
    mention["files"] = [slack.file_json("F0COSTS")]
    events.post_event(payloads.event_callback(mention))
    again = slack.wait_for("chat.postMessage", count=2, timeout=30)[-1].args
    assert again["channel"] == CHANNEL and again["thread_ts"] == mention["ts"]
    assert "3 months saved, 1 row with errors" in again["text"]  # the same rows, not twice
    assert len(stored_figures(slack_settings.database_url)) == 3
    shown = command(events, slack, "cost")
    assert "• Oct 2026 actual €90,000 — import costs.csv row 4, <@U0ALICE>" in shown


def test_an_import_without_a_spreadsheet_says_what_to_share(events, slack) -> None:
    command(events, slack, "project create apollo Apollo launch")
    slack.add_file("F0PHOTO", "team.png", b"\x89PNG\r\n", "image/png", user=ALICE)
    share(events, slack, "F0PHOTO", "cost import --project apollo", channel="D0ALICE",
          channel_type="im")  # fmt: skip
    [answer] = slack.wait_for("chat.postMessage", timeout=30)  # in a DM, a plain message
    assert answer.args["channel"] == "D0ALICE"
    assert "Share a .csv or .xlsx with this command" in answer.args["text"]
    assert slack.calls("file_download") == []  # a picture is not downloaded
