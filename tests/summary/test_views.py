"""Fitting lists into Slack's limits without cutting a line (no database)."""

from __future__ import annotations

from bot.core import ui
from skills.summary.views import chunks, clip_lines, listing


def test_chunks_keep_every_line_whole_and_within_a_section() -> None:
    lines = [f"<https://x.test/{n}|line {n}> " + "x" * 400 for n in range(40)]
    texts = chunks(lines)
    assert all(len(t) <= ui.MAX_SECTION_TEXT for t in texts) and len(texts) > 1
    assert "\n".join(texts).splitlines() == lines


def test_listing_counts_what_does_not_fit() -> None:
    text = listing("*Open issues* (30)", [f"• item {n}" for n in range(30)], more=" — `raid list`")
    assert text.splitlines()[-1] == "_…and 20 more — `raid list`_"
    assert len(text.splitlines()) == 12


def test_clip_lines_cuts_at_a_line_break() -> None:
    text = "\n".join(f"<@U0BOB> line {n}" for n in range(1000))
    clipped = clip_lines(text)
    assert len(clipped) <= ui.MAX_MESSAGE_TEXT and clipped.endswith("_…cut to fit one message._")
    assert all(line.startswith("<@U0BOB> line ") for line in clipped.splitlines()[:-1])
