"""Reading a whole message into a RaidDraft: levels, dates, owner, type, then title."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from skills.raid.parsing.date_search import (
    _ends_clause,
    _find_dates,
    _pick_date,
    _starts_clause,
    _unreadable_dates,
)
from skills.raid.parsing.dates import _today
from skills.raid.parsing.draft import RaidDraft
from skills.raid.parsing.kind import _classify
from skills.raid.parsing.levels import _best_level, _read_levels
from skills.raid.parsing.owner import _OWNER_TEXT, _mentions, _pick_owner
from skills.raid.parsing.text import _SPECIAL, _blank, _normalise
from skills.raid.parsing.title import (
    _COMMAND_PREFIXES,
    _LEAD_INS,
    TITLE_SCAN_CHARS,
    _strip_prefixes,
    _title_from,
)
from skills.raid.scoring import RaidType

# Long messages (pasted documents) are read at the start and the end only, to stay fast.
HEAD_CHARS, TAIL_CHARS = 6000, 2000


def _parse(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_type: RaidType | None,
    bot_user_id: str | None,
) -> RaidDraft:
    full_text = _normalise(text if isinstance(text, str) else "")
    text = full_text
    if len(text) > HEAD_CHARS + TAIL_CHARS:  # offsets below HEAD_CHARS stay valid
        text = f"{text[:HEAD_CHARS]}\n{text[-TAIL_CHARS:]}"
    problems: list[str] = []

    mentions, bot_span = _mentions(text, bot_user_id)
    start = bot_span[1] if bot_span else 0
    described_from = _strip_prefixes(text, _COMMAND_PREFIXES, start)
    title_from = _strip_prefixes(text, _LEAD_INS + _COMMAND_PREFIXES, described_from)
    body = full_text[described_from:]

    specials = [m.span() for m in _SPECIAL.finditer(text)]  # links, @here, #channel
    levels, level_problems = _read_levels(_blank(text, specials))
    problems.extend(level_problems)
    probability, impact = _best_level(levels, "p"), _best_level(levels, "i")
    level_spans = [lv.span for lv in levels]

    today = _today(now, tz)
    no_levels = _blank(text, level_spans + specials)
    date_hits, date_context, date_problems = _find_dates(no_levels, today)
    problems.extend(date_problems)
    problems.extend(_unreadable_dates(no_levels, date_hits, level_spans))
    chosen = _pick_date(date_hits)

    owner = _pick_owner(mentions)
    owner_name = owner.name if owner and not owner.user_id else None
    owner_text = None if owner else _OWNER_TEXT.search(text)
    if owner_text and owner_text.group("name").lower() not in ("tbc", "tbd", "none", "unknown"):
        owner_name = owner_text.group("name").lstrip("@") or None

    raid_type, type_source = _classify(text[start:], default_type, probability is not None)

    masks = level_spans + [m.mask for m in mentions]
    masks += [(h.cue_start, h.span[1]) for h in date_hits if _ends_clause(text, h.span[1])]
    masks += [s for s in date_context if _ends_clause(text, s[1]) or _starts_clause(text, s[0])]
    if owner_text:
        masks.append(owner_text.span())
    masks += specials
    scan_end = min(len(text), title_from + TITLE_SCAN_CHARS)
    window = [
        (max(s, title_from), min(e, scan_end)) for s, e in masks if e > title_from and s < scan_end
    ]
    title = _title_from(_blank(text[:scan_end], window, "\x1f")[title_from:])

    return RaidDraft(
        type=raid_type,
        title=title,
        description=body,
        owner=owner.user_id if owner else None,
        owner_name=owner_name,
        date=chosen.value if chosen else None,
        date_text=chosen.text if chosen else None,
        probability=probability,
        impact=impact,
        problems=list(dict.fromkeys(problems)),
        missing_title=not title,
        type_source=type_source,
    )
