"""What a model wrote, made safe to show: no broadcast mentions, no links the sources
don't hold, no markup that could reach Slack; and the checks that its claims are grounded.

Escaping itself is `bot.core.text.escape`, the one helper every reply uses; this module
removes what escaping alone would let through as plain words (`@channel`, `@here`,
a URL from nowhere) and judges whether numbers and words have a source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+", re.I)
BROADCAST = re.compile(r"<!(?:channel|here|everyone)[^>]*>|@(?:channel|here|everyone)\b", re.I)
SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")
NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
WORD = re.compile(r"[a-z][a-z'-]{2,}")
COMMON = """the and for are but not you all any can had her was one our out has have him his
how its may new now see two who did get let put say she too use with this that from they will
would there their what when which while were been being into than then them these those each
also only some such very more most other over under about after before again just should
could does doing done your yours here where why because both same own per via"""
STOPWORDS = frozenset(COMMON.split())


def without_broadcasts(text: str) -> str:
    """`text` with `@channel`, `@here`, `@everyone` and Slack's `<!...>` and `<@U...>`
    markup taken out (a model never mentions anyone)."""
    return SLACK_MARKUP.sub("", BROADCAST.sub("", text))


def foreign_urls(text: str, sources: Iterable[str]) -> list[str]:
    """The URLs in `text` that appear in none of `sources`."""
    known = " ".join(sources)
    return [u.rstrip(".,;:") for u in URL.findall(text) if u.rstrip(".,;:") not in known]


def numbers_in(text: str) -> set[str]:
    """The numbers and dates written in `text` (`12`, `2026-11-30`, `3.5`, `14:00`)."""
    return {n.rstrip(".,:/-") for n in NUMBER.findall(text)}


def unsupported_numbers(text: str, data: str) -> set[str]:
    """Numbers or dates in `text` that `data` does not contain."""
    known = numbers_in(data)
    return {n for n in numbers_in(text) if n not in known}


def content_words(text: str) -> set[str]:
    return {w.strip("'-") for w in WORD.findall(text.lower())} - STOPWORDS


def support(sentence: str, source: str) -> float:
    """The share of the sentence's content words (with a crude stem) found in `source`."""
    words = content_words(sentence)
    if not words:
        return 1.0
    known = content_words(source)
    stems = {w[:5] for w in known}
    return sum(1 for w in words if w in known or w[:5] in stems) / len(words)
