"""`summary portfolio`: one line per project, worst first, with a trend over 7 days."""

from __future__ import annotations

from bot.core import clock
from tests.helpers import ADMIN, BOB, STRANGER
from tests.summary.chat import create_project, with_apollo


def build_portfolio(settings):
    """Four projects whose health moved between 16 Nov (a week back) and 23 Nov."""
    clock.pin("2026-11-10T09:00:00+00:00")
    chat = with_apollo(settings)
    create_project(chat, "zeus", "Zeus", "C0ZEUS")
    create_project(chat, "ares", "Ares", "C0ARES")
    chat.send("raid add risk: zeus vendor may fold P4 I5", channel="C0ZEUS")  # red then
    clock.pin("2026-11-20T09:00:00+00:00")
    chat.send("raid add risk: launch pad not certified P5 I5")  # apollo turns red
    chat.send("raid update ZEUS-R1 p 2", channel="C0ZEUS")  # 10: high, no owner: amber
    chat.send("raid add issue: permits are late, due 2026-11-21", channel="C0ARES")
    chat.send("raid add issue: crane hire is late, due 2026-11-22", channel="C0ARES")
    clock.pin("2026-11-23T09:00:00+00:00")
    create_project(chat, "hermes", "Hermes", "C0HERMES")
    return chat


def test_portfolio_is_sorted_worst_first_with_trends(settings) -> None:
    chat = build_portfolio(settings)
    reply = chat.send("summary portfolio")[0]
    lines = [line for line in reply.text.splitlines()[1:] if line]
    assert [line.split("(`")[1].split("`")[0] for line in lines] == [
        "apollo",
        "ares",
        "zeus",
        "hermes",
    ]
    apollo, ares, zeus, hermes = lines
    assert apollo.startswith(":red_circle: *Apollo launch*") and "↘ worse (was green)" in apollo
    assert "top risk *APOLLO-R1* Launch pad not certified (25)" in apollo
    assert ":large_yellow_circle:" in ares and "2 overdue" in ares and "no open risks" in ares
    assert "↗ better (was red)" in zeus and "*ZEUS-R1*" in zeus and "0 overdue" in zeus
    assert hermes.startswith(":large_green_circle: *Hermes*") and " · new · " in hermes
    assert "1 red" in reply.text and "2 amber" in reply.text and "1 green" in reply.text
    assert reply.ephemeral is True  # other projects' health is not posted in a channel
    assert chat.send("summary portfolio", channel="")[0].ephemeral is False


def test_portfolio_shows_only_your_projects_unless_admin(settings) -> None:
    chat = build_portfolio(settings)
    bob = chat.send("how are all my projects doing?", user=BOB)[0].text
    assert "Portfolio — 1 project" in bob and "apollo" in bob and "zeus" not in bob
    assert "Portfolio — 4 projects" in chat.send("summary all", user=ADMIN)[0].text
    stranger = chat.send("summary portfolio", user=STRANGER)[0].text
    assert "not in any project yet" in stranger
