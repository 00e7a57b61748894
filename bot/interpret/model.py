"""The intent model: which operation a message asks for, with a calibrated probability.

A `TextClassifier` (`bot.core.learned`) trained on the corpus by `python -m
bot.interpret.train` and committed as `intent_model.npz`. Each workspace's learned examples
(`learning`) adapt a copy of it, cached until the workspace learns something new.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from bot.core.learned import Prediction, TextClassifier, shared_embedder
from bot.interpret import learning

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "intent_model.npz"
KIND = "intent"
# "raid.add~decision": one operation learned as several modes (`Skill.intent_examples`), so
# a linear model can fit what a risk and a decision each read like; predictions sum them.
MODE = "~"


def operation_of(label: str) -> str:
    """The operation a label (or one of its modes) stands for."""
    return label.split(MODE, 1)[0]


def by_operation(prediction: Prediction) -> Prediction:
    """The prediction with each operation's modes summed into the operation."""
    summed: dict[str, float] = {}
    for label, p in prediction.probabilities.items():
        summed[operation_of(label)] = summed.get(operation_of(label), 0.0) + p
    best = max(summed, key=summed.__getitem__)
    return Prediction(best, summed[best], summed)


@lru_cache(maxsize=1)
def base_model(path: Path = MODEL_PATH) -> TextClassifier | None:
    """The committed model (None when it is missing: routing then needs commands)."""
    if not path.exists():
        log.warning("no intent model at %s: run `python -m bot.interpret.train`", path)
        return None
    return TextClassifier.load(path, embed=shared_embedder())


class IntentModel:
    """The base model, adapted per workspace to what its people taught."""

    def __init__(self, base: TextClassifier | None = None) -> None:
        self.adapted = learning.Adapted(KIND, lambda: base if base is not None else base_model())

    @property
    def labels(self) -> list[str]:
        base = self.adapted.base()
        return sorted({operation_of(label) for label in base.labels}) if base else []

    def predict(
        self, text: str, *, session: Session | None = None, workspace: str | None = None
    ) -> Prediction | None:
        model = self.adapted.for_workspace(session, workspace)
        return by_operation(model.predict(text)) if model is not None else None
