"""Offline parsing of free-text status updates into done / next / blockers.

Team members answer a check-in with free text: labelled sections ("Done: ...",
"Next - ...", "blockers: none"), emoji sections (:white_check_mark: / :soon: /
:no_entry:), stand-up questions ("What did you do yesterday?") or plain prose
("Finished the login page, tomorrow I'll start on search. No blockers.").
:func:`parse_status_update` turns any of these into a :class:`StatusDraft`. It is
rule-based, deterministic, roughly linear in the input and never raises, so it
can serve as the offline path and as the fallback of an LLM path.

How an update is read:

1. Emoji become section markers (done / next / blockers), status markers
   (coloured circles) or plain boundaries.
2. Lines are cut into chunks at section labels: a label word at a line or
   sentence boundary followed by ``:``, `` - ``, ``?`` or a section emoji. A
   header line ("Done:") carries on to the lines under it. A numbered list run into one
   line ("1. api spec 2. sdk 3. ...") is cut at each number of its 1, 2, 3 run.
3. Chunks are cut into items at sentences, ``;``, commas, arrows, ``then``, and
   at ``+``/``and`` when a new verb phrase follows. Unlabelled items are sorted by
   their leading verb and cue words (past tense -> done; "will", "next week",
   "in progress", imperatives -> next; "stuck on", "waiting on", "need feedback"
   -> blockers, unless the update has an explicit blockers section or says it
   has none). Under an explicit done / next label every fragment is an item unless it is
   only an overall status ("on track") or only names the update's period ("Week 7"):
   "status report" and "overall layout" are work.
4. The overall status (RAG) and the completion percentage are only read when
   the update states them; otherwise they stay ``None``. A colour word describing a thing
   ("green build on CI", "red button") is not a status.

Modules: ``emoji`` (step 1), ``labels`` and ``sections`` (step 2), ``items``, ``tense`` and
``blockers`` (step 3), ``rag`` and ``percent`` (step 4); ``assemble`` puts the draft together,
``draft`` holds :class:`StatusDraft` and ``words`` the word lists.
"""

from __future__ import annotations

import logging

from skills.status.parsing.assemble import _parse
from skills.status.parsing.draft import StatusDraft
from skills.status.parsing.items import MAX_ITEM_CHARS
from skills.status.parsing.labels import (
    BLOCKERS,
    DONE,
    NEXT,
    OTHER,
    THIS_WEEK,
    TODAY,
    UNLABELLED,
)

__all__ = [
    "BLOCKERS",
    "DONE",
    "MAX_INPUT_CHARS",
    "MAX_ITEM_CHARS",
    "NEXT",
    "OTHER",
    "THIS_WEEK",
    "TODAY",
    "UNLABELLED",
    "StatusDraft",
    "parse_status_update",
]

logger = logging.getLogger(__name__)

MAX_INPUT_CHARS = 100_000


def parse_status_update(text: str) -> StatusDraft:
    """Parse one free-text status update; never raises (a failure gives an empty draft)."""
    if not isinstance(text, str) or not text.strip():
        return StatusDraft()
    try:
        return _parse(text[:MAX_INPUT_CHARS])
    except Exception:  # a parser bug must never lose the user's update
        logger.exception("status parsing failed on a %d-character update", len(text))
        return StatusDraft()
