from bot.console.render import plain, render_reply
from bot.core import ui
from bot.core.messages import Reply
from bot.core.text import escape, link, mention


def test_escape_defuses_broadcasts_and_forged_links() -> None:
    hostile = "<!channel> <https://evil.example|bank> & <@U123>"
    assert "<" not in escape(hostile) and ">" not in escape(hostile)
    assert escape(hostile).startswith("&lt;!channel&gt;")


def test_mention_only_for_real_user_ids() -> None:
    assert mention("U0ALICE") == "<@U0ALICE>"
    assert mention("<!here>") == "&lt;!here&gt;"


def test_link_label_cannot_break_out() -> None:
    assert link("https://x.test/a", "a|b>c") == "<https://x.test/a|a¦b&gt;c>"


def test_limits_are_enforced_in_one_place() -> None:
    blocks = [ui.section("x" * 5000) for _ in range(60)]
    text, clamped = ui.within_limits("y" * 50_000, blocks)
    assert len(text) <= ui.MAX_MESSAGE_TEXT
    assert clamped is not None and len(clamped) == ui.MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= ui.MAX_SECTION_TEXT for b in clamped if "text" in b)


def test_console_rendering_shows_buttons_and_plain_text() -> None:
    reply = Reply(
        text="t",
        blocks=[
            ui.section("Hi <@U0BOB> &lt;tag&gt;"),
            ui.actions(ui.button("Undo", "raid_undo", "APOLLO-R1")),
        ],
    )
    out = render_reply(reply)
    assert "Hi @U0BOB <tag>" in out
    assert "[Undo] (type: !press raid_undo APOLLO-R1)" in out
    assert plain("<https://a.test|docs>") == "docs (https://a.test)"


def test_the_console_shows_posts_in_a_thread_under_its_opener() -> None:
    key = "checkin:apollo:2026-11-23"
    opener = Reply(
        text="Apollo check-in", to_channel="C0APOLLO", thread_key=key, starts_thread=True
    )
    assert render_reply(opener) == "(posted in #C0APOLLO) Apollo check-in"
    late = Reply(text="Late update\n• Bob — done", to_channel="C0APOLLO", thread_key=key)
    assert render_reply(late) == ("  ↳ (in the thread in #C0APOLLO) Late update\n  │ • Bob — done")
    assert render_reply(Reply(text="ok", thread_key=key)) == "  ↳ (in the thread) ok"


def test_the_bots_mention_is_taken_out_and_lines_stay_lines() -> None:
    from bot.core.text import without_mention

    said = "<@U0PMO> Done: the parser\nNext: release  1.0"
    assert without_mention(said, "U0PMO") == "Done: the parser\nNext: release 1.0"
    assert without_mention("hey <@U0PMO|pmo> log it", "U0PMO") == "hey log it"
    assert without_mention("ask <@U0BOB>", "U0PMO") == "ask <@U0BOB>"  # other people stay


def test_untypable_characters_never_reach_a_skill() -> None:
    from bot.core.messages import Message, ViewSubmission

    assert (
        Message("risk: nul \x00 byte \ud800 here\tok\n", "U1").text == "risk: nul  byte  here\tok\n"
    )
    form = ViewSubmission("raid_form", {"title": ["a\x00b", {"x": "\x07c"}]}, "U1")
    assert form.values == {"title": ["ab", {"x": "c"}]}


def test_every_text_in_a_message_is_clamped_to_slacks_limits() -> None:
    from bot.core import ui

    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 400}}
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2500}]}
    blocks = [ui.context("x" * 38_000), ui.section("y" * 5000), header, fields]
    context, section, header, fields = ui.clamp_blocks(blocks, 50)
    assert len(context["elements"][0]["text"]) == 3000 and len(section["text"]["text"]) == 3000
    assert len(header["text"]["text"]) == 150 and len(fields["fields"][0]["text"]) == 2000
