"""A risk's planned response, when the message labels one ("mitigation: a second supplier")."""

from __future__ import annotations

import re

_LABELLED = re.compile(
    r"(?:^|[,;.(\n:–—]\s*|\s-\s*)(?P<label>mitigations?|mitigated\s+by|mitigate\s+by|response"
    r"|contingency|fallback|plan\s+b|workaround)\s*(?::|=|-|–|—|\bis\b)\s*(?P<what>[^;\n]{3,400})",
    re.IGNORECASE,
)
# where the response ends: a sentence end, or a comma before another field of the message
_ENDS = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)[.!?](?=\s|$)"
    r"|,\s*(?=(?:owner|owned\s+by|review|due|by\s|target|p\s?[1-5]\b|i\s?[1-5]\b|probability"
    r"|impact|likelihood|severity|cc\b|<@))",
    re.IGNORECASE,
)


NONE_YET = frozenset({"none", "none yet", "n/a", "na", "tbd", "tbc", "unknown", "-"})


def mitigation(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The labelled response and the span it takes (label included); the response is None
    when the message says there is none yet ("mitigation: TBD"), both when no label."""
    m = _LABELLED.search(text[:4000])
    if not m:
        return None, None
    what = m.group("what")
    end = _ENDS.search(what)
    if end:
        what = what[: end.start()]
    said = " ".join(what.split()).strip(" ,:-–—")
    span = (m.start("label"), m.start("what") + len(what))
    if said.lower() in NONE_YET:
        return None, span
    return said[:1].upper() + said[1:], span
