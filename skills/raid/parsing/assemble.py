"""Reading a whole message into a RaidDraft: levels, type, dates, owner, then title."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
from skills.raid.parsing.decision import decision_status, rationale
from skills.raid.parsing.draft import RaidDraft
from skills.raid.parsing.kind import TypeModel, TypeReading, _classify, typo_label
from skills.raid.parsing.levels import _best_level, _read_levels
from skills.raid.parsing.links import external_ref, with_link_text
from skills.raid.parsing.owner import (
    _decided_by,
    _Mention,
    _mentions,
    _named_doer,
    _owner_text,
    _pick_owner,
    _self_owner,
    described_people,
)
from skills.raid.parsing.response import mitigation
from skills.raid.parsing.text import _SPECIAL, _blank, _normalise, _overlaps
from skills.raid.parsing.title import (
    _COMMAND_PREFIXES,
    TITLE_SCAN_CHARS,
    _strip_prefixes,
    _title_from,
    lead_ins,
)
from skills.raid.scoring import RaidStatus, RaidType

# Long messages (pasted documents) are read at the start and the end only, to stay fast.
HEAD_CHARS, TAIL_CHARS = 6000, 2000
STATEMENT_CHARS = 400  # the type model reads the start of what the message states


_DOER = re.compile(r"\s*(?:to|will|'ll|pls|please|can you|could you|volunteered to)?\b", re.I)


def _doer(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """An opening "<@U1> to" left out of the title, not the task it names."""
    m = _DOER.match(text, span[1])
    return span[0], m.end() if m else span[1]


def _statement(masked: str) -> str | None:
    """What the message states, without who owns it, levels and links (``\x1f`` blanks), or
    None when little is left ("<@U1> to send the figures" is all owner clause)."""
    text = " ".join(masked.replace("\x1f", " ").split())[:STATEMENT_CHARS]
    return text if len(re.findall(r"[^\W\d_]{2,}", text)) >= 3 else None


@dataclass
class _Who:
    """Who the message names as owner, and the spans that say so (left out of the title)."""

    owner: _Mention | None
    self_span: tuple[int, int] | None
    named: str | None
    said: list[tuple[int, int]]  # with ``others``: who and how bad, not what
    openers: list[_Mention]  # "<@U1> to send the plan": mentions before the title

    @classmethod
    def read(
        cls, text: str, mentions: list[_Mention], title_from: int, others: list[tuple[int, int]]
    ) -> _Who:
        owner = _pick_owner(mentions)
        self_span = _self_owner(text) if not owner else None
        named, named_span = (None, None) if owner or self_span else _owner_text(text)
        said = others + [m.mask for m in mentions]
        said += [span for span in (self_span, named_span) if span]
        openers = [m for m in mentions if m.mask[0] <= title_from]
        return cls(owner, self_span, named, said, openers)


def _parse(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_type: RaidType | None,
    bot_user_id: str | None,
    sender: str | None = None,
    types: TypeModel | None = None,
) -> RaidDraft:
    full_text = _normalise(text if isinstance(text, str) else "")
    text = full_text
    if len(text) > HEAD_CHARS + TAIL_CHARS:  # offsets below HEAD_CHARS stay valid
        text = f"{text[:HEAD_CHARS]}\n{text[-TAIL_CHARS:]}"
    problems: list[str] = []

    mentions, bot_span = _mentions(text, bot_user_id)
    start = bot_span[1] if bot_span else 0
    described_from = _strip_prefixes(text, _COMMAND_PREFIXES, start)
    typo_type, typo_end = typo_label(text[described_from:])
    title_from = _strip_prefixes(text, lead_ins() + _COMMAND_PREFIXES, described_from + typo_end)
    body = full_text[described_from:]

    labelled, link_spans = with_link_text(text)  # "<https://…|ATL-12> may slip"
    specials = [m.span() for m in _SPECIAL.finditer(text) if not _overlaps(m.span(), link_spans)]
    levels, level_problems = _read_levels(_blank(text, specials + link_spans))
    problems.extend(level_problems)
    probability, impact = _best_level(levels, "p"), _best_level(levels, "i")
    level_spans = [lv.span for lv in levels]

    who = _Who.read(text, mentions, title_from, level_spans + specials)
    stated = [span for span in who.said if span not in [m.mask for m in who.openers]]
    reading = (
        TypeReading(typo_type, "explicit")
        if typo_type
        else _classify(
            text[start:],
            default_type,
            probability is not None,
            statement=_statement(_blank(labelled, stated)[described_from:]),
            types=types,
        )
    )
    decided = reading.type is RaidType.DECISION and decision_status(body) == RaidStatus.DECIDED
    if reading.type not in (RaidType.ACTION, RaidType.DECISION) and any(m.about for m in mentions):
        mentions = described_people(mentions)  # "only <@U1> knows the jobs": no owner said
        who = _Who.read(text, mentions, title_from, level_spans + specials)
    owner, self_span, named = who.owner, who.self_span, who.named
    said, openers = who.said, who.openers
    opening = [m.mask for m in openers]
    # "we're assuming", "waiting on": said by an assumption's or dependency's type, not its title
    title_from = _strip_prefixes(text, lead_ins(reading.type) + _COMMAND_PREFIXES, title_from)
    doer_span = None
    if reading.type is RaidType.ACTION and not (owner or self_span or named):
        named, doer_span = _named_doer(text, title_from)

    today = _today(now, tz)
    no_levels = _blank(text, level_spans + specials + link_spans)
    owner_clauses = [m.mask for m in mentions if m.strength >= 2]
    date_hits, date_context, date_problems = _find_dates(
        no_levels, today, past=decided, owner_clauses=owner_clauses
    )
    problems.extend(date_problems)
    # a date read and set aside (an event's, a report's) is not unreadable
    problems.extend(_unreadable_dates(no_levels, date_hits, level_spans + date_context))
    chosen = _pick_date(date_hits)

    owner_id = owner.user_id if owner else None
    owner_name = owner.name if owner and not owner.user_id else None
    if self_span and sender:
        owner_id = sender
    elif named:
        owner_name = named
    decided_by, decided_span = (None, None)
    if reading.type is RaidType.DECISION:
        decided_by, decided_span = _decided_by(text, mentions)
        if owner_id is None and owner_name is None and decided_by:
            by_mention = any(m.user_id == decided_by for m in mentions)
            owner_id, owner_name = (decided_by, None) if by_mention else (None, None)

    masks = [span for span in said if span not in opening] + [_doer(text, m.span) for m in openers]
    masks += [span for span in (decided_span, doer_span) if span]
    response, response_span = mitigation(text)
    masks += [response_span] if response_span else []
    masks += [(h.cue_start, h.span[1]) for h in date_hits if _ends_clause(text, h.span[1])]
    masks += [s for s in date_context if _ends_clause(text, s[1]) or _starts_clause(text, s[0])]
    scan_end = min(len(text), title_from + TITLE_SCAN_CHARS)
    window = [
        (max(s, title_from), min(e, scan_end)) for s, e in masks if e > title_from and s < scan_end
    ]
    title = _title_from(_blank(labelled[:scan_end], window, "\x1f")[title_from:])

    return RaidDraft(
        type=reading.type,
        title=title,
        description=body,
        owner=owner_id,
        owner_name=owner_name,
        date=chosen.value if chosen else None,
        date_text=chosen.text if chosen else None,
        probability=probability,
        impact=impact,
        problems=list(dict.fromkeys(problems)),
        missing_title=not title,
        type_source=reading.source,
        type_probability=reading.probability,
        status=RaidStatus.DECIDED.value if decided else None,
        decided_by=decided_by,
        rationale=rationale(body) if reading.type is RaidType.DECISION else None,
        mitigation=response,
        external_ref=external_ref(text[described_from:]),
    )
