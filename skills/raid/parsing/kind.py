"""The entry's type: type words when the message has them, else the learned type model."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skills.raid.parsing.draft import TypeSource
from skills.raid.parsing.type_model import predict_type
from skills.raid.scoring import RaidType

if TYPE_CHECKING:
    from bot.core.learned import TextClassifier

# The type model to guess with, asked for only when a message names no type (loading it
# can start the sentence embedder's load); None means the trained one.
TypeModel = Callable[[], "TextClassifier | None"]

_TYPE_WORDS = {  # words that name a type wherever they stand (negations aside)
    RaidType.RISK: r"risks?",
    RaidType.ISSUE: r"issues?|problems?|blockers?|incidents?",
    RaidType.ASSUMPTION: r"assumptions?|assum(?:e|es|ed|ing)|presum(?:e|es|ed|ing)"
    r"|tak(?:e|ing|en) (?:it )?(?:as given|for granted)",
    RaidType.DEPENDENCY: r"dependenc(?:y|ies)|deps?|depend(?:s|ing|ent)? (?:on|upon)"
    r"|rel(?:y|ies|ying) on|reliant on|waiting (?:on|for)|blocked (?:by|until|on|till)"
    r"|contingent (?:on|upon)|prerequisites?",
}
_TYPE_WORD_RES = {t: re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for t, p in _TYPE_WORDS.items()}
# Actions and decisions are named only where a label stands ("Action:", "log a decision"):
# "mitigating action" or "waiting on a decision" say nothing about the entry's type.
_LABEL_NOUNS = (
    r"risks?|issues?|problems?|blockers?|assumptions?|dependency|dependencies|deps?"
    r"|action items?|actions?|to-?dos?|decisions?"
)
_EXPLICIT_NOUNS = r"risk|issue|problem|blocker|assumption|dependency|dep|incident|action|decision"
_EXPLICIT = [  # the message says what it is: "log a risk", "Issue (RED):", "as a dependency"
    re.compile(
        r"\b(?:log|logging|logged|add|adding|raise|raising|new|record|recording|create|creating"
        r"|open|opening|track|tracking|flag|flagging|register|registering|capture|capturing|note"
        r"|noting)\s+(?:(?:this|that|it|these|down|as|under|an?|another|the|new|one more|hard"
        r"|soft|key|potential|major|minor|critical|external)\s+){0,4}"
        rf"(?P<word>{_EXPLICIT_NOUNS})\b(?!\s+(?:plan|log|register|owner|points?)\b)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^\W*(?:[\w/+-]+\s+){{0,2}}?(?P<word>{_LABEL_NOUNS})\b\s*(?:\([^)]{{0,40}}\)\s*)?"
        r"(?:[:\-–—>]|for\b|that\b|of\b|on\b|upon\b|$)",
        re.IGNORECASE,
    ),
    re.compile(  # "put this on the risk register", "add to issues": the list it goes on
        r"\b(?:log|logging|add|adding|added|put|putting|record|recording|enter|move|moving"
        r"|capture)\s+(?:(?:this|that|it|these|one)\s+)?(?:to|on|onto|in|into|under)\s+"
        rf"(?:the\s+|our\s+)?(?P<word>{_EXPLICIT_NOUNS})(?:s|\s+(?:log|register|list))\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:there's|there is|there are|theres|this is|it's|that's)\s+(?:an?\s+|some\s+)?"
        rf"(?:\w+\s+)?(?P<word>{_EXPLICIT_NOUNS})s?\b",
        re.IGNORECASE,
    ),
]
_NEGATED_BEFORE = re.compile(r"(?:\bat|\bno|\bnot\s+an?|\bwithout)\s+$", re.IGNORECASE)
# "can't move until there's a decision": a type named as what the entry waits for is no label
_CONDITION_BEFORE = re.compile(r"\b(?:until|till|unless|pending|awaiting)\s+$", re.IGNORECASE)
# "open an issue to track X": a type named with a purpose ("to" and a verb, not "to the …") is
# what a task creates, or else a risk "to delivery": the rule can't tell, so the model decides
_PURPOSE_AFTER = re.compile(
    r"\s+to\s+(?!(?:the|a|an|this|that|these|those|our|my|your|their|its|his|her|it|them|us"
    r"|me|him|be|do|date)\b)[a-z]{2,}\b"
)
_NOT_A_TYPE_AFTER = re.compile(r"\s*(?:#?\d|register|log\b|owner)", re.IGNORECASE)  # "risk 8"
_OTHER_LABELS = {"todo": RaidType.ACTION, "to-do": RaidType.ACTION, "todos": RaidType.ACTION}
EXPLICIT_SCORE = 10.0  # "log a risk", "Issue:": the type is said, not guessed
# A type word that is no label makes its type this many times as likely to the model: an
# early one (score 6), a later one (score 3). Chosen on raid_dev (a grid), reported on raid_dev2.
KEYWORD_PRIOR = {6.0: 64.0, 3.0: 1.0}


@dataclass(frozen=True)
class TypeReading:
    """The type, where it came from, and the model's probability when it guessed."""

    type: RaidType
    source: TypeSource
    probability: float | None = None


def _word_type(word: str) -> RaidType:
    low = word.lower()
    if low in _OTHER_LABELS:
        return _OTHER_LABELS[low]
    for raid_type, pattern in _TYPE_WORD_RES.items():
        if pattern.fullmatch(word):
            return raid_type
    return RaidType.from_text(low) or RaidType.from_text(low.rstrip("s")) or RaidType.RISK


def _keyword_scores(sample: str) -> dict[RaidType, float]:
    """10 for an explicit "log a risk", 6 for a type word early on, 3 for one later."""
    scores = dict.fromkeys(RaidType, 0.0)
    unsure: set[int] = set()  # where a type word names an instrument or a label alike
    for pattern in _EXPLICIT:
        for m in pattern.finditer(sample):
            before = sample[max(0, m.start("word") - 12) : m.start("word")]
            waited_for = _CONDITION_BEFORE.search(sample[max(0, m.start() - 12) : m.start()])
            if _PURPOSE_AFTER.match(sample, m.end("word")):
                unsure.add(m.start("word"))
            elif not _NEGATED_BEFORE.search(before) and not waited_for:
                raid_type = _word_type(m.group("word"))
                scores[raid_type] = max(scores[raid_type], 10.0)
    first_words_end = sum(len(w) + 1 for w in sample.split()[:6])
    for raid_type, pattern in _TYPE_WORD_RES.items():
        for m in pattern.finditer(sample):
            before = sample[max(0, m.start() - 16) : m.start()]
            if m.start() in unsure or _NEGATED_BEFORE.search(before):
                continue
            if _NOT_A_TYPE_AFTER.match(sample, m.end()):
                continue
            weight = 6.0 if m.start() < first_words_end else 3.0
            scores[raid_type] = max(scores[raid_type], weight)
    return scores


def _model_probabilities(text: str, types: TypeModel | None = None) -> dict[RaidType, float]:
    model = types() if types else None
    prediction = model.predict(text) if model is not None else predict_type(text)[1]
    return {RaidType(label): p for label, p in prediction.probabilities.items()}


def _classify(
    text: str,
    default_type: RaidType | None,
    has_probability: bool,
    statement: str | None = None,
    types: TypeModel | None = None,
) -> TypeReading:
    """The type: an explicit label ("log a risk", "Issue:") decides; with no type word,
    ``default_type``; then a stated likelihood makes it a risk (only risks have one: 82 of
    the 83 written examples and eval messages with one); else weaker type words (one early
    in the message, one later) multiply the learned model's probabilities by
    :data:`KEYWORD_PRIOR`, so "open an issue to track it" in an action stays an action (with
    a ``default_type`` the type words win, as before), and the model guesses from the
    ``statement`` (the message without owners, levels and links) or else the text."""
    sample = text[:4000]
    keywords = _keyword_scores(sample)
    top = max(keywords.values())
    model_input = statement or sample[:400]
    named = [t for t, score in keywords.items() if score == top] if top else []
    if top >= EXPLICIT_SCORE and len(named) == 1:
        return TypeReading(named[0], "explicit")
    if not top and default_type is not None:
        return TypeReading(default_type, "default")
    if has_probability and default_type is None:
        return TypeReading(RaidType.RISK, "likelihood")
    probs = _model_probabilities(model_input, types)
    if top:
        weighted = {t: p * KEYWORD_PRIOR.get(keywords[t], 1.0) for t, p in probs.items()}
        if top >= EXPLICIT_SCORE or default_type is not None:  # the model picks among these
            weighted = {t: p for t, p in weighted.items() if t in named}
        total = sum(weighted.values()) or 1.0
        best = max(weighted, key=weighted.__getitem__)
        if keywords[best]:
            return TypeReading(best, "explicit")
        return TypeReading(best, "guess", round(weighted[best] / total, 4))
    best = max(probs, key=probs.__getitem__)
    return TypeReading(best, "guess", round(probs[best], 4))


_LABELS = ("risk", "issue", "assumption", "dependency", "action", "decision", "blocker", "problem")
_FIRST_WORD = re.compile(r"^\W*(?P<word>[A-Za-z]{3,12})\s*(?:[:>—–]|-{1,2}\s|\s-\s)")


def typo_label(text: str) -> tuple[RaidType | None, int]:
    """A mistyped type word labelling the message ("Rsik —", "Isue:"): its type and end."""
    m = _FIRST_WORD.match(text)
    if not m:
        return None, 0
    word = m.group("word").lower()
    if word in _LABELS or RaidType.from_text(word):
        return None, 0
    for label in _LABELS:
        close = word[0] == label[0] and abs(len(word) - len(label)) <= 2
        if close and difflib.SequenceMatcher(None, word, label).ratio() >= 0.75:
            return _word_type(label), m.end()
    return None, 0
