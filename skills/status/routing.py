"""Does a message read like a status update? (The router asks, after the skills' patterns.)

`looks_like_status` judges the words alone: labelled sections
("Done:", "Next -", ":white_check_mark:"), or prose in which the offline parser finds work
done in the past tense together with plans, blockers or a stated status ("on track", "60%",
"no blockers"). Weaker evidence (two sections without past-tense work) counts only when the
RAID skill's own test does not want the message. Questions and RAID-style statements
("risk: …", "we're assuming …") are left alone.

`answers_open_prompt` also knows who wrote and where: a DM from someone whose check-in
prompt is open (sent, window not ended, not answered) is their answer, whatever its
words, unless it is a question or small talk ("thanks!"). The router asks it only
after every skill's patterns and text claims passed, so other skills' commands win.
"""

from __future__ import annotations

import re

from sqlmodel import Session

from bot.core.messages import Message
from bot.core.text import MENTION
from skills.raid.routing import looks_like_raid
from skills.status.parsing import parse_status_update
from skills.status.service import prompted_projects

MAX_CLAIM_CHARS = 6_000  # longer texts are judged on their opening (the handler refuses them)
# `/pmo status …` and `status: …` (but not "status of apollo", which asks for a summary).
STATUS_COMMAND = r"^\s*status\b(?!\s+(?:of|for|on|about)\b)(?![^\n]*\?\s*$)"
# A line opening with a done or next label: "Done:", "next -", ":white_check_mark: did:".
SECTION_LABEL = (
    r"(?im)^\s*(?:[-*\u2022]\s*)?(?::[a-z_+-]+:\s*)?(?:done|did|yesterday|today|tomorrow|"
    r"next(?:\s+steps?|\s+week|\s+up)?|plans?|progress|completed|accomplished|last(?:\s+week)?|weekly|"
    r"this\s+week|working\s+on|wip)\s*(?:[:\uff1a]|\s[-\u2013\u2014]\s)"
)
# A line giving a topic's colour: "bug triage - yellow", "Docs status: :red_circle: red".
RAG_LINE = (
    r"(?im)^\s*(?!(?:raid|risks?|issues?|assumptions?|dependenc(?:y|ies)|deps?)\b)"
    r"[\w&/'-]+(?:\s+[\w&/'-]+){0,4}\s*(?:[:\u2013\u2014]|\s-)\s*(?::[a-z_]+:\s*)?"
    r"(?:green|yellow|amber|red)\b"
)
# How RAID entries open ("risk: …", "there's a risk that …", "we're assuming …"): not updates.
RAID_WORDING = re.compile(
    r"^\W*(?:@?\w+\s+)?(?:(?:raid\s+)?(?:add|log|new|another|adding\s+to\s+the\s+register)"
    r"\b[^.:\n]{0,20}?)?\b(?:raid|risks?|issues?|assumptions?|dependenc(?:y|ies)|deps?)\b\s*"
    r"(?:[:\-\u2013\u2014]|that|for|of)|\bthere(?:'s|\s+is)\s+a\s+risk\b|\bassum\w*|"
    r"\btaking\s+it\s+as\s+given\b|\bwe\s+depend\s+on\b|\brisk\s+that\b|"
    r"\b(?:impact|sev(?:erity)?|likelihood|probability|mitigat\w*|tracking\s+as)\b",
    re.I,
)
EMOJI_SECTIONS = re.compile(
    r":(?:white_check_mark|heavy_check_mark|soon|no_entry|no_entry_sign|construction):|"
    "[\u2705\u2714\U0001f51c\u26d4\U0001f6ab\U0001f6a7]"
)
QUESTION = re.compile(
    r"\?\s*$|^\s*(?:who|what|when|where|which|why|how|is|are|do|does|can|could|should|"
    r"would)\b",
    re.I,
)
NO_BLOCKERS = re.compile(
    r"\b(?:no|zero|without|not\s+any)\s+(?:\w+\s+)?(?:blockers?|impediments?)\b|"
    r"\bblockers?\s*[:\-]\s*(?:none|nothing|n/?a|no)\b|\bnot\s+blocked\b|\bnothing\s+blocking\b",
    re.I,
)
PAST_WORK = re.compile(  # a clause that opens with work done: "fixed …", "I wrote …", "is merged"
    r"^(?:(?:i|we|also|and|then|just|finally)\s+)*(?:\w{3,}ed|did|made|wrote|built|got|ran|took|"
    r"sent|spent|began|found|met|led|won|rewrote|rebuilt)\b|\b(?:is|are|was|were|now|all)\s+"
    r"(?:\w+\s+)?(?:done|finished|complete|completed|merged|shipped|released|landed)\b",
    re.I,
)
SMALL_TALK = frozenset(  # a DM made only of these words is not an answer
    re.findall(
        r"\w+",
        "thanks thank you thx ty ok okay k kk hi hello hey yo cheers great cool nice sure yes yep "
        "yeah sounds good bye morning afternoon evening good will do got it np noted please help "
        "the bot pmo",
    )
)
WORD = re.compile(r"[a-z0-9']+")
CLAUSE = re.compile(r"[.!?;\n]+|,|\u2192|\s\+\s")
_SECTION = re.compile(SECTION_LABEL)


def has_sections(text: str) -> bool:
    """True when the text carries stand-up labels or section emoji."""
    return bool(_SECTION.search(text) or EMOJI_SECTIONS.search(text))


def looks_like_status(text: str) -> bool:
    """True for status updates worth storing; questions and one-line statements are left."""
    body = MENTION.sub(" ", text or "").strip()[:MAX_CLAIM_CHARS]
    if len(body.split()) < 3:
        return False
    if has_sections(body):
        return True
    if QUESTION.search(body) or RAID_WORDING.search(body):
        return False
    draft = parse_status_update(body)
    parts = sum(1 for items in (draft.done, draft.next, draft.blockers) if items)
    stated = draft.rag is not None or draft.percent is not None or bool(NO_BLOCKERS.search(body))
    past = sum(1 for clause in CLAUSE.split(body) if PAST_WORK.search(clause.strip(" -*•:")))
    if past >= 2 or (past and (parts >= 2 or stated)) or (parts >= 2 and stated):
        return True  # work reported done, with plans, blockers or a stated status
    if parts >= 2 or (draft.done and stated):
        return not looks_like_raid(body)  # weaker evidence: RAID's own test decides
    return False


def answers_open_prompt(text: str, message: Message, session: Session) -> bool:
    """True for a free-text DM (not a slash command) from someone whose check-in prompt is
    open, unless it is a question or small talk."""
    if not message.is_dm or message.via == "command":
        return False
    body = MENTION.sub(" ", text or "").strip()[:MAX_CLAIM_CHARS]
    words = WORD.findall(re.sub(r":[a-z0-9_+-]+:", " ", body.lower()))
    if len(words) < 2 or QUESTION.search(body) or all(w in SMALL_TALK for w in words):
        return False
    return bool(prompted_projects(session, message.user))
