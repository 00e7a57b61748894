"""Tense and cue words: whether a fragment reports work done or work planned."""

from __future__ import annotations

import re

from skills.status.parsing.words import (
    _BASE_VERBS,
    _DETERMINERS,
    _FUTURE_LEAD,
    _IRREGULAR_PAST,
    _NOT_PAST,
    _PROGRESSIVE_AUX,
    _SKIP,
    _words,
)

_FUTURE_ANY = re.compile(
    r"\b(?:i'll|we'll|he'll|she'll|they'll|i will|we will|going to|gonna|plan(?:ning)? to|"
    r"tomorrow|next (?:week|sprint|month|time|(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?"
    r"|weds?|thu(?:rs?)?|fri)|later (?:today|this week)|upcoming|in progress|"
    r"half-?\s?way|ongoing|underway|under way|in the works|wip|still working|currently|"
    r"coming (?:soon|up|before|next|this|tomorrow|later)|"
    r"to be done)\b|\bnext\W*$",
    re.I,
)
_DONE_ANY = re.compile(
    r"\b(?:is|are|was|were|mostly|almost|half|fully|now|all|been|got)\s+"
    r"(?:(?!being\b)\w+\s+)?(?:done|"
    r"finished|complete|completed|merged|shipped|released|submitted|landed|written|updated)\b"
    r"|\b(?:done|finished|complete|completed)\s*(?:\(|$|[.,;!])"
    r"|\b(?:is|are)\s+(?:now\s+)?(?:up|out|live)\b(?!\s+(?:for|to|next|soon|shortly))",
    re.I,
)
# Work under way or still to do, said without a future tense ("the plan is being updated",
# "dates need rescheduling", "X will be delayed", "workshops planned for Nov"); read only
# where no label says otherwise.
_PLANNED = re.compile(
    r"\b(?:will|shall)\b|\bbeing\s+[a-z]+(?:ed|en|t)\b|\bneeds?\s+[a-z]+ing\b"
    r"|(?<!as\s)\b(?:planned|scheduled)\b(?!\s+(?:work|maintenance))"
    r"|\b(?:done|finished|completed?|ready)\s+by\b"
    r"|(?:\bby|\bdue|~)\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|weds?|thu(?:rs?)?"
    r"|fri|sat|sun)\b"
    r"|\b(?:is|are|was|were|been|being|got)\s+(?:\w+\s+)?(?:slipping|delayed|postponed)\b"
    r"|\bis\s+to\s+[a-z]{3,}|\bnot\s+(?:yet\s+)?(?:started|begun)\b"
    r"|^\W*(?:the\s+)?remaining\s+(?:work|tasks?|items?|steps?|bits?)\b"
    r"|\b(?:work|tasks?|items?)\s+(?:remaining|left)\b",
    re.I,
)
_THEN = re.compile(r"\W*(?:and\s+)?then\b", re.I)
_TRAILING_JOINER = re.compile(r"\b(?:with|but|and|so)\W*$", re.I)


def _verb_stem(word: str) -> str | None:
    """The base form of a present participle ("writing" -> "write"), if it is a task verb."""
    if not word.endswith("ing") or len(word) < 5:
        return None
    stem = word[:-3]
    for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
        if candidate in _BASE_VERBS:
            return candidate
    return None


_NEEDS_TO = frozenset(("need", "plan", "planning", "want", "hope", "hoping", "intend", "aim"))


_ADVERBS = frozenset(("now", "currently", "still", "also", "just", "mainly", "mostly", "actively"))
_ING_NOT_VERB = _words(  # "-ing" words that are no verb after "is": "results are promising"
    "during morning evening string spring ceiling pending missing outstanding ongoing "
    "interesting exciting promising confusing amazing annoying challenging encouraging "
    "disappointing concerning boring surprising frustrating worrying lacking looming"
)


def _is_ing_verb(word: str) -> bool:
    """A present participle after "is"/"are" ("focusing"), not "nothing" or "morning"."""
    return (
        len(word) > 5
        and word.endswith("ing")
        and not word.endswith("thing")
        and (word not in _ING_NOT_VERB)
    )


def _is_past(word: str) -> bool:
    return word in _IRREGULAR_PAST or (word.endswith("ed") and word not in _NOT_PAST)


def _lead(fragment: str) -> tuple[str | None, str]:
    """Kind of the leading verb ("past", "future", "progressive", "base" or None) and the word."""
    words = re.findall(r"[a-z][a-z'-]*", fragment.lower()[:120])
    for i, word in enumerate(words[:8]):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _FUTURE_LEAD or word.endswith("'ll"):
            if word == "need" and i and words[i - 1] in ("i", "we"):  # "so we need X config"
                return "future", word
            if word in _NEEDS_TO and following not in ("to", "on"):  # "planning updated"
                if _verb_stem(word):
                    return "progressive", word
                return (("base" if word in _BASE_VERBS else None), word)
            return "future", word
        if word in _PROGRESSIVE_AUX or (word.endswith(("'s", "'re")) and _verb_stem(following)):
            if word == "still" and _is_past(following):  # "still finished the profile page"
                continue
            if _verb_stem(following) or word in ("still", "currently"):
                return "progressive", following
            if word in ("i'm", "we're") and following == "on":  # "I'm on the case study"
                return "progressive", following
            verb = next((w for w in words[i + 1 : i + 4] if w not in _ADVERBS), "")
            if _verb_stem(verb) or _is_ing_verb(verb):  # "we are now focusing on ..."
                return "progressive", verb
            if word == "now":
                continue
            return None, word
        if word in ("have", "has") and following == "to":  # "I have to rewrite the importer"
            return "future", word
        if word in _SKIP:
            continue
        if _is_past(word):
            return "past", word
        if _verb_stem(word):
            return "progressive", word
        return ("base" if word in _BASE_VERBS else None), word
    return None, ""


def _lead_is_verbish(text: str) -> bool:
    """True when text opens a new verb phrase ("opened a PR", "fix the timer")."""
    words = text.lower()[:80].split()
    while words and words[0] in ("also", "then", "hopefully", "maybe", "just", "finally"):
        words.pop(0)
    if len(words) < 2 or not re.fullmatch(r"[a-z][a-z']*", words[0]):
        return False
    if words[0] in ("will", "i'll", "we'll", "i", "we"):
        return True
    kind, _ = _lead(words[0])
    if kind in ("base", "progressive"):
        return words[1] in _DETERMINERS
    return kind == "past"
