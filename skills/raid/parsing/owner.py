"""The entry's owner: Slack mentions, "owner X" phrases, and the bot's own mention."""

from __future__ import annotations

import re
from dataclasses import dataclass

from skills.raid.parsing.text import _head_and_tail

_MENTION = re.compile(
    r"<@([UW][A-Z0-9]{2,})(?:\|[^<>]{0,80})?>"  # Slack: <@U123> or <@U123|name>
    r"|(?<![\w<])@(?!(?:here|channel|everyone)\b)([A-Za-z][\w.\-]{0,40})"  # typed: @bob
)

_OWN_AFTER = re.compile(  # what follows a mention of the owner: "owns", "to chase", "pls"
    r"\s*(?:\([^)]{0,30}\)\s*)?[,:\-–—]?\s*(?:"
    r"(?P<own>owns|owner\b|to own|will own|can (?:you )?own|could (?:you )?own|pls own|please own"
    r"|is (?:the )?owner|as owner|owning|is on (?:it|this)|on it|has (?:it|this)|taking (?:it|this)"
    r"|is handling|is responsible|is accountable|assigned|is assigned|to take (?:it|this))"
    r"|(?P<act>to (?!be\b|the\b)[a-z]+|pls\b|please\b|plz\b|can you\b|could you\b|would you\b"
    r"|will\b|chasing|handling|driving|leading|investigating|looking|is looking|is chasing))",
    re.IGNORECASE,
)
_NOT_OWNER_AFTER = re.compile(  # "thanks <@U1> for spotting", "<@U1> said", "<@U1>'s team"
    r"\s*(?:for (?:spotting|flagging|raising|catching|pointing|the heads|noticing|reporting)"
    r"|said|says|mentioned|raised|reported|flagged|spotted|noticed|thinks|suggested|asked|'s\b)",
    re.IGNORECASE,
)
_OWN_BEFORE = re.compile(
    r"(?:owner(?:ship)?|owned by|owner is|assign(?:ed)? to|assignee|accountable|responsible|dri"
    r"|led by|over to|handing to|action on|"
    r"actions? for)\s*[:=\-–—]?\s*(?:is\s+)?$",
    re.IGNORECASE,
)
_NOT_OWNER_BEFORE = re.compile(
    r"\b(?:thanks|thank you|thx|ty|cheers|kudos|cc|raised by|reported by|spotted by|flagged by|"
    r"from|per|via|as|like|with|and|ask|asked|told|tell|by|says|said)\s*[:,]?\s*$",
    re.IGNORECASE,
)
_OWNER_TEXT = re.compile(  # an owner named without a Slack mention: "owner supplier lead,"
    r"\b(?:owner|owned by|assigned to)\s*[:=\-]?\s*(?:is\s+)?"
    r"(?P<name>@[\w.\-]+|[A-Za-z][\w.\-]*(?:\s+[A-Za-z][\w.\-]*){0,2}?)"
    r"(?=\s*(?:[,.;!?\n)]|$)|\s+(?:to|review|due|by|and|for|on|pls|please)\b)",
    re.IGNORECASE,
)


@dataclass
class _Mention:
    user_id: str | None
    name: str | None
    span: tuple[int, int]
    strength: int  # 3 owner words, 2 action words, 1 neutral, 0 not an owner
    mask: tuple[int, int]  # the mention with its owner clause, left out of titles


def _mentions(text: str, bot_user_id: str | None) -> tuple[list[_Mention], tuple[int, int] | None]:
    """Mentions other than the bot's, and the span of the bot mention if one leads the text."""
    found: list[_Mention] = []
    bot_span = None
    for m in _head_and_tail(list(_MENTION.finditer(text))):
        user_id, name = m.group(1), m.group(2)
        after = text[m.end() : m.end() + 60]
        before = text[max(0, m.start() - 40) : m.start()]
        own = _OWN_AFTER.match(after)
        own_before = _OWN_BEFORE.search(before)
        not_before = _NOT_OWNER_BEFORE.search(before)
        is_own = bool(own and own.group("own")) or bool(own_before)
        leading = m.start() < 40 and not text[: m.start()].strip(" ,:")
        if bot_user_id and user_id:
            is_bot = user_id == bot_user_id
        else:  # unknown bot id, or a typed "@pmo": a mention leading the message is the bot
            is_bot = leading and not is_own and not bot_span
        if is_bot:
            if leading:
                bot_span = m.span()
            continue
        if is_own:
            strength = 3
        elif _NOT_OWNER_AFTER.match(after) or not_before:
            strength = 0
        elif own:
            strength = 2
        else:
            strength = 1
        edge = re.search(r"[,.;:!?\n]|\s[—–]\s|\s-\s", text[m.end() : m.end() + 80])
        clause_end = m.end() + (edge.start() if edge else min(80, len(text) - m.end()))
        cue = own_before or not_before
        mask_start = m.start() - len(before) + cue.start() if cue else m.start()
        if after.startswith("'s"):  # "<@U1>'s team must deliver": part of the sentence
            mask_start = clause_end = m.end()
        found.append(_Mention(user_id, name, m.span(), strength, (mask_start, clause_end)))
    return found, bot_span


def _pick_owner(mentions: list[_Mention]) -> _Mention | None:
    for strength in (3, 2):
        for mention in mentions:
            if mention.strength == strength:
                return mention
    neutral = [m for m in mentions if m.strength == 1]
    people = {m.user_id or (m.name or "").lower() for m in neutral}
    return neutral[0] if len(people) == 1 else None
