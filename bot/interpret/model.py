"""The intent model: which operation a message asks for, with a calibrated probability.

A `TextClassifier` (`bot.core.learned`) trained on the corpus by `python -m
bot.interpret.train` and committed as `intent_model.npz`. Each workspace's learned examples
(`learning`) adapt a copy of it, cached until the workspace learns something new.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from bot.core.learned import Prediction, TextClassifier, shared_embedder
from bot.interpret import learning

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "intent_model.npz"
LEARNED_WEIGHT = 5.0  # a workspace's own example counts as this many corpus examples
KIND = "intent"


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
        self.base = base if base is not None else base_model()
        self.adapted: dict[str, tuple[tuple[int, int], TextClassifier]] = {}
        self.lock = threading.Lock()

    @property
    def labels(self) -> list[str]:
        return self.base.labels if self.base else []

    def predict(
        self, text: str, *, session: Session | None = None, workspace: str | None = None
    ) -> Prediction | None:
        if self.base is None:
            return None
        model = self.base
        if session is not None and workspace is not None:
            model = self.for_workspace(session, workspace)
        return model.predict(text)

    def for_workspace(self, session: Session, workspace: str) -> TextClassifier:
        assert self.base is not None
        stamp = learning.fingerprint(session, workspace, KIND)
        if stamp[0] == 0:
            return self.base
        with self.lock:
            cached = self.adapted.get(workspace)
            if cached and cached[0] == stamp:
                return cached[1]
        rows = [
            r for r in learning.examples(session, workspace, KIND) if r.label in self.base.labels
        ]
        model = self.base.with_examples(
            [r.text for r in rows], [r.label for r in rows], weight=LEARNED_WEIGHT
        )
        with self.lock:
            self.adapted[workspace] = (stamp, model)
        return model
