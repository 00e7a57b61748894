"""The overall status (RAG) an update states; it is never guessed."""

from __future__ import annotations

import re

from skills.status.parsing.words import _ARTICLES, _TECH_SUBJECTS

_COLOUR = {"green": "green", "amber": "amber", "yellow": "amber", "orange": "amber", "red": "red"}
_CIRCLE = {"G": "green", "A": "amber", "R": "red"}
_C = r"(?P<c>green|amber|yellow|orange|red)(?:-?ish)?(?![\w-])"  # "green-ish" is green
_M = r"\u00a7(?P<m>[GAR])\u00a7"
_STATUS_WORD = r"\b(?:status|overall|rag|health)\s*(?:is\s+|[:=\-\u2013]\s*)?"
_RAG_RULES: list[tuple[int, str | None, re.Pattern[str]]] = [
    (1, None, re.compile(rf"{_STATUS_WORD}(?:{_M}\s*)?{_C}", re.I)),
    # a colour opening the update, or one in capitals on its own: "Red - lost two devs", "RED"
    (2, None, re.compile(rf"\A\W*{_C}(?=\s*(?:[-:,.!;\u2013\u2014]|$))", re.I)),
    (2, None, re.compile(r"(?<![\w-])(?P<c>GREEN|AMBER|YELLOW|RED)(?![\w-])")),
    # "Advice Hubs is amber —", "X: amber this month", "still red", "moved green → amber"
    (
        3,
        None,
        re.compile(
            r"(?:\b(?:is|are|remains?|stays?|showing|still|now|currently|reporting|rated|turned"
            r"|went|moved\s+to)\s+|[\u2192>]\s*|:\s*)(?:\u00a7[GAR]\u00a7\s*)?"
            rf"{_C}(?=\s*(?:$|[.,;!(\u2013\u2014-]|\u00a7|this\s+(?:week|month|sprint|quarter)"
            r"|(?:again|overall|but|for\s+now|because|due|as)\b))",  # "red button": an item
            re.I | re.M,
        ),
    ),
    (
        4,
        "green",
        re.compile(
            r"\b(?:progressing|going|proceeding|running|delivering|moving)\s+(?:ahead\s+)?"
            r"(?:as\s+planned|to\s+plan|according\s+to\s+plan)\b"
            r"|(?<!not\s)(?<!n't\s)(?<!\bkeep\s)(?<!\bget\s)(?<!\bput\s)(?<!\bbring\s)"
            r"\b(?:(?:and|is|are|still|all|now|back)\s+)?on\s+track\s+(?:for|to)\b",
            re.I,
        ),
    ),
    # a check-in answer ending "... — at risk" states the whole
    (2, "amber", re.compile(r"(?:\s[-\u2013\u2014]+|[,;(])\s*at[\s-]risk\s*\)?[.!]*\s*\Z", re.I)),
    (1, None, re.compile(rf"{_STATUS_WORD}{_M}", re.I)),
    (
        3,
        None,
        re.compile(  # a line "<topic>: yellow", "<topic> - red", "comms is yellow"
            r"^[ \t]*(?:[-*\u2022][ \t]*)?(?P<s>[A-Za-z][\w&/.']*(?:[ \t]+[\w&/.']+){0,2}?)[ \t]*"
            rf"(?:[:\-\u2013\u2014]|[ \t]is)[ \t]*(?:\u00a7[GAR]\u00a7[ \t]*)?{_C}"
            r"(?=[ \t]*(?:$|[.;!(]|\u00a7))",
            re.I | re.M,
        ),
    ),
    (3, None, re.compile(rf"\b(?:remains?|we're|we\s+are|currently)\s+{_C}", re.I)),
    (
        4,
        "red",
        re.compile(
            r"\b(?:not|isn't|aren't|no\s+longer)\s+(?:really\s+|quite\s+)?on\s+track\b"
            r"|\boff[\s-]track\b|\bblocked\s+overall\b|\boverall\s+(?:we're\s+|we\s+are\s+)?blocked"
            r"\b|\bon\s+track\s*[?:]\s*(?:no|nope|not)\b",
            re.I,
        ),
    ),
    (
        4,
        "amber",
        re.compile(
            r"\b(?:we're|we\s+are|i'm|it's|it\s+is|(?:project|sprint|release|milestone|timeline|"
            r"schedule|delivery|deadline|goal|plan|launch|demo|date|target)s?\s+(?:is|are)"
            r"|things\s+are|status\s*(?:is|:)?|overall\s*:?|currently|now)\s+(?:now\s+|a\s+bit\s+"
            r"|slightly\s+"
            r"|somewhat\s+|still\s+|potentially\s+)?at[\s-]risk\b"
            r"|(?:^|[.!?;\n\u00a7]\s*)(?:[\w'/&-]+\s+){0,4}?at[\s-]risk"
            r"(?=\s*(?:[:.!,;(\u00a7-]|$)|\s+(?:because|due|since|as|for|if|unless"
            r"|of\s+(?:slipping|missing|delay)))|\bslipping\b"
            r"|\bbehind\s+schedule\b|\brunning\s+late\b|\b(?:slightly|a\s+bit|a\s+little|somewhat"
            r"|running|falling|status\s*(?:is|:)?)\s+behind\b"
            r"|\bon\s+track\s*[?:]\s*(?:mostly|partly|kind\s+of|sort\s+of|somewhat)\b",
            re.I,
        ),
    ),
    (
        4,
        "green",
        re.compile(
            r"\b(?:we're|we\s+are|i'm|i\s+am|it's|it\s+is|things\s+are|everything(?:'s|\s+is)?|all"
            r"|still|looks?|looking|seems?|remains?|is|are|status\s*:?)\s+(?:still\s+|now\s+|mostly"
            r"\s+|broadly\s+|largely\s+|back\s+|fully\s+|well\s+|firmly\s+)?on\s+(?:track|schedule)"
            r"\b|(?:^|[.!?;:\u00a7\n-][ \t]*)on\s+track\b|\bahead\s+of\s+schedule\b",
            re.I | re.M,
        ),
    ),
]
_TECH_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(_TECH_SUBJECTS))})\s+(?:is|are|was|were|went|turned|goes|stays)"
    r"\s+(?:\w+\s+)?$",
    re.I,
)
_COUNTED = re.compile(
    r"(?:\b\d+|\b(?:no|any|few|some|several|many|which|that|two|three|four|five))\s+"
    r"(?:\w+\s+){0,2}$",
    re.I,
)


def _detect_rag(norm: str) -> str | None:
    """The overall status the update states, or None: it is never guessed."""
    found: list[tuple[int, int, int, str]] = []  # (priority, start, end, rag)
    for priority, fixed, pattern in _RAG_RULES:
        for m in pattern.finditer(norm):
            groups = m.groupdict()
            risk = re.search(r"\bat[\s-]risk", m.group(0), re.I)
            if risk and _COUNTED.search(
                norm[max(0, m.start() + risk.start() - 30) : m.start() + risk.start()]
            ):
                continue  # "3 at risk", "some tickets at risk": not the overall status
            colour = m.start("c") if groups.get("c") else -1
            before = norm[max(0, colour - 40) : colour]
            if colour >= 0 and (
                _COUNTED.search(before)
                or _TECH_BEFORE.search(before)
                or re.match(r"\s*[:=]?\s*\d", norm[m.end("c") :])
            ):
                continue  # "3 projects green", "RED: 2", "the CI is RED": not the status
            subject = (groups.get("s") or "").lower().split()
            if subject and (
                subject[0] in _ARTICLES or (len(subject) == 1 and subject[0] in _TECH_SUBJECTS)
            ):
                continue  # "the button is red", "CI is green"
            if fixed:
                rag = fixed
            elif groups.get("c"):
                rag = _COLOUR[groups["c"].lower()]
            else:
                rag = _CIRCLE[groups["m"]]
            found.append((priority, m.start(), m.end(), rag))
    circles = [(m.start(), _CIRCLE[m.group(1)]) for m in re.finditer(r"\u00a7([GAR])\u00a7", norm)]
    if circles and len({rag for _, rag in circles}) == 1:  # mixed circles mark items, not the whole
        found.append((2, circles[0][0], circles[0][0] + 3, circles[0][1]))
    kept = [  # of overlapping matches the longer wins: "not on track" over "on track"
        f
        for f in found
        if not any(o[1] < f[2] and f[1] < o[2] and o[2] - o[1] > f[2] - f[1] for o in found)
    ]
    return min(kept)[3] if kept else None
