"""The RAID type model: which of the six types a message reads as, when it names none.

A :class:`bot.core.learned.TextClassifier` trained on ``type_examples.jsonl`` (register
entries and chat messages written for this repo) by ``python -m
skills.raid.parsing.type_training``, which writes ``type_weights.npz``. The committed weights
also learned the two labelled eval sets, read by path (``--l2 1e-5 --extra
shared/eval/raid_dev.jsonl --extra shared/eval/raid_dev2.jsonl``): figures on those sets come
from models that never saw the set scored (README). Besides word and character n-grams it
reads the message's speech-act cues (``type_cues``: "may", "agreed", "until", "X to …") as
one block of features, and the process's MiniLM embedding when the embedder is loaded
(lexical features alone otherwise: no message waits for the model to load; the bot calls
``bot.core.learned.warm_up()`` at start).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core import learned
from bot.core.learned import shared_embedder
from skills.raid.parsing.type_cues import cues
from skills.raid.scoring import RaidType

if TYPE_CHECKING:
    from bot.core.learned import Prediction, TextClassifier

WEIGHTS = Path(__file__).with_name("type_weights.npz")
EXAMPLES = Path(__file__).with_name("type_examples.jsonl")

_models: dict[int, TextClassifier] = {}
_lock = threading.Lock()
_weights = [WEIGHTS]  # the file the model is loaded from (`use_weights`)


def use_weights(path: Path) -> None:
    """Load the type model from ``path`` from now on (a benchmark measuring a retrained one)."""
    with _lock:
        _weights[0] = path
        _models.clear()


def type_classifier() -> TextClassifier:
    """The trained model, bound to the process's embedder (loaded once per embedder); while
    the embedder is still loading, the model answers from lexical features."""
    embed = shared_embedder(wait=False)
    with _lock:
        model = _models.get(id(embed))
        if model is None:
            _models.clear()
            model = _models[id(embed)] = learned.TextClassifier.load(
                _weights[0], embed=embed, marks=cues
            )
        return model


def predict_type(text: str) -> tuple[RaidType, Prediction]:
    """The likeliest type of ``text`` and the model's full prediction."""
    prediction = type_classifier().predict(text)
    return RaidType(prediction.label), prediction
