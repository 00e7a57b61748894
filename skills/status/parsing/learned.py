"""The learned readers of status updates, for what no rule's words say.

Each is a :class:`~bot.core.learned.TextClassifier` (hashed n-grams and the MiniLM sentence
embedding) over one sentence or fragment of an update, trained by ``python -m
skills.status.train`` on the written examples in ``skills/status/corpus/`` (and, for the
overall status, on labelled updates) and committed beside this module:

- :data:`OVERALL_STATUS` reads a sentence as ``green``, ``amber``, ``red`` or ``none`` (it
  states no overall status). The parser asks it only when its rules find no stated status,
  and it answers only when one sentence states one with a probability of at least
  :data:`RAG_CONFIDENCE`, so a status is still never guessed.
- :data:`BLOCKERS` reads a fragment as ``blocker`` or ``none``: something stopping the work,
  said in words no blocker cue knows ("the venue hasn't sent the contract back"). The parser
  asks it for fragments its rules leave as work, and takes ``blocker`` at a probability of at
  least :data:`BLOCKER_CONFIDENCE`.

Without a model file (or the embedding model) a reader answers from the rules alone, or
from the words alone.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core import learned
from bot.core.learned import shared_embedder
from skills.status.parsing.blockers import _RESOLVED
from skills.status.parsing.emoji import _ANY_MARK, _normalise
from skills.status.parsing.words import _words

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bot.core.learned import TextClassifier

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
NONE = "none"  # the label of a sentence that states nothing the reader looks for
BLOCKER = "blocker"
RAG_CONFIDENCE = 0.8
BLOCKER_CONFIDENCE = 0.7
MAX_SENTENCES = 40  # a longer update is read at its start
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|\s+[\u2013\u2014-]\s+|;\s+")


class SentenceReader:
    """One committed model file, loaded once on first use and swappable for tests."""

    _UNSET = object()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._model: object = self._UNSET
        self._lock = threading.Lock()

    def model(self) -> TextClassifier | None:
        """The committed model (None when the file is missing)."""
        with self._lock:
            if self._model is self._UNSET:
                self._model = None
                if self.path.exists():
                    self._model = learned.TextClassifier.load(self.path, embed=shared_embedder())
                else:
                    log.warning("no model at %s: `python -m skills.status.train`", self.path)
            return self._model  # type: ignore[return-value]

    def use(self, model: TextClassifier | str | Path | None) -> None:
        """Read with another model or model file (benchmarks, tests); None: the rules alone."""
        if isinstance(model, (str, Path)):
            model = learned.TextClassifier.load(model, embed=shared_embedder())
        with self._lock:
            self._model = model


OVERALL_STATUS = SentenceReader(HERE / "overall_status_model.npz")
BLOCKERS = SentenceReader(HERE / "blocker_model.npz")


def status_sentences(text: str) -> list[str]:
    """The sentences and clauses an overall status is read from, in words: emoji are left to
    the rules (mixed status circles mark items, not the whole)."""
    pieces = (p.strip() for p in _SENTENCE_END.split(_ANY_MARK.sub(" ", _normalise(text))))
    return [p for p in pieces if re.search(r"[A-Za-z]{2}", p)][:MAX_SENTENCES]


# A colour word followed by a word that can carry on a status ("green this week", "amber
# overall", "red because ...", "green-ish", "amber but ..."); any other word it qualifies
# ("green build", "red button", "the green light") makes it part of an item.
_COLOUR_THEN_WORD = re.compile(
    r"\b(?:green|amber|yellow|orange|red)\s+(?P<next>[a-z][a-z'-]*)", re.I
)
_CARRIES_STATUS = _words(
    "and or but so as if because due since though although until unless except apart again"
    " overall now still today currently status rag health across pending heading trending"
    " leaning going moving yet already atm at this for on with to from by in of"
    " green amber yellow orange red is are was were"
)


def _without_item_colours(sentence: str) -> str:
    """The sentence without colour words that describe a thing ("green build on CI")."""

    def drop(m: re.Match[str]) -> str:
        word = m.group("next").lower()
        keeps = word in _CARRIES_STATUS or word.endswith("ly")
        return m.group(0) if keeps else m.group("next")

    return _COLOUR_THEN_WORD.sub(drop, sentence)


def learned_rag(text: str) -> str | None:
    """The overall status one sentence of ``text`` confidently states, or None."""
    model = OVERALL_STATUS.model()
    sentences = status_sentences(text)
    if model is None or not sentences:
        return None
    read = [_without_item_colours(sentence) for sentence in sentences]
    stated = [
        p
        for sentence, p in zip(sentences, model.predict_many(read), strict=True)
        if p.label != NONE and not _RESOLVED.search(sentence)  # "..., which is now agreed"
    ]
    best = max(stated, key=lambda p: p.probability, default=None)
    return best.label if best is not None and best.probability >= RAG_CONFIDENCE else None


def learned_blockers(fragments: Sequence[str]) -> list[bool]:
    """For each fragment, whether it confidently reports something blocking the work."""
    model = BLOCKERS.model()
    if model is None or not fragments:
        return [False] * len(fragments)
    return [
        p.probabilities.get(BLOCKER, 0.0) >= BLOCKER_CONFIDENCE
        for p in model.predict_many(list(fragments))
    ]
