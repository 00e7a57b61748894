"""How status messages are recognised besides the intent model.

`SECTION_LABEL` is the lead of a written update ("Done: …", "Next -"). `answers_open_prompt`
knows who wrote and where: a DM from someone whose check-in prompt is open (sent, window not
ended, not answered) is their answer, whatever its words, unless it is a question or small
talk ("thanks!"); after they answered, while the check-in is open, a DM that opens with a
blocker ("blocked on …", "B: …") or says it goes on ("oh and also …") adds to their
update. A stand-up question answered in the message ("What did I do: ...") is an answer.
The interpreter asks it after commands and leads, so those win.
"""

from __future__ import annotations

import re

from sqlmodel import Session

from bot.core.messages import Message
from bot.core.text import MENTION
from skills.status.service import GOES_ON, prompted_projects

MAX_CLAIM_CHARS = 6_000  # longer texts are judged on their opening (the handler refuses them)
# `/pmo status …` and `status: …` (but not "status of apollo", which asks for a summary).
STATUS_COMMAND = r"^\s*status\b(?!\s+(?:of|for|on|about)\b)(?![^\n]*\?\s*$)"
# A line opening with a done or next label: "Done:", "next -", ":white_check_mark: did:".
SECTION_LABEL = (
    r"(?im)^\s*(?:[-*\u2022]\s*)?(?::[a-z_+-]+:\s*)?(?:done|did|yesterday|today|tomorrow|"
    r"next(?:\s+steps?|\s+week|\s+up)?|plans?|progress|completed|accomplished|last(?:\s+week)?|weekly|"
    r"this\s+week|working\s+on|wip)\s*(?:[:\uff1a]|\s[-\u2013\u2014]\s)"
)
QUESTION = re.compile(  # but "What did I do: ..." is a stand-up question answered below it
    r"\?\s*$|^\s*(?:who|when|where|which|why|how|is|are|do|does|can(?!['\u2019]t)|could|should"
    r"|would)\b"  # "can't make the call, ..." is a statement
    r"|^\s*what\b(?![^?:\n]{0,40}(?::|\?[ \t]*\n)\s*\S)",
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
# A blocker said on its own adds to an update already given, as does a message that says it
# goes on from it (`service.GOES_ON`).
BLOCKER_LEAD = re.compile(
    r"^\W*(?:(?:still\s+|now\s+|also\s+)?(?:blocked|stuck)\s+(?:on|by)\b"
    r"|(?:impediments?|b)\s*[:\uff1a])",  # "Blocker: …" is the RAID skill's label (an issue)
    re.I,
)


def answers_open_prompt(text: str, message: Message, session: Session) -> bool:
    """True for a free-text DM (not a slash command) from someone whose check-in prompt is
    open, unless it is a question or small talk; or what adds to an answer given."""
    if not message.is_dm or message.via == "command":
        return False
    body = MENTION.sub(" ", text or "").strip()[:MAX_CLAIM_CHARS]
    words = WORD.findall(re.sub(r":[a-z0-9_+-]+:", " ", body.lower()))
    if len(words) < 2 or QUESTION.search(body) or all(w in SMALL_TALK for w in words):
        return False
    if prompted_projects(session, message.user):
        return True
    adds = BLOCKER_LEAD.match(body) or GOES_ON.search(body)
    return bool(adds and prompted_projects(session, message.user, answered=True))
