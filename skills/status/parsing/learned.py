"""The learned reader of the overall status, for updates whose words no rule knows.

A :class:`~bot.core.learned.TextClassifier` (hashed n-grams and the MiniLM sentence
embedding) reads each sentence of an update as ``green``, ``amber``, ``red`` or ``none`` (it
states no overall status). It is trained by ``python -m skills.status.train`` on the written
examples in ``skills/status/corpus/overall_status.jsonl`` and on labelled updates, and
committed as ``overall_status_model.npz``. The parser asks it only when its rules find no
stated status, and it answers only when one sentence states one with a probability of at
least :data:`RAG_CONFIDENCE`, so a status is still never guessed. Without the file (or the
embedding model) the reader answers None or reads the words alone.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core import learned
from bot.core.learned import shared_embedder
from skills.status.parsing.emoji import _ANY_MARK, _normalise

if TYPE_CHECKING:
    from bot.core.learned import TextClassifier

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "overall_status_model.npz"
NONE = "none"  # the label of a sentence that states no overall status
RAG_CONFIDENCE = 0.7
MAX_SENTENCES = 40  # a longer update is read at its start
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|\s+[\u2013\u2014-]\s+|;\s+")

_UNSET = object()
_model: object = _UNSET
_lock = threading.Lock()


def status_sentences(text: str) -> list[str]:
    """The sentences and clauses an overall status is read from, in words: emoji are left to
    the rules (mixed status circles mark items, not the whole)."""
    pieces = (p.strip() for p in _SENTENCE_END.split(_ANY_MARK.sub(" ", _normalise(text))))
    return [p for p in pieces if re.search(r"[A-Za-z]{2}", p)][:MAX_SENTENCES]


def overall_status_model() -> TextClassifier | None:
    """The committed model, loaded once (None when the file is missing)."""
    global _model
    with _lock:
        if _model is _UNSET:
            _model = None
            if MODEL_PATH.exists():
                _model = learned.TextClassifier.load(MODEL_PATH, embed=shared_embedder())
            else:
                log.warning(
                    "no overall-status model at %s: `python -m skills.status.train`", MODEL_PATH
                )
        return _model  # type: ignore[return-value]


def use_overall_status_model(model: TextClassifier | str | Path | None) -> None:
    """Read with another model or model file (benchmarks, tests); None: the rules alone."""
    global _model
    if isinstance(model, (str, Path)):
        model = learned.TextClassifier.load(model, embed=shared_embedder())
    with _lock:
        _model = model


def learned_rag(text: str) -> str | None:
    """The overall status one sentence of ``text`` confidently states, or None."""
    model = overall_status_model()
    sentences = status_sentences(text)
    if model is None or not sentences:
        return None
    stated = [p for p in model.predict_many(sentences) if p.label != NONE]
    best = max(stated, key=lambda p: p.probability, default=None)
    return best.label if best is not None and best.probability >= RAG_CONFIDENCE else None
