"""The App Home through real Slack payloads: opened by a member, a PM and a newcomer; every
button pressed in it; paging beyond 100 blocks; stale buttons; a refresh when someone else
changes your data."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

from bot.core.db import session_scope
from bot.core.projects import get_project
from skills.raid import service as raid
from skills.raid.scoring import RaidType
from tests.slack.commands import command, scheduler_at
from tests.slack_harness import payloads
from tests.slack_harness.blockkit import view_errors

ALICE, BOB, NEWCOMER = "U0ALICE", "U0BOB", "U0NEW"


def setup_project(events, slack) -> None:
    command(events, slack, f"project create apollo Apollo launch --member <@{BOB}>")
    command(events, slack, f"raid add risk: vendor may slip, owner <@{BOB}>, P4 I4, review Friday")
    command(events, slack, f"raid add issue: test env down, owner <@{BOB}>, due 2026-11-20")
    command(events, slack, "milestone add Beta launch --date 2027-01-15 --owner me")
    command(events, slack, "cost budget 1.2m EUR --start 2026-09 --end 2027-06")
    command(events, slack, "cost actual Oct 2026 90k")


def open_home(events, slack, user: str) -> dict:
    published = len(slack.calls("views.publish"))
    events.post_event(payloads.event_callback(payloads.app_home_opened_event(user)))
    slack.wait_for("views.publish", count=published + 1)
    return slack.home_view(user)


def texts(view: dict) -> str:
    found = []
    for block in view["blocks"]:
        found.append((block.get("text") or {}).get("text", ""))
        found += [e.get("text", "") for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(found)


def button(view: dict, action_id: str, contains: str = "") -> dict:
    for block in view["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id and contains in element.get("value", ""):
                return element
    raise AssertionError(f"no {action_id} button ({contains}) in the view")


def press_in(events, slack, view: dict, element: dict, user: str) -> None:
    """Press a button shown in a published view (a Home tab or a modal)."""
    events.post_interactive(
        payloads.block_actions(element["action_id"], element["value"], user=user, view=view)
    )


def home_showing(slack, user: str, words: str, timeout: float = 10.0) -> dict:
    """The user's Home once it shows `words` (it is published after the work is done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = slack.home_view(user)
        if view and words in json.dumps(view, ensure_ascii=False):
            return view
        time.sleep(0.05)
    raise AssertionError(f"{user}'s Home never showed {words!r}: {texts(slack.home_view(user))}")


def press_for(events, slack, view: dict, element: dict, user: str, words: str) -> dict:
    """Press a Home button; the Home published again, once it shows `words`."""
    press_in(events, slack, view, element, user)
    return home_showing(slack, user, words)


def test_the_home_of_a_member_a_pm_and_a_newcomer(events, slack) -> None:
    setup_project(events, slack)
    member = open_home(events, slack, BOB)
    pm = open_home(events, slack, ALICE)
    newcomer = open_home(events, slack, NEWCOMER)
    for view in (member, pm, newcomer):
        assert view["type"] == "home" and view_errors(view) == []
    assert all(call.ok for call in slack.calls("views.publish"))

    shown = texts(member)
    assert "Your open items (2)" in shown
    assert shown.index("APOLLO-I1") < shown.index("APOLLO-R1")  # overdue first
    assert "overdue 3d" in shown and "yours" in shown
    assert "Beta launch" in shown and "Portfolio" not in shown
    for action_id in ("raid_edit", "raid_close", "raid_snooze", "hub_log_item", "hub_drill"):
        button(member, action_id)

    shown = texts(pm)
    assert "Portfolio (1 project, worst first)" in shown
    assert "Trend (4 weeks)" in shown and "8% of €1.20M spent" in shown
    assert "Open risks: 1 high" in shown and "Overdue: 1" in shown
    button(pm, "hub_post_portfolio")

    shown = texts(newcomer)
    assert "not in a project yet" in shown and "/pmo project create" in shown


def test_each_home_button_works(events, slack, slack_settings) -> None:
    setup_project(events, slack)
    command(events, slack, "checkin on")
    command(events, slack, "status mine", user=BOB)  # today's check-in now waits for Bob
    home = open_home(events, slack, BOB)

    # Give update opens the check-in form.
    press_in(events, slack, home, button(home, "checkin_give"), BOB)
    assert slack.wait_for("views.open")[-1].args["view"]["callback_id"] == "checkin_update"
    # Update opens the item's form.
    press_in(events, slack, home, button(home, "raid_edit", "APOLLO-R1"), BOB)
    assert slack.wait_for("views.open", count=2)[-1].args["view"]["callback_id"] == "raid_form_edit"
    # Log a RAID item and Add milestone open their forms for that project.
    press_in(events, slack, home, button(home, "hub_log_item"), BOB)
    assert slack.wait_for("views.open", count=3)[-1].args["view"]["callback_id"] == "raid_form"
    press_in(events, slack, home, button(home, "milestone_open_form"), BOB)
    assert slack.wait_for("views.open", count=4)[-1].args["view"]["callback_id"] == "milestone_form"

    # Snooze moves the date and says so at the top of the refreshed Home.
    snooze = button(home, "raid_snooze", "APOLLO-I1")
    home = press_for(events, slack, home, snooze, BOB, "Snoozed APOLLO-I1 to Thu 26 Nov")
    # Done closes the item: it leaves the list.
    done = button(home, "raid_close", "APOLLO-R1")
    home = press_for(events, slack, home, done, BOB, "marked it closed")
    assert "APOLLO-R1" not in texts(home)
    assert "Your open items (1)" in texts(home)

    # Open the log: a modal, whose filter and page buttons update it in place.
    press_in(events, slack, home, button(home, "hub_drill"), BOB)
    modal = slack.wait_for("views.open", count=5)[-1]
    view = {**modal.response["view"], "type": "modal"}
    assert "apollo log" in view["title"]["text"]
    press_in(events, slack, view, button(view, "hub_drill", '"filter":"all"'), BOB)
    [updated] = slack.wait_for("views.update")
    assert updated.args["view_id"] == view["id"] and "APOLLO-R1" in str(updated.args["view"])

    # The PM's Post portfolio summary sends the table and its charts by DM.
    pm_home = open_home(events, slack, ALICE)
    uploads = len(slack.calls("files.completeUploadExternal"))
    post = button(pm_home, "hub_post_portfolio")
    press_for(events, slack, pm_home, post, ALICE, "sent the portfolio summary")
    done = slack.wait_for("files.completeUploadExternal", count=uploads + 3)
    assert all(
        str(c.args.get("channel_id") or c.args.get("channels")).startswith("D") for c in done
    )
    table = [c for c in slack.calls("chat.postMessage") if "Portfolio —" in c.args.get("text", "")]
    assert table and "Apollo launch" in table[-1].args["text"]


def test_paging_beyond_100_blocks(events, slack, slack_settings) -> None:
    setup_project(events, slack)
    with session_scope(slack_settings.database_url) as session:
        project = get_project(session, "apollo")
        for n in range(200):
            raid.create_item(
                session,
                project=project,
                raid_type=RaidType.ISSUE,
                title=f"Bulk issue {n}",
                actor=ALICE,
                owner=BOB,
                due_on=date(2026, 12, 1 + n % 28),
            )
    home = open_home(events, slack, BOB)
    assert len(home["blocks"]) <= 100 and view_errors(home) == []
    assert "Your open items (202)" in texts(home)
    first_page = {
        b["block_id"] for b in home["blocks"] if b.get("block_id", "").startswith("item_")
    }
    nxt = button(home, "hub_page", '"page":2')
    assert "page 2 of 17" in nxt["text"]["text"]
    page_two = press_for(events, slack, home, nxt, BOB, "page 3 of 17")
    second = {
        b["block_id"] for b in page_two["blocks"] if b.get("block_id", "").startswith("item_")
    }
    assert len(second) == 12 and not first_page & second
    assert all(call.ok for call in slack.calls("views.publish"))

    # The drill-down modal pages too: Next › updates it in place with the next 20 lines.
    press_in(events, slack, page_two, button(page_two, "hub_drill"), BOB)
    modal = slack.wait_for("views.open")[-1]
    view = {**modal.response["view"], "type": "modal"}
    assert "Open: 202 · page 1 of 11" in texts(view) and view_errors(view) == []
    press_in(events, slack, view, button(view, "hub_drill", '"page":2'), BOB)
    [updated] = slack.wait_for("views.update")
    assert updated.args["view_id"] == view["id"]
    assert "Open: 202 · page 2 of 11" in texts(updated.args["view"])


def test_stale_buttons_say_so(events, slack) -> None:
    setup_project(events, slack)
    home = open_home(events, slack, BOB)
    command(events, slack, "raid delete APOLLO-R1")
    done = button(home, "raid_close", "APOLLO-R1")
    press_for(events, slack, home, done, BOB, "There is no RAID item `APOLLO-R1`")

    # Done and Snooze on an item someone else closed since the Home was shown.
    command(events, slack, "raid close APOLLO-I1 env is back")
    done = button(home, "raid_close", "APOLLO-I1")
    press_for(events, slack, home, done, BOB, "APOLLO-I1 is already resolved")
    snooze = button(home, "raid_snooze", "APOLLO-I1")
    press_for(events, slack, home, snooze, BOB, "nothing to snooze")
    command(events, slack, "raid show APOLLO-I1")
    assert "2026-11-20" in slack.calls("response_url")[-1].args["text"]  # date not moved

    # A milestone button from a message, after the milestone moved: an ephemeral answer.
    command(events, slack, "milestone show APOLLO-M1")
    shown = slack.calls("response_url")[-1].args
    done = button({"blocks": shown["blocks"]}, "milestone_done")
    command(events, slack, "milestone move APOLLO-M1 2027-01-29 vendor slipped")
    answered = len(slack.calls("response_url"))
    events.post_interactive(
        payloads.block_actions(
            "milestone_done",
            done["value"],
            user=ALICE,
            channel="C0APOLLO",
            response_url=slack.response_url("stale"),
        )
    )
    answer = slack.wait_for("response_url", count=answered + 1)[-1]
    assert "out of date" in answer.args["text"] and "Fri 29 Jan" in answer.args["text"]
    assert answer.args.get("response_type") == "ephemeral"
    command(events, slack, "milestone show APOLLO-M1")
    assert "planned" in slack.calls("response_url")[-1].args["text"]  # not marked done


def test_someone_elses_change_refreshes_an_opened_home(events, slack) -> None:
    setup_project(events, slack)
    open_home(events, slack, BOB)
    command(events, slack, f"raid add dependency: data extract from finance, owner <@{BOB}>")
    home_showing(slack, BOB, "Data extract from finance")
    # A member's change in the project's channel refreshes its PM's Home (her portfolio).
    open_home(events, slack, ALICE)
    command(events, slack, "raid add issue: printer on fire, due 2026-11-20", user=BOB)
    shown = texts(home_showing(slack, ALICE, "Printer on fire"))
    assert "Overdue: 2" in shown


def test_a_scheduled_post_refreshes_the_homes_it_reached(events, slack, slack_settings, bot):
    setup_project(events, slack)
    command(events, slack, "checkin on")
    home = open_home(events, slack, BOB)
    assert "Check-ins waiting for you" not in texts(home)
    run_at = scheduler_at(slack, slack_settings, bot)
    to_bob = run_at(datetime(2026, 11, 23, 14, 31, tzinfo=UTC))  # 09:30 in New York
    assert any(c.args["channel"] == BOB and "check-in" in c.args["text"] for c in to_bob)
    home = home_showing(slack, BOB, "Check-ins waiting for you")
    button(home, "checkin_give")
    published = [c.args.get("user_id") for c in slack.calls("views.publish")]
    assert ALICE not in published  # she never opened her Home: nothing to refresh
