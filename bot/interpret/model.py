"""The intent model: which operation a message asks for, with a calibrated probability.

A `TextClassifier` (`bot.core.learned`) over the words, the sentence embedding and the
message's shape (`shapes.marks`), trained on the corpus by `python -m bot.interpret.train`
and committed as `intent_model.npz`. Each workspace's learned examples
(`learning`) adapt a copy of it, cached until the workspace learns something new.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.core import learned
from bot.core.learned import shared_embedder
from bot.interpret import learning, shapes

if TYPE_CHECKING:
    from bot.core.learned import Prediction, TextClassifier

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
    return learned.Prediction(best, summed[best], summed)


_model_path = [MODEL_PATH]  # the file `base_model` loads (`use_model`)


def use_model(path: Path) -> None:
    """Load the intent model from ``path`` from now on (a benchmark measuring a retrained one)."""
    _model_path[0] = path
    base_model.cache_clear()


@lru_cache(maxsize=1)
def base_model(path: Path | None = None) -> TextClassifier | None:
    """The committed model, or the one `use_model` chose (None when it is missing: routing
    then needs commands)."""
    path = path or _model_path[0]
    if not path.exists():
        log.warning("no intent model at %s: run `python -m bot.interpret.train`", path)
        return None
    return learned.TextClassifier.load(path, embed=shared_embedder(), marks=shapes.marks)


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
        if model is None:
            return None
        typical = model.typicality([text])
        prediction = model.predict(text)
        return by_operation(discounted(prediction, typical[0]) if typical else prediction)


def discounted(prediction: Prediction, typical: dict[str, float]) -> Prediction:
    """Each label's probability times its typicality (`typical.Memory`: the share of the
    label's examples no closer to their neighbours than the text is to them), then
    rescaled to sum to 1: words far from an operation's examples are not that operation.
    `none` is discounted alike, so a register line far from the chat examples of logging an
    item ("the parser crate has stalled, nobody owns it") and farther still from small talk
    is not handed to "not for me" by default. Multiplying outright, rather than only below
    a bar (0.2, 0.3, … 0.8 tried), was chosen on the development conversation set and
    `raid_dev`."""
    table = {label: p * typical.get(label, 1.0) for label, p in prediction.probabilities.items()}
    total = sum(table.values())
    if total <= 0:
        return prediction
    table = {label: p / total for label, p in table.items()}
    best = max(table, key=table.__getitem__)
    return learned.Prediction(best, table[best], table)
