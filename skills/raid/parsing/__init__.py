"""Offline parsing of RAID entries typed in Slack.

``parse_raid_message("log a risk: vendor may slip, owner <@U1>, review Friday, P4 I3", ...)``
returns a :class:`RaidDraft` with the type, a short title, owner, date and probability/impact.
Everything is rule-based and deterministic (no LLM, no network) and never raises on odd input.
Messages longer than 8,000 characters (pasted documents) are read at their start and end only,
which keeps the worst case around 50 ms for 40,000 characters. ``parse_level``,
``parse_levels`` and ``parse_date_phrase`` read values typed in update commands
(``/pmo raid update APOLLO-R7 date next friday``).

Reading order: bot mention and command words ("@pmo log a risk:", "can someone log that",
"just to flag for the log:") are cut; probability and impact are found first (so "1/5" is
never a date), then dates, owners, the type, and the title from what is left of the first
sentence. Words that only say the type ("we're assuming", "waiting on") leave the title once
the type is known, and only for that type: "waiting on the DBA team" is a blocker's whole story.

Date conventions (Europe-style, documented once here): numeric dates are day-first unless the
day is over 12; a weekday alone means its next occurrence after today; "next Friday" and
"Friday next week" mean the Friday of next calendar week (Monday-Sunday); "end of week" is
Friday; "next week" is next Monday; a day and month without a year that is more than 30 days
in the past rolls to next year.

Modules: ``assemble`` reads a whole message, from ``levels`` (probability and impact),
``dates`` (date forms and ``parse_date_phrase``), ``date_search`` (the entry's date in a
message), ``owner``, ``kind`` (the type) and ``title``; ``draft`` holds :class:`RaidDraft`,
``text`` and ``words`` the shared helpers and word lists.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from skills.raid.parsing.assemble import HEAD_CHARS, TAIL_CHARS, _parse
from skills.raid.parsing.dates import parse_date_phrase
from skills.raid.parsing.draft import RaidDraft, TypeSource
from skills.raid.parsing.kind import TypeModel
from skills.raid.parsing.levels import LEVEL_HELP, LevelKind, parse_level, parse_levels
from skills.raid.parsing.owner import resolve_owner
from skills.raid.parsing.text import MAX_MATCHES, _normalise
from skills.raid.parsing.title import (
    TITLE_MAX_CHARS,
    TITLE_MAX_WORDS,
    TITLE_SCAN_CHARS,
    _clean_title,
    _shorten,
)
from skills.raid.scoring import RaidType

__all__ = [
    "HEAD_CHARS",
    "LEVEL_HELP",
    "MAX_MATCHES",
    "TAIL_CHARS",
    "TITLE_MAX_CHARS",
    "TITLE_MAX_WORDS",
    "TITLE_SCAN_CHARS",
    "LevelKind",
    "RaidDraft",
    "TypeModel",
    "TypeSource",
    "parse_date_phrase",
    "parse_level",
    "parse_levels",
    "parse_raid_message",
    "resolve_owner",
]

logger = logging.getLogger(__name__)


def parse_raid_message(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_type: RaidType | None = None,
    bot_user_id: str | None = None,
    sender: str | None = None,
    types: TypeModel | None = None,
) -> RaidDraft:
    """Read a Slack message describing a RAID entry into a :class:`RaidDraft`.

    Args:
        text: the message as received (Slack mrkdwn; mentions as ``<@U123>``).
        now: the current time; relative dates ("Friday", "in 2 weeks") count from it.
        tz: the user's or project's timezone, which decides what "today" is.
        default_type: the type to use when the message names none (e.g. ``/pmo risk ...``).
        bot_user_id: the bot's own user id, never taken as the owner. Without it a mention
            leading the message is taken to be the bot.
        sender: the user id of whoever wrote it: the owner of "owner me", "I'll take it".
        types: gives the type model to guess with (a workspace's, which learned its
            corrections), asked only when the text names no type; default the trained one.

    Never raises: unreadable parts are reported in ``problems``.
    """
    try:
        return _parse(
            text,
            now=now,
            tz=tz,
            default_type=default_type,
            bot_user_id=bot_user_id,
            sender=sender,
            types=types,
        )
    except Exception:  # a parser bug must not lose the user's message
        logger.exception("RAID message parsing failed; falling back to a bare draft")
        raw = _normalise(text if isinstance(text, str) else "")
        title = _clean_title(_shorten(raw[:200]))
        return RaidDraft(
            type=default_type or RaidType.RISK,
            title=title,
            description=raw,
            problems=["Part of that message couldn't be read; please check the details."],
            missing_title=not title,
            type_source="default" if default_type else "guess",
        )
