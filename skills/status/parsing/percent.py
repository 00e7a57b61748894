"""The one overall completion percentage an update states, if it states one."""

from __future__ import annotations

import re

_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b|per\s?cent\b)", re.I)
_PCT_METRIC_BEFORE = re.compile(
    r"\b(?:coverage|accuracy|precision|recall|f1|cpu|gpu|memory|ram|disk|load|usage|utili[sz]ation"
    r"|uptime|availability|rate|conversion|retention|growth|increase[ds]?|decrease[ds]?|reduc\w*"
    r"|drop(?:ped)?|improv\w*|up|down|by|from|budget|cost|spend|spent|discount|chance|probability"
    r"|scor\w*|share|margin|battery|traffic|latency|size|only|grow\w*|gain\w*|sav\w*|boost\w*|cut"
    r"|lower\w*|rais\w*|shr\w*|pass\w*|success|failure|error|hit)\W+(?:\w+\W+){0,2}"
    r"(?:~|about\s+|around\s+)?$",
    re.I,
)
_PCT_METRIC_AFTER = re.compile(
    r"^\W{0,3}(?:faster|slower|more|less|fewer|higher|lower|bigger|smaller|sure|certain|confident"
    r"|increase|decrease|improvement|reduction|drop|growth|off|discount|chance|likely|accuracy"
    r"|(?:test\s+|code\s+|line\s+|branch\s+)?coverage|cpu|memory|load|uptime|capacity|utili"
    r"|(?:test\s+)?pass|rate|success|fail|error"
    r"|of\s+(?:the\s+)?(?:users|customers|people|traffic|requests|tests|budget|time|cases|runs))",
    re.I,
)
_PCT_OF_NON_WORK = re.compile(  # "70% of users" is a metric, "60% of the backlog" is progress
    r"^\W{0,3}of\s+(?!(?:(?:the|our|my|all)\s+)?(?:work|project|tasks?|tickets?|stories|scope"
    r"|backlog|sprint|features?|milestones?|spec|plan|migration|docs?|points|issues|items|way|it"
    r"|this|that|them|pages?|chapters?|sections?)\b)\w+",
    re.I,
)
_PCT_RANGE = re.compile(r"\d\s?%\W*(?:to|->|\u2192)\s*$")
_PCT_REMAINING_BEFORE = re.compile(
    r"\b(?:remaining|the\s+last|the\s+rest\s+of|the\s+other)\s+(?:~|about\s+)?$", re.I
)
_PCT_REMAINING_AFTER = re.compile(r"^\W{0,3}(?:left|remaining|to\s+go|outstanding)\b", re.I)
_PCT_STRONG_AFTER = re.compile(
    r"^\W{0,3}(?:done|complete|completed|finished|through|there|of\s+the\s+way|ready)\b", re.I
)
_PCT_STRONG_BEFORE = re.compile(r"(?:progress|complet\w*)\W*$", re.I)


def stated_percent(text: str) -> int | None:
    """The one overall completion percentage stated, or None (none, or ambiguous)."""
    completion: dict[int, bool] = {}  # value -> seen with a strong completion cue
    metric = False
    for m in _PERCENT.finditer(text):
        value = round(float(m.group(1)))
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 30]
        strong = bool(_PCT_STRONG_AFTER.search(after) or _PCT_STRONG_BEFORE.search(before))
        if not strong and (
            value > 100
            or _PCT_METRIC_AFTER.search(after)
            or _PCT_OF_NON_WORK.search(after)
            or _PCT_METRIC_BEFORE.search(before)
            or _PCT_RANGE.search(before)
        ):
            metric = True  # "coverage 85%", "40% to 55%", "30% faster"
            continue
        if _PCT_REMAINING_BEFORE.search(before) or _PCT_REMAINING_AFTER.search(after):
            value = 100 - value  # "the remaining 40%" states 60% done
        completion[value] = completion.get(value, False) or strong
        if len(completion) > 1:
            return None  # several different percentages: none of them is "the" figure
    if len(completion) != 1:
        return None
    value, strong = next(iter(completion.items()))
    return value if strong or not metric else None
