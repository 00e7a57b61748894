import pytest
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.models import AuditEntry, Membership, Project
from tests.helpers import ADMIN, BOB, CHEN, PM, STRANGER, console, with_project


def test_create_links_channel_and_makes_creator_pm(settings) -> None:
    chat = with_project(settings)
    text = chat.send("/pmo project")[0].text
    assert "*Apollo launch* (`apollo`)" in text
    assert f"PMs: <@{PM}>" in text and f"<@{BOB}>" in text and "<#C0APOLLO>" in text
    with session_scope(settings.database_url) as session:
        actions = session.exec(select(AuditEntry.action)).all()
    assert "project.create" in actions and "project.link" in actions


@pytest.mark.parametrize(
    ("command", "key", "name"),
    [
        ("/pmo project create apollo Apollo launch", "apollo", "Apollo launch"),
        ("/pmo project create Orion DW", "orion-dw", "Orion DW"),
        ("/pmo project create Orion Orion DW", "orion-orion-dw", "Orion Orion DW"),
        ("/pmo project create echo echo chamber --timezone UTC", "echo", "echo chamber"),
        ("/pmo project create ORI Orion", "ori", "Orion"),  # a key as item keys show it
        ("/pmo project create ERP", "erp", "ERP"),
    ],
)
def test_a_key_and_a_name_or_a_name_alone(settings, command: str, key: str, name: str) -> None:
    text = console(settings).send(command)[0].text
    assert f"*{name}* (`{key}`)" in text


def test_a_repeated_list_option_keeps_every_value(settings) -> None:
    command = f"/pmo project create apollo Apollo --member <@{BOB}> --member <@{CHEN}>"
    text = console(settings).send(command)[0].text
    assert f"<@{BOB}>" in text and f"<@{CHEN}>" in text


def test_bad_project_input_gets_clear_replies_and_saves_nothing(settings) -> None:
    chat = console(settings)
    cases = {
        "/pmo project create": "`project create` needs KEY",
        "/pmo project create 9lives Nine": "not a valid project key",
        "/pmo project create apollo Apollo --timezone Mars/Base": "not a timezone",
        "/pmo project create apollo Apollo --member bob": "not a Slack user",
        "/pmo project create apollo Apollo --colour red": "I don't know the option `--colour`",
        "/pmo project frobnicate": "I don't know `project frobnicate`",
    }
    for line, expected in cases.items():
        replies = chat.send(line)
        assert len(replies) == 1 and expected in replies[0].text, (line, replies)
    with session_scope(settings.database_url) as session:
        assert session.exec(select(Project)).all() == []


def test_duplicate_project_and_channel_claimed_twice(settings) -> None:
    chat = with_project(settings)
    assert "already exists" in chat.send("/pmo project create apollo Again")[0].text
    reply = chat.send("/pmo project create gemini Gemini")[0].text
    assert "already linked to project `apollo`" in reply


def test_only_pms_and_admins_manage_members(settings) -> None:
    chat = with_project(settings)
    denied = chat.send(f"/pmo project members add <@{CHEN}> pm", user=BOB)[0].text
    assert "Only a PM of `apollo`" in denied
    ok = chat.send(f"/pmo project members add <@{CHEN}> pm", user=ADMIN)[0].text
    assert f"<@{CHEN}> is now pm" in ok
    assert "not a role" in chat.send(f"/pmo project members add <@{CHEN}> boss")[0].text
    assert "Removed" in chat.send(f"/pmo project members remove <@{BOB}>")[0].text
    assert "is not in" in chat.send(f"/pmo project members remove <@{STRANGER}>")[0].text
    with session_scope(settings.database_url) as session:
        roles = {m.user_id: m.role for m in session.exec(select(Membership))}
    assert roles == {PM: "pm", CHEN: "pm"}


def test_the_last_pm_cannot_leave_or_step_down(settings) -> None:
    chat = with_project(settings)
    assert "only PM of `apollo`" in chat.send(f"/pmo project members remove <@{PM}>")[0].text
    assert "only PM" in chat.send(f"/pmo project members add <@{PM}> viewer")[0].text
    chat.send(f"/pmo project members add <@{CHEN}> pm")
    assert "Removed" in chat.send(f"/pmo project members remove <@{PM}>")[0].text


def test_link_another_channel_and_dm_resolution(settings) -> None:
    with_project(settings)
    other = console(settings, channel="C0OTHER")
    assert "not linked to a project" in other.send("/pmo project")[0].text
    assert "now belongs to `apollo`" in other.send("/pmo project link apollo")[0].text
    dm = console(settings, user=BOB, channel=None)
    assert "`apollo`" in dm.send("project")[0].text
    assert "no project `nope`" in dm.send("project info nope")[0].text


def test_a_bug_is_logged_and_the_user_still_hears_back(settings, monkeypatch, caplog) -> None:
    from skills import projects

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    chat = with_project(settings)
    monkeypatch.setattr(projects, "describe", broken)
    replies = chat.send("/pmo project")
    assert "Something went wrong" in replies[0].text
    assert "boom" in caplog.text


def test_unknown_and_huge_input_is_never_silent(settings) -> None:
    chat = console(settings)
    assert "`help`" in chat.send("zxqv blorf wump")[0].text  # not for me: what I can do
    assert "too long" in chat.send("x" * 40_001)[0].text
    assert "Here's what I can do" in chat.send("   ")[0].text
