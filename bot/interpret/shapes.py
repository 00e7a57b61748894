"""The shape of a message, as tokens the intent model learns from (`TextClassifier` marks).

An item key (`R4`, `APOLLO-D1`, `#9`) or a milestone's (`M2`), the field words of an item
(owner, due date, probability, title, status…) and the kinds of value said (a person, a
date, a level, quoted words, a status): "R3 owner is Jo now" and "push the due date of I2
to Friday" share `key+date=date` whatever their words. General signals, not phrases.
"""

from __future__ import annotations

import re

from bot.interpret import slots

FIELDS = {  # a field word -> the kind of value it takes
    "owner": (re.compile(r"\b(?:owner|owned|owns|assignee|assigned)\b", re.I), "person"),
    "date": (
        re.compile(r"\b(?:due|deadline|date|review|target|expected|eta)\b", re.I),
        "date",
    ),
    "level": (
        re.compile(r"\b(?:prob\w*|likelihood|chance|odds|impact|severity|[pi]\d)\b", re.I),
        "level",
    ),
    "text": (
        re.compile(r"\b(?:title|re-?name|retitle|mitigation|plan|description|strategy)\b", re.I),
        "words",
    ),
    "status": (re.compile(r"\b(?:status|state)\b", re.I), "status"),
}
OPEN_STATUS = re.compile(
    r"\b(?:in[\s-]progress|at[\s-]risk|monitor(?:ing)?|watching|on watch|underway)\b", re.I
)
WORDS_GIVEN = re.compile(r"[\"“”'‘’][^\"“”]{3,}[\"“”'‘’]|:\s*\S+.{8,}$|(?:->|→|=)\s*\S")


def marks(text: str) -> list[str]:
    """Tokens for the keys, field words and kinds of value in `text`."""
    from skills.raid.parsing import parse_levels
    from skills.raid.parsing.dates import date_phrases

    keys = ["mkey" if slots.MILESTONE_KEYS.fullmatch(k) else "key" for k in slots.item_keys(text)]
    keys += ["mkey"] * bool(slots.MILESTONE_KEYS.search(text) and "mkey" not in keys)
    plain = slots.MILESTONE_KEYS.sub(" ", slots.without_keys(text))
    values = {kind for kind, _, _ in date_phrases(plain)}
    if slots.person_in(text):
        values.add("person")
    probability, impact, _ = parse_levels(plain)
    if probability is not None or impact is not None:
        values.add("level")
    if WORDS_GIVEN.search(plain):
        values.add("words")
    if OPEN_STATUS.search(plain):
        values.add("status")
    fields = {name for name, (words, _) in FIELDS.items() if words.search(plain)}
    out = [f"field:{f}" for f in sorted(fields)] + [f"value:{v}" for v in sorted(values)]
    for key in sorted(set(keys)):
        out.append(key)
        out += [f"{key}+field:{f}" for f in sorted(fields)]
        out += [f"{key}+value:{v}" for v in sorted(values)]
        out += [f"{key}+{f}={FIELDS[f][1]}" for f in sorted(fields) if FIELDS[f][1] in values]
    return out
