"""A short written paragraph at the top of a summary, from the summary's own facts.

The facts are the summary as the offline template writes it. A paragraph holding any
number or date the facts lack (`invented_number`), or a link (`invented_link`), is dropped
and its call recorded as failed: the summary is then shown without one, as it is offline.
"""

from __future__ import annotations

import logging

from bot.core.settings import Settings
from bot.core.text import unformat
from bot.llm.client import Completion, ModelFailure, language_model
from bot.llm.safety import URL, unsupported_numbers, without_broadcasts

log = logging.getLogger(__name__)

SKILL = "summary"
MAX_CHARACTERS = 700


def narrative(settings: Settings, *, project: str, facts: str, user: str) -> str | None:
    """Two or three sentences on `facts`, checked; None with no model or on any failure."""
    model = language_model(settings)
    if model is None:
        return None
    plain = unformat(facts)

    def checked(completion: Completion) -> str:
        text = " ".join(without_broadcasts(completion.text).split())
        if not text or len(text) > MAX_CHARACTERS:
            raise ModelFailure("malformed", "empty or too long")
        invented = unsupported_numbers(text, plain)
        if invented:
            raise ModelFailure("invented_number", f"{len(invented)} numbers not in the facts")
        if URL.search(text):
            raise ModelFailure("invented_link", "a link")
        return text

    try:
        return model.chat(
            "narrative", {"project": project, "facts": plain}, skill=SKILL, user=user, check=checked
        )
    except ModelFailure as failure:
        log.info("summary shown without a narrative (%s) project=%s", failure.reason, project)
        return None
