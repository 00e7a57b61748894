"""Putting an update together: sorting its fragments into done / next / blockers."""

from __future__ import annotations

import re

from skills.status.parsing.blockers import _NEGATION, _RESOLVED, _blocker_cue
from skills.status.parsing.draft import StatusDraft
from skills.status.parsing.emoji import _normalise
from skills.status.parsing.items import (
    _blocker_items,
    _clean,
    _is_empty_heading,
    _is_heading_fragment,
    _is_only_a_status,
    _is_status_only,
    _leading_topic,
    _name_the_pronoun,
    _plain_words,
    _sentences,
    _split_items,
)
from skills.status.parsing.labels import BLOCKERS, DONE, NEXT, OTHER, THIS_WEEK, TODAY
from skills.status.parsing.learned import learned_blockers, learned_rag
from skills.status.parsing.percent import stated_percent
from skills.status.parsing.rag import _detect_rag
from skills.status.parsing.sections import _sections
from skills.status.parsing.tense import (
    _DONE_ANY,
    _FUTURE_ANY,
    _PLANNED,
    _THEN,
    _TRAILING_JOINER,
    _lead,
)

_ASIDE = re.compile(r"\(([^()]*)\)")
_WORK_LEADS = ("past", "base", "future")  # the first verb says work done or planned
_STATUS_TAIL_CLAUSE = re.compile(r"[,;]?\s+(?:so|and|which\s+means)\s+(?P<clause>[^,;]+)$", re.I)
_HISTORY = re.compile(r"\b(?:was|were)\b(?!.*\bstill\b)", re.I)  # "the files were malformed"
# "Tracking spreadsheet + guide are up": a gerund naming a thing, reported done.
_BARE_GERUND_DONE = re.compile(r"\W*[a-z]+ing\b(?=.*?(?:" + _DONE_ANY.pattern + "))", re.I)
# "the underpass can go ahead now": cleared to start; "the workbook goes to the board",
# "it gets merged before the meeting": a present tense that tells what is scheduled.
_CAN_PROCEED = re.compile(
    r"\bcan\s+(?:now\s+)?(?:go|start|begin|proceed)\b|\b(?:goes|moves|gets|lands|ships|launches"
    r"|starts|begins|merges)\s+(?:to|into|before|on|live|merged|released|once|when|after|from)\b",
    re.I,
)
# "Fire Engineer approval received", "docs reorganised per feedback": a subject, then what
# was done to it, with no auxiliary.
_PARTICIPLE_AFTER_SUBJECT = re.compile(
    r"\W*(?:(?!(?:is|are|was|were|be|been|being|will|to|not|never)\b)[\w/&'+-]+\s+){1,4}"
    r"(?!(?:need|feed|seed|speed|bed|red|shed|embed|proceed|exceed)\b)[a-z]+ed\b",
    re.I,
)


def _classify(
    fragment: str, section: str, previous: str | None, looks_back: bool = False
) -> tuple[str, bool]:
    """(done or next, whether the fragment itself gave evidence) for one fragment.

    ``looks_back``: the update tells only of work done, so "then" does not look ahead.
    """
    kind, _ = _lead(fragment)
    future = bool(_FUTURE_ANY.search(fragment))
    if section == NEXT:
        return NEXT, True
    unaside = _ASIDE.sub(" ", fragment)  # "(to be finished by Thu)" is an aside
    planned = future or bool(_PLANNED.search(unaside))
    if section == DONE:  # a labelled done section keeps all but clearly planned work
        return (NEXT if kind == "future" or (planned and kind != "past") else DONE), True
    if kind == "past" or (kind == "progressive" and _BARE_GERUND_DONE.match(fragment)):
        return DONE, True
    then_ahead = _THEN.match(fragment) and previous != DONE and not looks_back
    if kind in ("future", "progressive") or future or then_ahead:
        return NEXT, True
    if _DONE_ANY.search(fragment):
        return DONE, True
    if planned or _CAN_PROCEED.search(unaside):
        return NEXT, True
    if kind == "base":
        return NEXT, True
    if kind is None and _PARTICIPLE_AFTER_SUBJECT.match(unaside):
        return DONE, True
    return previous or DONE, False


def _resolve_contextual(chunks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Decide whether "this week:" / "today:" sections report work done or planned."""
    resolved: list[tuple[str, str]] = []
    seen_done = False
    for section, chunk in chunks:
        if section in (THIS_WEEK, TODAY):
            kinds = {
                _lead(f)[0]
                for s in _sentences(chunk)
                for f in _split_items(s)
                if not _blocker_cue(f)  # "blocked by ...": no word on the work's time
            }
            if seen_done:  # "Last week: ... This week: ..."
                section = NEXT
            elif "past" in kinds:
                section = DONE
            elif kinds & {"future", "base", "progressive"}:
                section = NEXT
            else:
                section = DONE if section == THIS_WEEK else NEXT
        seen_done = seen_done or section == DONE
        resolved.append((section, chunk))
    return resolved


def _sort_sentence(
    sentence: str, section: str, looks_back: bool = False
) -> tuple[list[tuple[str, str]], list[str], bool]:
    """Sort one sentence: ([(target, fragment)], blocker fragments, says "no blockers")."""
    placed: list[tuple[str, str, bool]] = []
    noun_like: set[int] = set()  # placed items read as next only by a verb-like first word
    blockers: list[str] = []
    says_none = False
    previous: str | None = None
    fragments = _split_items(sentence)
    # the model reads what the cues leave ("the venue hasn't sent the contract back"), but not
    # work: a fragment opening with a verb of doing ("start the refund flow", "wrote ...")
    unsaid = [
        f
        for f in fragments
        if _plain_words(f) >= 2
        and _lead(f)[0] not in _WORK_LEADS
        and not _HISTORY.search(f)
        and not _blocker_cue(f)
    ]
    read_as_blocker = {f for f, said in zip(unsaid, learned_blockers(unsaid), strict=True) if said}
    for fragment in fragments:
        negation = _NEGATION.search(fragment)
        if negation:  # "no blockers", "release blog in progress with no blockers"
            says_none = True
            head = _TRAILING_JOINER.sub("", fragment[: negation.start()])
            if _plain_words(head) < 2:
                continue
            fragment = head
        if _not_an_item(fragment, section):
            continue
        target, evidence = _classify(fragment, section, previous, looks_back)
        if placed and not placed[-1][2] and target == NEXT and _THEN.match(fragment):
            placed[-1] = (NEXT, placed[-1][1], True)  # "X -> then Y": X is planned too
        after = sentence[sentence.find(fragment) + len(fragment) :]
        previous = target if evidence else previous  # "map fixes -> then ...": no evidence
        if fragment in read_as_blocker and not _RESOLVED.search(after):
            blockers.append(_without_status_tail(fragment))
            continue
        if _blocker_cue(fragment) and not _RESOLVED.search(after):
            outside = _ASIDE.sub(" ", fragment)
            if _blocker_cue(outside) or _plain_words(outside) < 2:
                blockers.append(_without_status_tail(fragment))
                continue
            # "folded in the feedback (Rod's still pending)": work done, its aside a blocker
            blockers += [aside for aside in _ASIDE.findall(fragment) if _blocker_cue(aside)]
            fragment = outside
        if section not in (DONE, NEXT) and _only_a_verb_like_word(fragment):
            noun_like.add(len(placed))
        placed.append((target, fragment, evidence))
    for i in noun_like:  # "refined doc outline, prototype spec proposal, walked through ..."
        if 0 < i < len(placed) - 1 and placed[i - 1][0] == placed[i + 1][0] == DONE:
            placed[i] = (DONE, placed[i][1], True)
    return [(target, fragment) for target, fragment, _ in placed], blockers, says_none


def _not_an_item(fragment: str, section: str) -> bool:
    """True for an overall status or a heading standing where items are read.

    Under an explicit done / next label the writer put an item there, so only a fragment that
    is nothing but a status ("on track") or a period's heading ("Week 7") is dropped: "status
    report", "steerco report" and "overall layout" are work.
    """
    if section in (DONE, NEXT):
        return _is_only_a_status(fragment) or _is_empty_heading(fragment)
    return _is_status_only(fragment) or _is_heading_fragment(fragment)


def _without_status_tail(fragment: str) -> str:
    """A blocker without the overall status it ends on: "the test env is down(, so we're a
    bit behind)" (the status is read from the whole update)."""
    tail = _STATUS_TAIL_CLAUSE.search(fragment)
    if tail and _is_status_only(tail.group("clause")):
        return fragment[: tail.start()]
    return fragment


def _only_a_verb_like_word(fragment: str) -> bool:
    """True when only a base-form first word ("prototype spec") says the fragment is planned."""
    return _lead(fragment)[0] == "base" and not (
        _FUTURE_ANY.search(fragment) or _PLANNED.search(fragment) or _THEN.match(fragment)
    )


def _parse(text: str) -> StatusDraft:
    norm = _normalise(text)
    rag = _detect_rag(norm) or learned_rag(text)  # the rules' words first, then the model
    draft = StatusDraft(rag=rag, percent=stated_percent(text))
    explicit_blockers = False  # a blockers section, or "no blockers" anywhere
    prose_blockers: list[tuple[str, str]] = []  # (fragment, section it belongs to otherwise)
    sections = _resolve_contextual(_sections(norm))
    looks_back = bool(re.search(r"\bthen\b", norm, re.I)) and _looks_back(norm, sections)
    for section, chunk in sections:
        if section == OTHER:
            continue
        if section == BLOCKERS:
            explicit_blockers = True
            draft.blockers.extend(_blocker_items(chunk))
            continue
        topic = _leading_topic(chunk)
        for sentence in _sentences(chunk):
            if _not_an_item(sentence, section):
                continue
            placed, blockers, says_none = _sort_sentence(sentence, section, looks_back)
            explicit_blockers = explicit_blockers or says_none
            default = NEXT if section == NEXT else DONE
            prose_blockers += [(fragment, default) for fragment in blockers]
            for target, fragment in placed:
                if item := _clean(fragment):
                    getattr(draft, target).append(_name_the_pronoun(item, topic))
    for fragment, fallback in prose_blockers:  # explicit statements about blockers win
        if item := _clean(fragment):
            getattr(draft, fallback if explicit_blockers else BLOCKERS).append(item)
    draft.done, draft.next, draft.blockers = (
        _dedupe(draft.done),
        _dedupe(draft.next),
        _dedupe(draft.blockers),
    )
    return draft


def _looks_back(text: str, sections: list[tuple[str, str]]) -> bool:
    """True when an update reports work done and says nothing of work ahead."""
    if any(section == NEXT for section, _ in sections):
        return False
    if _FUTURE_ANY.search(text) or _PLANNED.search(text):
        return False
    return any(
        _lead(fragment)[0] == "past"
        for _, chunk in sections
        for sentence in _sentences(chunk)
        for fragment in _split_items(sentence)
    )


def _dedupe(items: list[str]) -> list[str]:
    """Items in order, without case-insensitive repeats."""
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            unique.append(item)
    return unique
