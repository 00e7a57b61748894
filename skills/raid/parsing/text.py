"""Text helpers for the RAID parser: normalising, blanking spans, bounding match counts."""

from __future__ import annotations

import re

_TRANSLATE = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2026": "..."}
)

_SPECIAL = re.compile(r"<[!#][^<>]{0,120}>|<https?://[^<>\s]{1,500}>|\bhttps?://\S{1,500}")


def _normalise(text: str) -> str:
    text = text.translate(_TRANSLATE).replace("\r", "\n")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" ?\n[\n ]*", "\n", text)
    return text.strip()


def _blank(text: str, spans: list[tuple[int, int]], fill: str = " ") -> str:
    """Replace each span of ``text`` by ``fill`` characters, keeping offsets."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


MAX_MATCHES = 400  # per kind of phrase; pathological input keeps the first and last ones


def _head_and_tail(matches: list[re.Match[str]]) -> list[re.Match[str]]:
    if len(matches) <= MAX_MATCHES:
        return matches
    return matches[: MAX_MATCHES * 3 // 4] + matches[-MAX_MATCHES // 4 :]
