"""A small learned text classifier: multinomial logistic regression in numpy.

Features of a text: hashed word 1-2-grams, hashed character 3-5-grams (within words) and,
when an embedder answers, its sentence embedding (all-MiniLM-L6-v2 via
``knowledge.embedding``, imported lazily). Two heads are trained on the same examples, one
with the embedding and one on the lexical features alone, so a missing or failing embedder
degrades to the lexical head instead of skewing every score. Each head's probabilities are
calibrated with a temperature fitted on out-of-fold logits; ``Config.lexical_blend`` mixes
the lexical head's probabilities into the embedded head's.

Stable API::

    model = TextClassifier.train(texts, labels, embed=shared_embedder(), weights=None)
    label, probability, probabilities = model.predict("the vendor may go bust")
    model.predict_many(texts)                   # one embedding batch
    model.save(path)                            # small .npz, loaded without pickles
    model = TextClassifier.load(path, embed=shared_embedder())
    tuned = model.with_examples(["R4 is really an issue"], ["issue"], weight=5.0)
    model.uses_embeddings                       # False: the lexical head answers
    TextClassifier.train(..., marks=shape_tokens)   # with Config(mark_weight=1.0)
    model.typicality(texts)  # with Config(memory=True): per label, how like its examples

``embed`` is any function from a list of texts to an (n, d) array of L2-normalised rows.
:class:`CachedEmbed` wraps one to batch and cache per text; :func:`shared_embedder` is the
process's cached local MiniLM, or None without the model (:func:`set_shared_embedder`
replaces it; ``shared_embedder(wait=False)`` never blocks on loading, :func:`warm_up` starts
the load in the background). Modules: ``features`` (hashing, :class:`Config`),
``embeddings``, ``fitting`` (L2 logistic regression in dual form, calibration), ``model``
(:class:`TextClassifier`), ``typical`` (the examples' embeddings kept to tell how typical a
text is of each label).
"""

from typing import TYPE_CHECKING

from bot.core.learned.embeddings import (
    CachedEmbed,
    Embed,
    set_shared_embedder,
    shared_embedder,
    warm_up,
)
from bot.core.learned.features import Config, lexical_features, normalise

if TYPE_CHECKING:
    from bot.core.learned.model import Prediction, TextClassifier


def __getattr__(name: str) -> object:
    """`Prediction` and `TextClassifier` import the model, and numpy, on first use: a message
    that names its skill (`risk: …`) is routed without either."""
    if name in ("Prediction", "TextClassifier"):
        from bot.core.learned import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CachedEmbed",
    "Config",
    "Embed",
    "Prediction",
    "TextClassifier",
    "lexical_features",
    "normalise",
    "set_shared_embedder",
    "shared_embedder",
    "warm_up",
]
