"""Section names, and the labels and questions that open a section ("Done:", "Any blockers?")."""

from __future__ import annotations

import re

DONE, NEXT, BLOCKERS, OTHER = "done", "next", "blockers", "other"
THIS_WEEK, TODAY, UNLABELLED = "this_week", "today", "unlabelled"

_LABELS = {
    DONE: "done|did|completed|complete|accomplished|accomplishments|achievements|finished|"
    "yesterday|last week|last wk|last sprint|last time|last|previously|past week|worked on|shipped|"
    "progress|wins|highlights|what i did",
    NEXT: "will do|what i'll do|what i will do|what's next|next steps|next step|next up|next week|"
    "next wk|next sprint|next|up next|coming up|"
    "upcoming|carry-over|carryover|carry over|remaining|still to do|left to do|on deck|tomorrow|"
    "plans|plan|planned|todo|to do|"
    "to-do|goals|goal|focus|in progress|in flight|wip|doing|"
    "working on|priorities|coming week|today's plan|today's goals|today's focus|tomorrow's plan|"
    "this week's plan|this week's goals",
    THIS_WEEK: "this week|this wk|this sprint",
    TODAY: "today",
    BLOCKERS: "blockers|blocker|blocked|blocking|stuck on|stuck|impediments|impediment|issues|"
    "issue|obstacles|obstacle|problems|problem|roadblocks|challenges|waiting on|waiting for|"
    "need help|help needed|needs|need|asks|ask|any blockers|anything blocking",
    UNLABELLED: "status|overall status|overall|health",
    OTHER: "rag|on track|risks|risk|notes|note|fyi|eta",
}
_LABEL_SECTION = {w: s for s, v in _LABELS.items() for w in v.split("|")}
_LABEL = re.compile(
    r"\b(?P<label>"
    + "|".join(sorted(map(re.escape, _LABEL_SECTION), key=len, reverse=True))
    + r")(?P<qual>(?:[ /-]+[^\s:\u00a7.,;]{1,20}){0,3}?)"
    r"(?:\s*[:\uff1a](?=\s|$)|\s+[-\u2013\u2014](?=\s)|(?=\s*\u00a7[DNB]\u00a7)"
    r"|(?P<soft>,?\s+is\b|(?=,?\s+(?:i|we)(?:'ll|\s+will|\s+plan|\s+am going|\s+want)\b))"
    r"|(?P<ask>\s*\?))",
    re.I,
)
_RESOLVED_QUALIFIER = re.compile(r"fixed|solved|resolved|closed|removed|cleared|done", re.I)
_QUESTIONS = {
    DONE: r"what\s+(?:did|have|has)\s+(?:you|i|we|the\s+team)\s+(?:\w+\s+){0,2}?(?:do|done|"
    r"work\w*|accomplish\w*|complet\w*|finish\w*|achiev\w*|get\s+done)\b[^?\n]{0,40}\?",
    NEXT: r"what\s+(?:will|are|do)\s+(?:you|i|we)\s+(?:do|doing|work(?:ing)?\s+on|plan(?:ning)?|"
    r"going\s+to\s+do|focus(?:ing)?\s+on)\b[^?\n]{0,40}\?|what(?:'s|\s+is|\s+are)\s+"
    r"(?:coming\s+up|next|planned|the\s+plan)[^?\n]{0,40}\?|(?:plans?|goals?)\s+for\s+"
    r"(?:today|tomorrow|the\s+week|next\s+week)\s*\?",
    BLOCKERS: r"(?:is\s+|are\s+there\s+)?(?:any|anything)\s+(?:blockers?|blocking|impediments?|"
    r"obstacles?|issues|problems|in\s+your\s+way|stopping)[^?\n]{0,40}\?|what'?s\s+blocking"
    r"[^?\n]{0,40}\?|(?:are|were)\s+you\s+(?:blocked|stuck)[^?\n]{0,40}\?|did\s+(?:you|i|we)\s+"
    r"(?:get\s+stuck|face\s+any|have\s+any|run\s+into|hit\s+any)[^?\n]{0,40}\?|where\s+did\s+"
    r"(?:you|i|we)\s+get\s+stuck[^?\n]{0,30}\?",
    OTHER: r"(?:are\s+(?:you|we)\s+)?on\s+track\s*\?|how\s+(?:are|is)\s+(?:things|it|the\s+project)"
    r"\s+going\s*\?",
}
_QUESTION = re.compile("|".join(f"(?P<{s}>{q})" for s, q in _QUESTIONS.items()), re.I)
