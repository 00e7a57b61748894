"""What a decision message says beyond the title: whether it is taken, and why."""

from __future__ import annotations

import re

from skills.raid.scoring import RaidStatus

_PENDING = re.compile(
    r"\b(?:propos(?:e|ed|al|ing)|to (?:be )?decided?|tbd|tbc|pending|awaiting|options?|"
    r"need(?:s|ed)? (?:a |to )?decid\w*|need(?:s|ed)? a decision|decision needed|should we|"
    r"recommend(?:s|ed|ation)?|for approval|to approve|up for)\b|\?\s*$",
    re.IGNORECASE,
)
_RATIONALE = re.compile(
    r"(?:\b(?:rationale|reason(?:ing)?|why|justification)\s*[:=\-–—]\s*"
    r"|\b(?:because(?: of)?|since|due to|so that|so we|to avoid|given (?:that )?|as it|as they"
    r"|as we|mainly for|for the sake of|on the grounds (?:that|of)|in order to)\s+)"
    r"(?P<why>[^.;!?\n]{3,300})",
    re.IGNORECASE,
)


def decision_status(text: str) -> str:
    """``decided`` unless the message reads as a proposal still open."""
    pending = _PENDING.search(text[:2000])
    return (RaidStatus.PROPOSED if pending else RaidStatus.DECIDED).value


def rationale(text: str) -> str | None:
    """Why the decision was taken, when the message says ("rationale: ...", "because ...")."""
    m = _RATIONALE.search(text[:4000])
    if not m:
        return None
    why = " ".join(m.group("why").split()).strip(" ,:-–—")
    return why[:1].upper() + why[1:] if why else None
