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
    r"doesn't\s+work|isn't\s+working|keeps?\s+(?:failing|breaking|crashing)|(?:too\s+many|lots\s+"
    r"of|a\s+lot\s+of)\s+errors|not\s+respond\w*|unresponsive|(?:have|has)\s*(?:not|n't)\s+"
    r"(?:responded|replied|heard\s+back)|no\s+response|held\s+up|holding\s+(?:me|us)\s+up|"
    r"bottleneck)",
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
    r"|(?:it's|is|now)\s+(?:sorted|fixed|working|resolved))\b"
    r"|\b(?:was|were|got|had\s+been|struggled)\s+(?:\w+\s+){0,2}?(?:stuck|blocked|with)\b.*"
    r"\b(?:but|until|then|eventually|finally)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:no|zero|without|not\s+any|nothing)\s+(?:\w+\s+){0,2}?(?:blockers?|blocking|roadblocks?"
    r"|impediments?|obstacles?)\b|\b(?:haven't|have\s+not|didn't|did\s+not|hasn't|wasn't)\s+"
    r"(?:\w+\s+){0,2}?(?:blocked|stuck|blocking|blockers?)\b|\bnot\s+(?:really\s+)?(?:blocked|"
    r"stuck)\b|\bsmooth\s+sailing\b|\bnothing\s+blocking\b",
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


def _blocker_cue(fragment: str) -> bool:
    """True when an unlabelled fragment reports something blocking the writer."""
    if _NEGATION.search(fragment) or _RESOLVED.search(fragment):
        return False
    for m in _BLOCKER_CUE.finditer(fragment):
        if _CUE_DISARMED.search(fragment[max(0, m.start() - 12) : m.start()]):
            continue
        if m.group(0).lower() == "stuck" and _PLACE_STUCK.search(fragment):
            continue  # "stuck at the airport"
        return True
    return False
