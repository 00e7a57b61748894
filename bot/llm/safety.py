"""What a model wrote, made safe to show: no broadcast mentions, no links the sources
don't hold, no markup that could reach Slack; and the checks that its claims are grounded.

Escaping itself is `bot.core.text.escape`, the one helper every reply uses; this module
removes what escaping alone would let through as plain words (`@channel`, `@here`,
a URL from nowhere) and judges whether numbers and words have a source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A link as Slack would make one: `http(s)://…`, or a bare host (`intranet.example.com/acme`,
# `www.example.com`), which Slack links too. A host is dotted labels ending in letters.
URL = re.compile(
    r"\bhttps?://[^\s<>()\[\]\"']+"
    r"|(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?(?![\w-])"
    r"(?:/[^\s<>()\[\]\"']*)?",
    re.I,
)
TRAILING = ".,;:!?'\""

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
NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without)\b|n['’]t\b", re.I
)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
# Text addressed to an AI assistant rather than to a reader: a document repeating it is
# reported, never followed, and no answer may rest on it.
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules)\b"
    r"|\bsystem\s+(?:prompt|instructions?|message)\b"
    r"|\b(?:reveal|print|repeat|show)\b[^.!?\n]{0,30}\b(?:your|the|these)\s+(?:instructions|prompt)\b"
    r"|\b(?:you\s+are\s+now|from\s+now\s+on,?\s+you|new\s+instructions)\b"
    r"|\bif\s+you\s+are\s+an?\s+(?:ai|assistant|language\s+model|llm|chatbot)\b"
    r"|\b(?:ai|assistant|language\s+model|llm|chatbot)s?\s+(?:reading|processing|summari[sz]ing)\b",
    re.I,
)


def without_broadcasts(text: str) -> str:
    """`text` with `@channel`, `@here`, `@everyone` and Slack's `<!...>` and `<@U...>`
    markup taken out (a model never mentions anyone)."""
    return SLACK_MARKUP.sub("", BROADCAST.sub("", text))


def links(text: str) -> list[tuple[str, str, str]]:
    """Each link in `text`: as written, its host (lower case, without `www.`) and the rest
    (path, query, fragment; no trailing slash)."""
    found = []
    for raw in URL.findall(text):
        written = raw.rstrip(TRAILING)
        bare = re.sub(r"^https?://", "", written, flags=re.I)
        host, _, rest = bare.partition("/")
        host = host.rsplit("@", 1)[-1].lower().removeprefix("www.")
        found.append((written, host, f"/{rest}".rstrip("/") if rest else ""))
    return found


def foreign_urls(text: str, sources: Iterable[str]) -> list[str]:
    """The links in `text` that none of `sources` holds: each needs a source link on the same
    host whose path is its path or goes on from it (`example.com/acme` for a source's
    `https://example.com/acme/plan`, never `example.co` nor `example.com/other`)."""
    known = [(host, rest) for source in sources for _, host, rest in links(source)]
    return [
        written
        for written, host, rest in links(text)
        if not any(host == h and goes_on_from(r, rest) for h, r in known)
    ]


def goes_on_from(held: str, path: str) -> bool:
    """Whether the link path `held` is `path` or goes on from it (`/a/b`, `/a?x=1` from `/a`)."""
    return held.startswith(path) and held[len(path) : len(path) + 1] in ("", "/", "?", "#")


def numbers_in(text: str) -> set[str]:
    """The numbers and dates written in `text` (`12`, `2026-11-30`, `3.5`, `14:00`)."""
    return {n.rstrip(".,:/-") for n in NUMBER.findall(text)}


def unsupported_numbers(text: str, data: str) -> set[str]:
    """Numbers or dates in `text` that `data` does not contain."""
    known = numbers_in(data)
    return {n for n in numbers_in(text) if n not in known}


def content_words(text: str) -> set[str]:
    return {w.strip("'-") for w in WORD.findall(text.lower())} - STOPWORDS


def sentences_of(text: str) -> list[str]:
    return [s for s in SENTENCE_BREAK.split(text) if s.strip()]


def negated(text: str) -> bool:
    """Whether `text` says "not", "never", "won't" or the like."""
    return bool(NEGATION.search(text))


def instructions(text: str) -> list[str]:
    """The sentences of `text` addressed to an AI assistant ("ignore previous instructions",
    "IMPORTANT SYSTEM INSTRUCTION")."""
    return [s for s in sentences_of(text) if INSTRUCTION.search(s)]


def support(sentence: str, source: str) -> float:
    """The share of the sentence's content words (with a crude stem) found in `source`; 0 if
    it negates the source sentence that holds most of them, or that sentence negates it."""
    words = content_words(sentence)
    if not words:
        return 1.0
    found = overlap(words, source)
    if found and not agrees(sentence, words, source):
        return 0.0
    return found / len(words)


def overlap(words: set[str], source: str) -> int:
    """How many of `words` `source` holds, each as it is or by its first five letters."""
    known = content_words(source)
    stems = {w[:5] for w in known}
    return sum(1 for w in words if w in known or w[:5] in stems)


def agrees(sentence: str, words: set[str], source: str) -> bool:
    """Whether `sentence` and one of the source sentences that hold most of its `words` are
    both negated or both not."""
    scored = [(overlap(words, s), s) for s in sentences_of(source)]
    best = max((n for n, _ in scored), default=0)
    return any(negated(s) == negated(sentence) for n, s in scored if n == best)
