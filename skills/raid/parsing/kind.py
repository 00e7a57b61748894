"""The entry's type (risk, issue, assumption, dependency): type words first, then cues."""

from __future__ import annotations

import re

from skills.raid.parsing.draft import TypeSource
from skills.raid.scoring import RaidType

_TYPE_WORDS = {
    RaidType.RISK: r"risks?",
    RaidType.ISSUE: r"issues?|problems?|blockers?|incidents?",
    RaidType.ASSUMPTION: r"assumptions?|assum(?:e|es|ed|ing)|presum(?:e|es|ed|ing)"
    r"|tak(?:e|ing|en) (?:it )?(?:as given|for granted)",
    RaidType.DEPENDENCY: r"dependenc(?:y|ies)|deps?|depend(?:s|ing|ent)? (?:on|upon)"
    r"|rel(?:y|ies|ying) on|reliant on|waiting (?:on|for)|blocked (?:by|until|on|till)"
    r"|contingent (?:on|upon)|prerequisites?",
}
_TYPE_WORD_RES = {t: re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for t, p in _TYPE_WORDS.items()}
_EXPLICIT_NOUNS = r"risk|issue|problem|blocker|assumption|dependency|dep|incident"
_EXPLICIT = [  # the message says what it is: "log a risk", "Issue (RED):", "as a dependency"
    re.compile(
        r"\b(?:log|logging|logged|add|adding|raise|raising|new|record|recording|create|creating"
        r"|open|opening|track|tracking|flag|flagging|register|registering|capture|capturing|note"
        r"|noting)\s+(?:(?:this|that|it|these|down|as|under|an?|another|the|new|one more|hard"
        r"|soft|key|potential|major|minor|critical|external)\s+){0,4}"
        rf"(?P<word>{_EXPLICIT_NOUNS})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*(?:[\w/+-]+\s+){0,2}?(?P<word>risks?|issues?|problems?|blockers?|assumptions?"
        r"|dependency|dependencies|deps?)\b\s*(?:\([^)]{0,40}\)\s*)?"
        r"(?:[:\-–—>]|for\b|that\b|of\b|on\b|upon\b|$)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:there's|there is|there are|theres|this is|it's|that's)\s+(?:an?\s+|some\s+)?"
        rf"(?:\w+\s+)?(?P<word>{_EXPLICIT_NOUNS})s?\b",
        re.IGNORECASE,
    ),
]
_NEGATED_BEFORE = re.compile(r"(?:\bat|\bno|\bnot\s+an?|\bwithout)\s+$", re.IGNORECASE)
_NOT_A_TYPE_AFTER = re.compile(r"\s*(?:#?\d|register|log\b|owner)", re.IGNORECASE)  # "risk 8"


def _cue(pattern: str, weight: float) -> tuple[re.Pattern[str], float]:
    return re.compile(pattern, re.IGNORECASE), weight


# Hints used when the message names no type: (pattern, weight), counted at most twice each.
_CUES: dict[RaidType, list[tuple[re.Pattern[str], float]]] = {
    RaidType.RISK: [
        _cue(r"\b(?:may|might|could)\b(?! have been)", 2),
        _cue(r"\bif\b[^.;]{0,80}\b(?:we'll|we will|we'd|we would|will|would)\b", 3),
        _cue(
            r"\b(?:potential(?:ly)?|possibl[ey]|chance|threat|in case|what if|exposure|fail to"
            r"|not be able to|won't be able to|if\b)",
            1,
        ),
    ],
    RaidType.ISSUE: [
        _cue(
            r"\b(?:is|are|has been|have been|was|were|got|gets)\s+"
            r"(?:now\s+|still\s+|fully\s+|completely\s+|totally\s+)?"
            r"(?:broken|down|failing|failed|blocked|delayed|late|stuck|outstanding|overdue"
            r"|missing|exhausted|used up|over budget|overspent|unavailable|corrupt(?:ed)?"
            r"|crashing|wrong)\b",
            3,
        ),
        _cue(
            r"\b(?:stalled|unfilled|vacant|on hold|still (?:not|no|waiting|pending|open"
            r"|outstanding|unresolved|missing))\b",
            2,
        ),
        _cue(
            r"\b(?:resigned|quit|lost|missed|rejected|cancell?ed|slipped|breached|leaked|exceeded"
            r"|went (?:down|over)|has (?:left|gone)|dropped|refused|withdrawn|pulled out"
            r"|keeps? (?:failing|crashing|breaking))\b",
            2,
        ),
        _cue(
            r"\b(?:broke|broken|failed|fails|failures?|failing|crash(?:ed|es|ing)?|not working"
            r"|stopped working|outage|bug|defects?|errors?|overran|overrun|shortfall|ran out"
            r"|run out|used up|exhausted)\b",
            2,
        ),
        _cue(
            r"\b(?:causing|caused|has (?:now )?(?:impacted|affected|hit|delayed)|holding up"
            r"|holding back|blocking|slipped|burned|burnt|didn't|doesn't|isn't|aren't|hasn't"
            r"|haven't|wasn't|weren't|(?:are|is|we're|i'm) (?:now )?blocked|none of|nobody"
            r"|no one|no longer|as of today|right now|currently|(?:has|have) just"
            r"|just (?:told|announced|found|heard|learned|learnt)|(?:is|are) going up"
            r"|(?:has|have) gone up|increased"
            r"|since (?:the|yesterday|last|this|\w+day))\b",
            1.5,
        ),
        _cue(
            r"\b(?:delay(?:s|ed)? (?:in|to|on)|no (?:\w+ )?(?:sponsor|budget|owner|access|funding"
            r"|resource)s?)\b|\bcan't\b(?![^.]{0,60}\buntil\b)",
            2,
        ),
    ],
    RaidType.DEPENDENCY: [
        _cue(
            r"\b(?:until|till|unless|hinges on|prerequisite"
            r"|only (?:happens|possible|after|once|when|if))\b",
            2,
        ),
        _cue(r"\b(?:once|relies|rely|depends?|waiting)\b", 1.5),
        _cue(
            r"\b(?:needs?|needed|requires?|required)\b[^.]{0,60}\b(?:before|from|in place)\b"
            r"|\b(?:before|prior to) (?:any|we|build|design|go-live|launch|starting)\b",
            2,
        ),
        _cue(
            r"\b(?:must deliver|to deliver|can deliver|deliver(?:s|ed)? (?:by|on)|hand ?over)\b",
            1,
        ),
        _cue(r"\b(?:supplier|vendor|third[- ]party|other team)\b", 0.5),
    ],
    RaidType.ASSUMPTION: [
        _cue(
            r"\b(?:assum\w*|presum\w*|take for granted|given that|we believe|we expect"
            r"|expected to (?:be|remain|stay)|will remain|will stay|premise)\b",
            2,
        ),
    ],
}
_GUESS_ORDER = (RaidType.ISSUE, RaidType.DEPENDENCY, RaidType.ASSUMPTION, RaidType.RISK)


def _word_type(word: str) -> RaidType:
    for raid_type, pattern in _TYPE_WORD_RES.items():
        if pattern.fullmatch(word):
            return raid_type
    return RaidType.RISK


def _keyword_scores(sample: str) -> dict[RaidType, float]:
    """10 for an explicit "log a risk", 6 for a type word early on, 3 for one later."""
    scores = dict.fromkeys(RaidType, 0.0)
    for pattern in _EXPLICIT:
        for m in pattern.finditer(sample):
            before = sample[max(0, m.start("word") - 12) : m.start("word")]
            if not _NEGATED_BEFORE.search(before):
                raid_type = _word_type(m.group("word"))
                scores[raid_type] = max(scores[raid_type], 10.0)
    first_words_end = sum(len(w) + 1 for w in sample.split()[:6])
    for raid_type, pattern in _TYPE_WORD_RES.items():
        for m in pattern.finditer(sample):
            before = sample[max(0, m.start() - 16) : m.start()]
            if _NEGATED_BEFORE.search(before) or _NOT_A_TYPE_AFTER.match(sample, m.end()):
                continue
            weight = 6.0 if m.start() < first_words_end else 3.0
            scores[raid_type] = max(scores[raid_type], weight)
    return scores


def _cue_scores(text: str, has_probability: bool) -> dict[RaidType, float]:
    scores = dict.fromkeys(RaidType, 0.0)
    for raid_type, cues in _CUES.items():
        for pattern, weight in cues:
            scores[raid_type] += weight * min(2, len(pattern.findall(text)))
    if has_probability:
        scores[RaidType.RISK] += 3
    return scores


def _classify(
    text: str, default_type: RaidType | None, has_probability: bool
) -> tuple[RaidType, TypeSource]:
    """Type words first, then ``default_type``, then a guess from how the sentence reads."""
    sample = text[:4000]
    keywords = _keyword_scores(sample)
    if any(keywords.values()):
        cues = _cue_scores(sample, has_probability)
        return max(RaidType, key=lambda t: (keywords[t], cues[t])), "explicit"
    if default_type is not None:
        return default_type, "default"
    cues = _cue_scores(sample, has_probability)
    best = max(_GUESS_ORDER, key=lambda t: cues[t])
    return (best if cues[best] > 0 else RaidType.RISK), "guess"
