"""Blocker wording: cues that something blocks the writer, and ways of saying none does."""

from __future__ import annotations

import re

_BLOCKER_CUE = re.compile(
    r"(?<!-)\b(?:blocked|blocker|blocking|stuck|struggl\w*|waiting\s+(?:on|for)|awaiting|"
    r"(?:fighting|wrestling|battling)\s+with|(?:doesn't|does\s+not|don't|won't|isn't|aren't)\s+"
    r"(?:\w+\s+)?(?:work|working|converge|compile|build|run|load|start|connect|pass|render)\b|"
    r"need(?:s|ing)?\s+(?:some\s+|more\s+|an?\s+)?(?:help|feedback|input|reviews?|access|"
    r"approval|sign-?off|answers?|clarification|guidance|support|permissions?|credentials|"
    r"decision)|(?:^|(?<=\bi\s)|(?<=\bwe\s)|(?<=still\s)|(?<=so\s))(?:can't|cannot|couldn't)"
    r"(?!\s+wait)|unable\s+to|not\s+able\s+to|having\s+"
    r"(?:some\s+)?(?:trouble|issues|problems|difficult\w*)|(?:it's|is|are|was|being|very|really|"
    r"quite|bit|pretty|proving)\s+(?:hard|difficult|tricky|impossible)\s+to(?!\s+(?:say|tell|"
    r"believe))|(?:it's|is|are|was|very|really|quite|bit|pretty)\s+confusing|not\s+working|"
    r"doesn't\s+work|isn't\s+working|keeps?\s+(?:failing|breaking|crashing|timing\s+out|erroring"
    r"|hanging)|(?:too\s+many|lots\s+of|a\s+lot\s+of)\s+errors|not\s+respond\w*|unresponsive|"
    r"(?:have|has)\s*(?:not|n't)\s+"
    r"(?:responded|replied|heard\s+back)|no\s+response|held\s+up|holding\s+(?:me|us)\s+up|"
    r"bottleneck)",
    re.I,
)
# Blockers said without the word: waiting, pending, dragging, delayed, a shortage, a challenge.
_IMPLIED_BLOCKER = re.compile(
    r"\bwait(?:ed|ing)\s+(?:\w+\s+){0,3}?(?:for|on)\b|\bwaiting\s+to\s+hear\b"
    r"|\b(?:still\s+pending|pending\s+(?:review|approval|feedback|sign-?off|decision|response"
    r"|answer|input))\b|\b(?:held|holding)\s+up\b|\bdragg(?:ing|ed)(?:\s+on)?\b"
    r"|\b(?:is|are|was|were|has\s+been|have\s+been|got|keeps?\s+getting)\s+(?:\w+\s+)?delayed\b"
    r"|\bshortages?\b|\bprone\s+to\b|\bthe\s+(?:hard|hardest|tricky|difficult)\s+(?:part|bit)\b"
    r"|\b(?:is|are|remains?|proving)\s+(?:a\s+)?(?:real\s+|big\s+|major\s+|bit\s+of\s+a\s+)?"
    r"(?:challenge|struggle|bottleneck|concern|headache)\b"
    r"|\bonce\s+(?:the\s+)?[\w/'&-]+(?:\s+[\w/'&-]+){0,4}\s+(?:is|are|gets?|has\s+been)\s+"
    r"(?:sorted|resolved|answered|decided|agreed|fixed|approved|reviewed)\b"
    r"|\b(?:small|minor|some|a\s+few|several)\s+(?:issues|problems|bugs|glitches)\s+(?:mean|keep"
    r"|make|stop|prevent)"
    r"|\bon\s+hold\b|\b(?:depend(?:s|ent|ing)|contingent)\s+on\s+(?:the\s+|a\s+)?[\w-]+\s+[\w-]+"
    r"|\b(?:still\s+)?no\s+(?:word|news|answer|reply|update)\s+(?:yet\s+)?from\b"
    r"|\bneed\s+(?:someone|somebody|a\s+person)\s+(?:from|to|who)\b",
    re.I,
)
_CUE_DISARMED = re.compile(r"\b(?:if|unless|in case|without|not|never|while|whilst)\s+$", re.I)
_PLACE_STUCK = re.compile(
    r"\bstuck\s+(?:at|in)\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?(?!review|ci\b|queue|pipeline|"
    r"limbo|approval|qa\b|testing)\w+|\bonly\s+(?:place|time)\b.*\bstuck",
    re.I,
)
_RESOLVED = re.compile(
    r"(?<!not )(?<!n't )\b(?:solved|resolved|fixed|figured\s+(?:it\s+)?out|sorted\s+(?:it\s+)?out"
    r"|helped\s+(?:me|us)|unblocked|got\s+(?:past|around)|no\s+longer|patched|got\s+it\s+working"
    r"|(?:it's|is|now)\s+(?:sorted|fixed|working|resolved)"
    r"|(?:is|are)\s+now\s+(?:agreed|approved|decided|in\s+place|done|confirmed))\b"
    r"|\b(?:was|were|got|had\s+been|struggled)\s+(?:\w+\s+){0,2}?(?:stuck|blocked|with)\b.*"
    r"\b(?:but|until|then|eventually|finally)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:no|zero|without|not\s+any|nothing)\s+(?:\w+\s+){0,2}?(?:blockers?|blocking|roadblocks?"
    r"|impediments?|obstacles?)\b|\b(?:haven't|have\s+not|didn't|did\s+not|hasn't|wasn't)\s+"
    r"(?:\w+\s+){0,2}?(?:blocked|stuck|blocking|blockers?)\b|\bnot\s+(?:really\s+)?(?:blocked|"
    r"stuck)\b|\bsmooth\s+sailing\b|\bnothing(?:'s|\s+is)?\s+(?:really\s+|currently\s+)?blocking\b"
    r"|\b(?:blocked|stuck|held\s+up)\s+(?:on|by)\s+(?:nothing|no\s*one|nobody|none)\b",
    re.I,
)
_NONE_SECTION = re.compile(
    r"^\W*(?:none|nothing|nope|nah|n/?a|null|nil|zero|0|no(?=\s*(?:[,.;!:)\-\u2013\u2014]|$))|"
    r"not\s+(?:really|blocked|stuck|at\s+the\s+moment|yet|currently|that\s+i\s+know)|"
    r"no\s+(?:blockers?|blocking|major|real|big|issues|problems|impediments|obstacles|roadblocks)"
    r"|nothing\s+(?:blocking|major|visible|so\s+far|new|to\s+report|at\s+the\s+moment)|all\s+good"
    r"|all\s+clear|didn't\s+get\s+stuck|haven't\s+been\s+(?:blocked|stuck)|smooth\s+sailing"
    r"|-+\W*$)",
    re.I,
)
_SOFTENED = re.compile(
    r"\bbut\s+(?:it\s+|that\s+|we\s+|i\s+)?(?:should|will|'ll)\s+be\s+(?:good|fine|ok|okay|"
    r"manageable|alright)|\bnot\s+a\s+(?:big\s+|real\s+)?(?:problem|issue|blocker)\b",
    re.I,
)


_CONDITION = re.compile(  # "once the question is sorted": not sorted yet
    r"\b(?:once|when|until|till|after|if)\s+(?:[\w/'&.@-]+\s+){0,5}?(?:is|are|gets?|has\s+been)"
    r"\s+\w+",
    re.I,
)


def _blocker_cue(fragment: str) -> bool:
    """True when an unlabelled fragment reports something blocking the writer."""
    if _NEGATION.search(fragment) or _RESOLVED.search(_CONDITION.sub(" ", fragment)):
        return False
    for m in [*_BLOCKER_CUE.finditer(fragment), *_IMPLIED_BLOCKER.finditer(fragment)]:
        if _CUE_DISARMED.search(fragment[max(0, m.start() - 12) : m.start()]):
            continue
        if m.group(0).lower() == "stuck" and _PLACE_STUCK.search(fragment):
            continue  # "stuck at the airport"
        return True
    return False


_NONE_LABELLED = re.compile(
    r"\bblock(?:ers?|ed)\s*[:\-\u2013\u2014]\s*(?:none|nothing|n/?a|no|-+)\b", re.I
)


def says_no_blockers(text: str) -> bool:
    """Whether the text says there are no blockers ("no blockers", "Blockers: none")."""
    return bool(_NEGATION.search(text) or _NONE_LABELLED.search(text))
