"""Does a message that names no skill read like a RAID entry? (The router asks.)

A statement (not a question, not a status update) that speaks of what may go
wrong, what we wait on, assume or lack is taken as something to log.
"""

from __future__ import annotations

import re

from bot.core.text import MENTION

QUESTION = re.compile(
    r"\?\s*$|^\s*(who|what|when|where|which|why|how|is|are|do|does|can|could|should|will)\s", re.I
)
STATUS_LABELS = re.compile(
    r"^\s*(:[a-z_]+:\s*)?(done|did|yesterday|today|next|plans?|blockers?|blocked|progress|"
    r"completed|accomplished)\s*[:\-]",
    re.I | re.M,
)
CUES = re.compile(
    r"\b(may|might|could|risk\w*|unless|until|before|depends?|dependent|relies|reliant|"
    r"assum\w*|needs?|can'?t|cannot|won'?t|unable|shortfall|delay\w*|slip\w*|late|blocked|"
    r"block\w*|approv\w*|waiting|outage|fail\w*|broken|missing|lack\w*|short of|"
    r"register|chase|sign-?off|deadline|overrun\w*|budget)\b",
    re.I,
)
EXPLICIT = re.compile(r"\b(risks?|issues?|assumptions?|dependenc(y|ies)|raid)\b", re.I)
STRONG = re.compile(
    r"\b(assum\w*|taking it as given|taken as given|given that|relies on|reliant on|"
    r"depends on|dependent on|can'?t (start|proceed|continue)|blocked (by|until|on)|"
    r"waiting (on|for))\b",
    re.I,
)
DATE_HINT = re.compile(r"\b(by|due|before|until|review)\b", re.I)


def looks_like_raid(text: str) -> bool:
    """True for statements worth logging; questions and status updates are left alone."""
    body = MENTION.sub(" ", text).strip()
    if len(body.split()) < 5 or QUESTION.search(body) or STATUS_LABELS.search(body):
        return False
    if EXPLICIT.search(body) or STRONG.search(body):
        return True
    cues = len(CUES.findall(body))
    return cues >= 2 or (cues == 1 and bool(MENTION.search(text) or DATE_HINT.search(body)))
