"""Speech-act cues of a RAID message, as tokens the type model learns from (its marks).

What a sentence does — hedges a future ("may", "if"), asks someone to act ("X to send"),
records a settled choice ("agreed", "going with"), waits on something ("until", "once"),
reports a fault ("broken", "slipped"), or takes something as given ("assume", "expected to")
— is said in many words that the n-grams see one at a time. Each family is one token here,
so evidence for it pools across synonyms. General English, not phrases of any data set.
"""

from __future__ import annotations

import re

_CUES = {
    "hedge": r"may|might|could|possibl[ey]|perhaps|maybe|chance|likel(?:y|ihood)|potential(?:ly)?"
    r"|risk of|in case|if|unless|worst case|there's a danger|at risk",
    "task": r"to (?:send|check|chase|write|draft|update|review|look|follow|share|ask|find|set"
    r"|book|call|confirm|prepare|organise|organize|arrange|investigate|fix|raise|circulate"
    r"|come back|reach out|contact|speak|talk|sort|schedule|create|add|make|get|pick)"
    r"|will (?:send|check|chase|write|draft|update|review|look|follow|share|ask|find|set up"
    r"|book|call|confirm|prepare|sort|fix|investigate)|'ll|please|pls|can you|could you"
    r"|action(?:ed)? by|task|todo|to-do|follow[- ]up|next steps?|owns|volunteered",
    "settled": r"decided|decision|agreed|agreement|approved|sign(?:ed)? off|confirmed|chose"
    r"|chosen|opted|going (?:with|ahead)|go ahead|ruled|resolved|settled|no objections?"
    r"|consensus|voted|out of scope|descoped|from now on|going forward|we(?:'re| are| will)"
    r" (?:keep|drop|dropping|keeping|stop|stopping|move|moving|switch|switching)|stays?"
    r"|will stay|final call|the call",
    "waits": r"until|till|once|waiting|awaiting|pending|depends?|dependent|relies|rely|reliant"
    r"|needs? .{0,40}\b(?:from|before|first)|gated|hinges?|only (?:works )?if|blocked (?:by|on)"
    r"|prerequisite|after .{0,30}\b(?:lands|ships|arrives|is done|is ready|delivers)|expecting",
    "fault": r"broken|breaks|failing|fails|failed|failure|slipped|slipping|delayed|delay|late"
    r"|overdue|behind|missing|missed|lost|wrong|bug|error|outage|down|stuck|can't|cannot"
    r"|doesn't|don't|isn't|aren't|won't|not working|too slow|over budget|overspent|keeps?"
    r"|still no|no one|nobody",
    "premise": r"assum\w*|presum\w*|expected to|we expect|on the basis|taken as|given that"
    r"|will be available|will remain|remains?|is fixed|for now|as is|stable|in place",
}
_CUE_RES = {name: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for name, words in _CUES.items()}
_LEADING_DOER = re.compile(r"^\W*(?:<@\w+>|[A-Z][a-z]+(?:[ /][A-Z][a-z]+)?)\s+(?:to|will)\s", re.M)


def cues(text: str) -> list[str]:
    """One token per cue family the text shows, and ``doer`` for an opening "Name to …"."""
    found = [f"cue:{name}" for name, pattern in _CUE_RES.items() if pattern.search(text)]
    if _LEADING_DOER.search(text):
        found.append("cue:doer")
    return found or ["cue:none"]
