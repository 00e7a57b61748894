"""What kind of fact a question asks for, and whether a sentence holds one.

A question such as "how long is the PL's term?" wants a duration; its answer
almost always contains one ("The Project Leader serves a two-year term."), while
the best sentence for a near-miss question often does not. These are answer types
in the sense of question-answering research (Li & Roth's taxonomy, coarsely), read
from the question's wh-phrase, not phrases of any corpus:

* ``clock`` (what time), ``weekday``, ``date``, ``month``, ``frequency`` (how often),
  ``duration`` (how long, how soon), ``when`` (any moment or duration),
  ``money`` (how much, a rate or cost) and ``count`` (how many, a minimum or limit);
* ``asks_rule``: a yes/no or permission question ("can I ...?", "do we need ...?"),
  answered by a sentence that states a rule (``states_rule``: must, may, not, ...);
* ``asks_present``: a question about the present state ("who is the chair right
  now?", "how many members does it have currently?"), answered only by a sentence
  that states one (``states_present``) — rules and processes rarely do.
"""

from __future__ import annotations

import re

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|eighteen|twenty|thirty|forty|fifty|sixty|ninety|"
    r"hundred|a few|several|a couple of|a|an|half an?)"
)
_UNIT = (
    r"(?:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|quarters?|"
    r"(?:business|working|calendar) days?)"
)
_DURATION = re.compile(
    rf"\b{_NUMBER}\+?[\s-]+(?:\w+\s+)?{_UNIT}\b|\b(?:annual(?:ly)?|yearly|monthly|weekly|daily|"
    r"quarterly|immediately|indefinite(?:ly)?|no term|for life|permanent(?:ly)?|"
    r"years|months|weeks)\b",
    re.I,
)
_CLOCK = re.compile(
    r"\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\b\.?|\b\d{1,2}:\d\d\b|"
    r"\b(?:utc|gmt|pst|pdt|cet|cest|est|edt|noon|midnight|morning|afternoon|evening)\b",
    re.I,
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b", re.I)
_MONTH = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b",
    re.I,
)
_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{4}-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|"
    r"\b(?:first|last|second|third|fourth|final)\s+(?:day|week|monday|tuesday|wednesday|"
    r"thursday|friday)\b|\b(?:beginning|end|start|middle) of (?:the|each|every)\b",
    re.I,
)
_FREQUENCY = re.compile(
    r"\b(?:every|each|per|once|twice|annual(?:ly)?|yearly|monthly|weekly|daily|quarterly|"
    r"biweekly|fortnightly)\b",
    re.I,
)
_COUNT = re.compile(
    r"\b\d+\b|\bone\b(?!\s+(?:of|must|may|can|should|could|would|will|who|another|is|has)\b)|"
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|hundred|thousand|majority|half|third|quarter|dozen|all|none|single|"
    r"both|unanimous)\b|%|\bpercent\b",
    re.I,
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:k|m|usd|eur|gbp|dollars?|euros?|pounds?)\b|"
    r"\b(?:dollars?|euros?|pounds?|usd|eur|gbp)\b|\d\s?%|\bpercent\b",
    re.I,
)
_RULE = re.compile(
    r"\b(?:must|shall|should|may|can|cannot|could|will|would|need|needs|required?|requires|"
    r"allowed|permitted|prohibited|forbidden|not|no|never|only|unless|always|"
    r"[a-z]+n't|[a-z]+n’t)\b",
    re.I,
)

SENTENCE_TYPES: dict[str, tuple[re.Pattern[str], ...]] = {
    "clock": (_CLOCK,),
    "weekday": (_WEEKDAY,),
    "date": (_DATE, _MONTH),
    "month": (_MONTH,),
    "frequency": (_FREQUENCY, _DURATION),
    "duration": (_DURATION,),
    "when": (_DURATION, _CLOCK, _WEEKDAY, _MONTH, _DATE, _FREQUENCY),
    "money": (_MONEY, _COUNT),
    "count": (_COUNT,),
}
# Most specific first: "what time" before "when", "how much" before "how many".
_QUESTION_TYPES = (
    ("clock", r"\bwhat (?:time|hour)\b|\bwhat time ?zone\b"),
    ("weekday", r"\b(?:which|what) (?:days?|weekdays?) of the week\b|\bwhich weekday\b"),
    ("date", r"\b(?:which|what) (?:day|date) of the month\b|\bwhat (?:date|day)\b"),
    ("month", r"\b(?:which|what) month\b"),
    ("frequency", r"\bhow often\b|\bfrequency\b|\bcadence\b|\bhow frequently\b"),
    (
        "duration",
        r"\bhow (?:long|soon|fast|quickly|early|late|far (?:out|back|ahead|in advance))\b|"
        r"\bafter how long\b|\bhow much (?:time|notice|warning|advance|lead)\b|\blength\b|"
        r"\bdeadline\b|\blead time\b",
    ),
    ("money", r"\bhow much\b|\brate\b|\bcost\b|\bprice\b|\bamount\b|\bbudget\b|\bsalary\b"),
    (
        "count",
        r"\bhow many\b|\bnumber of\b|\bquorum\b|\bpercentage\b|\bminimum\b|\bmaximum\b|"
        r"\bmax\b|\bmin\b|\blimit\b",
    ),
    (
        "when",
        r"(?:^|[,:;.?!-]\s*)when\b|\bwhen(?:'s| is| are| do| does| did| should| will| can|"
        r" must)\b|\bby when\b",
    ),
)
_PRESENT = re.compile(
    r"\b(?:current(?:ly)?|now|at (?:the )?(?:moment|present)|presently|these days|today|"
    r"to date|as of|so far)\b",
    re.I,
)
_ASKS_RULE = re.compile(
    r"(?:^|[,:;.?!-]\s*)(?:can|may|must|should|do|does|is|are|am|will|would|could|shall|"
    r"need|have)\b|\b(?:allowed|required|have to|need to|ok to|okay to|fine to)\b"
)


def asked_type(question: str) -> str | None:
    """The kind of fact ``question`` asks for (a key of ``SENTENCE_TYPES``), or None."""
    text = question.lower().replace("’", "'")
    for kind, pattern in _QUESTION_TYPES:
        if re.search(pattern, text):
            return kind
    return None


def has_type(sentence: str, kind: str | None) -> bool:
    """True when ``sentence`` holds a fact of ``kind`` (always, when no kind is asked)."""
    return kind is None or any(p.search(sentence) for p in SENTENCE_TYPES[kind])


def asks_rule(question: str) -> bool:
    """A yes/no or permission question ("can I ...?", "is it fine to ...?")."""
    return bool(_ASKS_RULE.search(question.lower().replace("’", "'")))


def states_rule(sentence: str) -> bool:
    """The sentence states a rule or constraint (must, may, not, only, ...)."""
    return bool(_RULE.search(sentence))


def asks_present(question: str) -> bool:
    """A question about the present state ("who is the current chair?")."""
    return bool(_PRESENT.search(question))


def states_present(sentence: str) -> bool:
    """The sentence speaks of the present state ("currently", "as of", "now")."""
    return bool(_PRESENT.search(sentence))
