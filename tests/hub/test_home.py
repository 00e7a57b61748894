"""The Hub's Home as the console and `livepmo hub` show it: the very view Slack publishes
(both databases for what is stored; Block Kit limits checked as Slack checks them)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

from bot.console.render import render_reply
from bot.core import clock, ui
from bot.core.db import session_scope
from bot.core.projects import create_project
from skills.hub import handlers
from tests.core.test_cli import livepmo
from tests.helpers import BOB, PM, with_project
from tests.slack_harness.blockkit import view_errors


def home_of(chat, user: str, **args) -> dict:
    [reply] = chat.dispatcher.invoke("hub.home", args, user=user)
    assert reply.home is not None and view_errors(reply.home) == []
    return reply.home


def test_a_pm_sees_the_portfolio_with_its_trend_milestone_and_burn(settings) -> None:
    clock.pin(datetime(2026, 10, 19, 9, 0, tzinfo=UTC))
    chat = with_project(settings)
    chat.send("raid add risk: supplier insolvency, P5 I5")  # critical: red
    chat.send("/pmo milestone add Beta launch --date 2027-01-15")
    clock.pin(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
    chat.send("/pmo raid close APOLLO-R1 new supplier signed")  # green from here
    chat.send("/pmo milestone move M1 2027-01-29 supplier change")
    clock.pin(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    chat.send("/pmo cost budget 1.2m EUR --start 2026-09 --end 2027-06")
    chat.send("/pmo cost actual Oct 2026 150k")

    shown = render_reply(chat.dispatcher.invoke("hub.home", {}, user=PM)[0])
    assert "== Portfolio (1 project, worst first) ==" in shown
    # now amber: the cost forecast is 12% over budget (the past weeks are the log's alone)
    trend = ":red_circle: :red_circle: :red_circle: :large_green_circle: → :large_yellow_circle:"
    assert f"Trend (4 weeks): {trend}" in shown
    assert "Next milestone: *APOLLO-M1* Beta launch 29 Jan (+14 days)" in shown
    assert (
        "Budget: 12% of €1.20M spent to Oct 2026 · forecast 112% at €150k a month · "
        "latest: /pmo command, 23 Nov 2026" in shown
    )
    assert "[Post portfolio summary]" in shown
    chat.send("raid add risk: the venue may cancel")  # not scored yet, still open
    shown = render_reply(chat.dispatcher.invoke("hub.home", {}, user=PM)[0])
    assert "Open risks: 1 unscored" in shown
    member = render_reply(chat.dispatcher.invoke("hub.home", {}, user=BOB)[0])
    assert "Portfolio" not in member and "Beta launch" in member


def test_a_newcomer_gets_the_start_screen(settings) -> None:
    chat = with_project(settings)
    view = home_of(chat, "U0NEWBIE")
    text = json.dumps(view)
    assert "not in a project yet" in text and "/pmo project create KEY Project name" in text
    assert "project members add @you" in text


def test_many_projects_page_within_100_blocks(settings) -> None:
    chat = with_project(settings)
    with session_scope(settings.database_url) as session:
        for n in range(30):
            create_project(session, key=f"p{n:02d}", name=f"Project {n}", actor=PM, pms=[PM])
    view = home_of(chat, PM)
    assert len(view["blocks"]) <= ui.MAX_HOME_BLOCKS
    pagers = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").endswith("_pager")]
    assert pagers == ["projects_page_pager", "portfolio_page_pager"]
    last = json.dumps(home_of(chat, PM, projects_page=6, portfolio_page=4))
    assert "(`p29`)" in last and "(`p00`)" not in last  # 31 projects: 6 and 8 a page


def test_a_refresh_publishes_only_a_changed_home(settings) -> None:
    chat = with_project(settings)
    assert chat.dispatcher.invoke("hub.home", {"refresh": True}, user=BOB) == []  # never opened
    home_of(chat, BOB, opened=True)
    assert chat.dispatcher.invoke("hub.home", {"refresh": True}, user=BOB) == []  # unchanged
    chat.send(f"raid add issue: printer on fire, owner <@{BOB}>")
    [again] = chat.dispatcher.invoke("hub.home", {"refresh": True}, user=BOB)
    assert "Printer on fire" in json.dumps(again.home)


def test_page_of_keeps_pages_in_range() -> None:
    items = list(range(25))
    assert ui.page_of(items, 1, 10) == (list(range(10)), 1, 3)
    assert ui.page_of(items, 9, 10) == ([20, 21, 22, 23, 24], 3, 3)
    assert ui.page_of([], 4, 10) == ([], 1, 1)
    long = ui.home([ui.section("x" * 5000)] * 150)
    assert len(long["blocks"]) == 100 and len(long["blocks"][0]["text"]["text"]) == 3000


def test_livepmo_hub_prints_a_persons_home(database_url) -> None:
    env = {"DATABASE_URL": database_url, "LIVEPMO_NOW": "2026-11-23T09:00:00+00:00"}
    created = livepmo(
        "chat",
        "--channel",
        "C0APOLLO",
        "--user",
        PM,
        stdin=f"/pmo project create apollo Apollo --member <@{BOB}>\n"
        f"raid add issue: build broken, owner <@{BOB}>, due 2026-11-20\n",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    result = livepmo("hub", "--user", BOB, "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["user"] == BOB and data["view"]["type"] == "home"
    assert (
        "APOLLO-I1" in json.dumps(data["view"])
        and "1 open item (most urgent: APOLLO-I1)" in data["text"]
    )
    plain = livepmo("hub", "--user", BOB, env=env)
    assert "[App Home]" in plain.stdout and "overdue 3d" in plain.stdout


def test_post_portfolio_sends_the_table_and_its_four_charts(settings) -> None:
    chat = with_project(settings)
    chat.send("raid add risk: supplier insolvency, P4 I4")
    chat.send("/pmo milestone add Beta launch --date 2027-01-15")
    chat.send("/pmo milestone move M1 2027-01-29 supplier change")
    chat.send("/pmo cost budget 1.2m EUR --start 2026-09 --end 2027-06")
    chat.send("/pmo cost actual Oct 2026 150k")
    note, table, *charts = chat.dispatcher.invoke("hub.portfolio", {}, user=PM)
    assert note.ephemeral and "sent the portfolio summary and its charts" in note.text
    assert table.to_user == PM and "Apollo" in table.text and "(+14 days)" in table.text
    names = [reply.upload.filename for reply in charts if reply.upload]
    assert names == [
        f"portfolio-{name}-20261123.png"
        for name in ("health-trend", "budget-burn", "milestone-slips", "heat-map")
    ]
    assert all(r.to_user == PM and r.upload.content.startswith(b"\x89PNG") for r in charts)
    [refused] = chat.dispatcher.invoke("hub.portfolio", {}, user=BOB)
    assert "The portfolio is for PMs and admins" in refused.text


def test_a_refresh_under_way_cannot_publish_over_a_buttons_notice(settings, monkeypatch) -> None:
    """A refresh that read the Home before a button's Home was built, and is slow to build its
    own, is done before the button's Home (with its notice) is built: that one goes last."""
    chat = with_project(settings)
    chat.send(f"raid add issue: printer on fire, owner <@{BOB}>")
    home_of(chat, BOB, opened=True)
    started, go_on, finished = threading.Event(), threading.Event(), []
    real_gather = handlers.gather

    def slow_gather(ctx):
        if threading.current_thread().name == "refresh":
            started.set()
            go_on.wait(5)
        return real_gather(ctx)

    monkeypatch.setattr(handlers, "gather", slow_gather)

    def invoke(name: str, args: dict) -> None:
        replies = chat.dispatcher.invoke("hub.home", args, user=BOB)
        finished.append((name, replies))

    chat.send("raid close APOLLO-I1 fixed")  # what the button did
    refresh = threading.Thread(target=invoke, args=("refresh", {"refresh": True}), name="refresh")
    refresh.start()
    assert started.wait(5)
    button = threading.Thread(target=invoke, args=("button", {"notice": "Closed APOLLO-I1."}))
    button.start()
    time.sleep(0.3)
    go_on.set()
    refresh.join(10)
    button.join(10)
    published = [(name, replies[0].home) for name, replies in finished if replies]
    assert published[-1][0] == "button" and "Closed APOLLO-I1." in json.dumps(published[-1][1])


def test_a_check_in_deadline_is_shown_in_the_check_ins_own_timezone(settings) -> None:
    from tests.status.chat import Outbox, at, with_checkins

    chat = with_checkins(settings)
    chat.send(f"/pmo checkin timezone <@{BOB}> Asia/Tokyo")  # Bob's Slack says New York
    at(settings, "2026-11-23T00:31:00", Outbox())  # 09:31 in Tokyo: Bob's prompt
    shown = render_reply(chat.dispatcher.invoke("hub.home", {}, user=BOB)[0])
    assert "answer by Mon 13:30" in shown, shown
