"""The project summary as people ask for it in chat (console transport, both databases)."""

from __future__ import annotations

import sys
import types
from datetime import timedelta

import pytest

from bot.core import clock, ui
from bot.core.db import session_scope
from bot.core.projects import get_project
from skills.raid import service
from skills.raid.scoring import RaidType
from skills.summary.builder import project_summary, summary_reply
from tests.helpers import BOB, PM
from tests.summary.chat import with_apollo

PERMALINK = "https://acme.slack.com/archives/C0APOLLO/p1763629200000100"


def build_history(chat, settings) -> None:
    """Items logged on 10 Nov, worked on 20 Nov; the summary is asked for on Mon 23 Nov."""
    clock.pin("2026-11-10T09:00:00+00:00")
    chat.send(f"raid add risk: vendor may slip the go-live P4 I5 owner <@{BOB}>")  # R1, 20
    chat.send("raid add risk: budget overrun on cloud costs P3 I4")  # R2, 12, no owner
    chat.send("raid add risk: minor UI text inconsistencies P1 I2")  # R3, 2
    chat.send("raid add issue: build server is down, due 2026-11-30")  # I1
    chat.send("new dependency: the data team must deliver the extract by 25 Nov")  # D1
    chat.send("raid add risk: office move disrupts the team P2 I2")  # R4
    chat.send("raid add risk: security review finds blockers, review 2026-11-24")  # R5
    clock.pin("2026-11-20T15:00:00+00:00")
    assert "updated" in chat.send("raid update APOLLO-R3 p 4")[0].text  # 2 -> 8
    assert "updated" in chat.send("raid update APOLLO-R5 date 2026-12-04")[0].text  # slipped
    assert "closed" in chat.send("raid close APOLLO-R4 move postponed")[0].text
    assert "updated" in chat.send("raid update APOLLO-D1 status at_risk")[0].text
    with session_scope(settings.database_url) as session:
        service.create_item(
            session,
            project=get_project(session, "apollo"),
            raid_type=RaidType.ISSUE,
            title="Printer <broken> & jammed",
            actor=PM,
            source=PERMALINK,
        )  # I2
    clock.pin("2026-11-23T09:00:00+00:00")


@pytest.fixture
def heatmaps(monkeypatch):
    """Stand in for skills/raid/heatmap.py, recording what it was asked to draw."""
    calls: list[tuple[list[str], str]] = []

    def render_heatmap(items, title):
        calls.append(([i.key for i in items], title))
        return b"\x89PNG fake"

    module = types.ModuleType("skills.raid.heatmap")
    module.render_heatmap = render_heatmap
    monkeypatch.setitem(sys.modules, "skills.raid.heatmap", module)
    return calls


def section(text: str, title: str) -> str:
    """The paragraph of a summary's text that starts with `title`."""
    return next(p for p in text.split("\n\n") if p.startswith(title))


def test_summary_shows_health_risks_issues_dates_and_changes(settings, heatmaps) -> None:
    chat = with_apollo(settings)
    build_history(chat, settings)
    reply = chat.send("summary")[0]
    text = reply.text
    assert ":red_circle: *Apollo launch* (`apollo`) — health *red*" in text
    assert "1 critical risk" in text and "1 dependency at risk" in text
    assert "1 high risk without an owner, 2 without a mitigation" in text
    top = section(text, "*Top risks*")
    assert "(4 of 4 open)" in top
    order = [top.index(k) for k in ("APOLLO-R1", "APOLLO-R2", "APOLLO-R3", "APOLLO-R5")]
    assert order == sorted(order) and "APOLLO-R4" not in top
    issues = section(text, "*Open issues*")
    assert "APOLLO-I1" in issues and "Printer &lt;broken&gt; &amp; jammed" in issues
    due = section(text, "*Due in the next 14 days*")
    assert [k for k in ("APOLLO-D1", "APOLLO-I1", "APOLLO-R5") if k in due] == [
        "APOLLO-D1",
        "APOLLO-I1",
        "APOLLO-R5",
    ]
    assert "APOLLO-D1" in section(text, "*Dependencies at risk*")
    assert "*What changed since Mon 16 Nov*" in text
    new = section(text, "_New_")
    assert "APOLLO-I2" in new and f"<{PERMALINK}|source>" in new and "APOLLO-R1" not in new
    assert "APOLLO-R4" in section(text, "_Closed_") and "closed" in section(text, "_Closed_")
    assert "APOLLO-R3" in section(text, "_Score changes_")
    assert "score 2 → 8" in section(text, "_Score changes_")
    slipped = section(text, "_Dates slipped_")
    assert "APOLLO-R5" in slipped and "Tue 24 Nov → Fri 04 Dec (+10d)" in slipped
    assert reply.blocks[0] == ui.header(":red_circle: Apollo launch")
    assert reply.ephemeral is False
    assert reply.upload and reply.upload.filename == "apollo-heatmap-20261123.png"
    assert reply.upload.content == b"\x89PNG fake"
    drawn = (["APOLLO-R1", "APOLLO-R2", "APOLLO-R3"], "Apollo launch — open RAID items")
    assert heatmaps == [drawn]


def test_since_reaches_further_back(settings, heatmaps) -> None:
    chat = with_apollo(settings)
    build_history(chat, settings)
    text = chat.send("summary apollo --since 14d")[0].text
    assert "*What changed since Mon 09 Nov*" in text
    new = section(text, "_New_")
    assert "(8)" in new and "APOLLO-R1" in new and "new risk · score 20" in new
    assert "_Score changes_" not in text  # R3 was new then: no earlier score to compare
    dated = chat.send("summary --since 2026-11-21")[0].text
    assert "*What changed since Sat 21 Nov*: nothing new, closed, rescored or slipped." in dated


def test_quiet_project_is_green_and_brief(settings, heatmaps) -> None:
    chat = with_apollo(settings)
    reply = chat.send("summary")[0]
    assert "health *green*: no warning signs" in reply.text
    assert "No open RAID items in `apollo`" in reply.text
    assert "nothing new, closed, rescored or slipped" in reply.text
    assert reply.upload is None and heatmaps == []


def test_summary_goes_without_heat_map_when_the_renderer_is_missing(settings, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "skills.raid.heatmap", None)  # import fails
    chat = with_apollo(settings)
    chat.send("raid add risk: vendor may slip P4 I3")
    reply = chat.send("summary")[0]
    assert "APOLLO-R1" in section(reply.text, "*Top risks*") and reply.upload is None


def test_big_log_stays_within_block_kit_limits(settings, heatmaps) -> None:
    chat = with_apollo(settings)
    with session_scope(settings.database_url) as session:
        project = get_project(session, "apollo")
        for n in range(60):
            for raid_type in (RaidType.RISK, RaidType.ISSUE):
                service.create_item(
                    session,
                    project=project,
                    raid_type=raid_type,
                    title=f"Item {n} " + "with a very long title <b> & more " * 10,
                    actor=PM,
                    probability=5,
                    impact=4,
                    source=f"{PERMALINK}{n}" + "9" * 300,
                )
    reply = chat.send("summary")[0]
    assert len(reply.text) <= ui.MAX_MESSAGE_TEXT and len(reply.blocks) <= ui.MAX_BLOCKS
    texts = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert all(len(t) <= ui.MAX_SECTION_TEXT for t in texts)
    for text in [reply.text, *texts]:
        assert text.count("<") == text.count(">"), "a link or mention was cut"
    assert "more — `raid list issues`_" in section(reply.text, "*Open issues*")
    assert "(5 of 60 open)" in reply.text


def test_asked_outside_the_projects_channel_only_the_asker_sees_it(settings, heatmaps) -> None:
    chat = with_apollo(settings)
    chat.send("raid add risk: vendor may slip P4 I3")
    note, elsewhere = chat.send("summary apollo", channel="C0OTHER")
    assert note.ephemeral and "sent it to you by DM" in note.text
    assert "Apollo launch" in elsewhere.text
    assert elsewhere.to_user == PM and elsewhere.upload is not None  # a DM, with its heat map
    in_dm = chat.send("summary", channel="")[0]  # a DM: Alice's only project
    assert "Apollo launch" in in_dm.text and in_dm.upload is not None


def test_summary_rule(settings) -> None:
    chat = with_apollo(settings)
    text = chat.send("summary rule")[0].text
    assert "*Red* if any open risk scores 20 or more" in text and "*Green* otherwise" in text
    for question in ("what's the health rule?", "how is project health worked out?"):
        assert "How project health is worked out" in chat.send(question)[0].text, question


def test_narrative_seam_is_shown_first_and_escaped(settings, heatmaps) -> None:
    chat = with_apollo(settings)
    chat.send("raid add risk: vendor may slip P2 I2")
    now = clock.now()
    with session_scope(settings.database_url) as session:
        project = get_project(session, "apollo")
        summary = project_summary(
            session, project, since=now - timedelta(days=7), now=now, statuses=["red", "green"]
        )
        summary.narrative = "<!channel> Launch is on track & calm."
        reply = summary_reply(summary)
    assert summary.health == ("amber", ["1 check-in red"])
    assert reply.blocks[2] == ui.section("&lt;!channel&gt; Launch is on track &amp; calm.")
    assert reply.text.split("\n\n")[1] == "&lt;!channel&gt; Launch is on track &amp; calm."
