"""Normalising an update: emoji and markdown become section and status markers."""

from __future__ import annotations

import re

from skills.status.parsing.labels import _LABEL, BLOCKERS, DONE, NEXT
from skills.status.parsing.words import _words

_SECTION_EMOJI = {
    DONE: "white_check_mark heavy_check_mark ballot_box_with_check \u2705 \u2714 \u2611",
    NEXT: "soon dart calendar spiral_calendar_pad spiral_calendar date arrow_right point_right "
    "fast_forward next_track_button \U0001f51c \U0001f3af \U0001f4c5 \U0001f5d3 \u27a1 "
    "\U0001f449 \u23e9 \u23ed",
    BLOCKERS: "no_entry no_entry_sign construction octagonal_sign stop_sign warning sos bricks "
    "\u26d4 \U0001f6ab \U0001f6a7 \U0001f6d1 \u26a0 \U0001f198 \U0001f9f1",
}
_CIRCLE_EMOJI = {
    "G": "large_green_circle green_circle \U0001f7e2",
    "A": "large_yellow_circle yellow_circle large_orange_circle orange_circle "
    "\U0001f7e1 \U0001f7e0",
    "R": "red_circle large_red_circle \U0001f534",
}
# Markers: §D§ §N§ §B§ start a section, §G§ §A§ §R§ are status circles, §X§ is a boundary.
_EMOJI_MARK = {
    n: f" \u00a7{s[0].upper()}\u00a7 " for s, v in _SECTION_EMOJI.items() for n in _words(v)
}
_EMOJI_MARK |= {n: f" \u00a7{c}\u00a7 " for c, v in _CIRCLE_EMOJI.items() for n in _words(v)}
_MARK_SECTION = {"\u00a7D\u00a7": DONE, "\u00a7N\u00a7": NEXT, "\u00a7B\u00a7": BLOCKERS}
_ANY_MARK = re.compile(r"\u00a7[A-Z]\u00a7")
_SHORTCODE = re.compile(r":(?=[a-z0-9_+'-]*[a-z])[a-z0-9_+'-]{1,40}:")
_UNICODE_EMOJI = re.compile(
    "(?:[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u23e9-\u23fa\u231a\u231b]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]*\u200d?)+"
)
_EMOTICON = re.compile(
    r"(?<!\S)(?::-?[)(DPp]|;-?\)|\\o/|x-?D|<3)(?!\S)|\b(?:lol|haha+|lmao)\b", re.I
)
_MARKDOWN_PAIR = re.compile(r"(?<![\w.])([*_~`]{1,2})(?=\S)([^\n]*?\S)\1(?!\w)")
_SHORTHAND = re.compile(  # the stand-up's "Y: … T: … B: …", on its own lines or on one
    r"(?:^|(?<=[.;|!\s]))[ \t]*(?P<letter>[YTB])[ \t]*:(?=\s)", re.I | re.M
)
_SHORTHAND_MARK = {"y": "\u00a7D\u00a7", "t": "\u00a7N\u00a7", "b": "\u00a7B\u00a7"}
_TOPIC_BEFORE_CIRCLE = re.compile(r"^([^\n\u00a7]{1,30}?)\s*\u00a7[GAR]\u00a7(?=\s*\w)", re.M)


def _emoji_to_mark(match: re.Match[str]) -> str:
    token = match.group(0)
    name = token.strip(":").lower() if token.startswith(":") else token.replace("\ufe0f", "")
    return _EMOJI_MARK.get(name, " \u00a7X\u00a7 ")


def _drop_topic(match: re.Match[str]) -> str:
    """Drop a short topic before a status circle ("RBM :large_green_circle: beta.2 ...")."""
    topic = match.group(1)
    if len(topic.split()) > 4 or _LABEL.search(topic):
        return match.group(0)
    return " " + match.group(0)[len(topic) :]


def _shorthand_to_marks(text: str) -> str:
    """Y:/T:/B: as Yesterday, Today and Blockers, when at least two of them open parts."""
    letters = {m.group("letter").lower() for m in _SHORTHAND.finditer(text)}
    if len(letters) < 2:
        return text
    return _SHORTHAND.sub(lambda m: f" {_SHORTHAND_MARK[m.group('letter').lower()]} ", text)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a7", " ")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\u2019", "'")
    text = _shorthand_to_marks(text)
    text = _SHORTCODE.sub(_emoji_to_mark, text)
    text = _UNICODE_EMOJI.sub(_emoji_to_mark, text)
    text = _EMOTICON.sub(" ", text)
    text = _MARKDOWN_PAIR.sub(r"\2", text)
    text = _TOPIC_BEFORE_CIRCLE.sub(_drop_topic, text)
    text = re.sub(r"\s*\u00a7X\u00a7\s*$", "", text, flags=re.M)  # decorative line ends
    return re.sub(r"[ \t]+", " ", text)
