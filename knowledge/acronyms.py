"""Acronyms and the words they stand for, so "the EC" covers "executive council".

Governance and process documents name their bodies and artefacts by acronym (TAC,
SSC, WG, PR, CoC) while questions often spell them out, or the other way round. No
list of acronyms is kept: an acronym stands for a run of consecutive words whose
initials spell it ("Working Group" → WG), small words such as "of" allowed or
skipped ("Code of Conduct" → CoC or CC).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_ACRONYM = re.compile(r"\b([A-Z][A-Za-z]{0,4}[A-Z])s?\b")
_WORD = re.compile(r"[A-Za-z]\w*")
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "on", "in", "to", "a", "an", "&"})
MAX_LETTERS = 6


def acronyms(text: str) -> set[str]:
    """The acronyms in ``text``, lower-cased, a plural "s" dropped ("PRs" -> "pr")."""
    return {a.lower() for a in _ACRONYM.findall(text) if sum(ch.isupper() for ch in a) >= 2}


def spelled_out(text: str) -> dict[str, list[str]]:
    """Initials of each run of 2-6 consecutive words -> the run's words (small words
    inside a run may count or be skipped)."""
    words = _WORD.findall(text)
    runs: dict[str, list[str]] = {}
    for start, first in enumerate(words):
        if first.lower() in _SMALL_WORDS:
            continue
        with_small, without_small, run = first[0], first[0], [first]
        for word in words[start + 1 : start + 2 * MAX_LETTERS]:
            run.append(word)
            with_small += word[0]
            if word.lower() not in _SMALL_WORDS:
                without_small += word[0]
                for initials in {with_small.lower(), without_small.lower()}:
                    if 2 <= len(initials) <= MAX_LETTERS:
                        runs.setdefault(initials, list(run))
            if len(with_small) > MAX_LETTERS and len(without_small) > MAX_LETTERS:
                break
    return runs


def _spells(text: str, acronym: str) -> bool:
    """Some run of ``text``'s words has ``acronym`` as initials (see ``spelled_out``)."""
    words = _WORD.findall(text)
    small = [w.lower() in _SMALL_WORDS for w in words]
    every = "".join(w[0] for w in words).lower()
    position = every.find(acronym)
    while position >= 0:
        if not small[position]:
            return True
        position = every.find(acronym, position + 1)
    return acronym in "".join(w[0] for w, s in zip(words, small, strict=True) if not s).lower()


def expansions(
    question: str, analyse: Callable[[str], Iterable[str]]
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """What a sentence's acronym or spelled-out run adds to its terms for ``question``.

    Returns ``(by_acronym, by_initials)``: a sentence holding acronym ``a`` also holds
    the terms of the question's words that ``by_acronym[a]`` spells out; a sentence
    whose words spell out one of the question's acronyms (a key of ``by_initials``)
    also holds that acronym's term.
    """
    by_acronym = {
        initials: frozenset(analyse(" ".join(words)))
        for initials, words in spelled_out(question).items()
    }
    by_initials = {a: frozenset(analyse(a)) for a in acronyms(question)}
    return by_acronym, by_initials


def added_terms(
    text: str,
    by_acronym: dict[str, frozenset[str]],
    by_initials: dict[str, frozenset[str]],
) -> frozenset[str]:
    """The question terms ``text`` holds through acronyms (see ``expansions``)."""
    added: set[str] = set()
    for acronym in acronyms(text) if by_acronym else ():
        added |= by_acronym.get(acronym, frozenset())
    for acronym, terms in by_initials.items():
        if _spells(text, acronym):
            added |= terms
    return frozenset(added)
