"""The learned text classifier: training, calibration, files, runtime examples, degrading."""

from __future__ import annotations

import zlib
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from bot.core.learned import CachedEmbed, Config, TextClassifier

WEATHER = [
    "rain is falling all day",
    "heavy rain and wind tonight",
    "showers and drizzle expected",
    "a wet and rainy morning",
    "rain again, bring an umbrella",
    "storm clouds and rain",
    "it keeps raining",
    "downpour over the hills",
]
SUN = [
    "sunny and warm all day",
    "clear blue skies and sunshine",
    "a bright sunny afternoon",
    "hot sun, wear a hat",
    "sunshine all weekend",
    "dry and sunny spell",
    "warm sunny evening",
    "blue sky and sun",
]
CONFIG = Config(iterations=300, l2=1e-3)


def fake_embed(texts: list[str], dims: int = 16) -> np.ndarray:
    """A stand-in sentence embedding: hashed words projected to `dims` dimensions, normalised."""
    rows = np.zeros((len(texts), dims))
    for n, text in enumerate(texts):
        for word in text.lower().split():
            rows[n, zlib.crc32(word.encode()) % dims] += 1
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def trained(embed=None) -> TextClassifier:
    return TextClassifier.train(
        WEATHER + SUN, ["rain"] * 8 + ["sun"] * 8, embed=embed, config=CONFIG, folds=4
    )


def test_it_learns_and_calibrates() -> None:
    model = trained()
    label, probability, probabilities = model.predict("drizzle and rain")
    assert label == "rain" and probability == probabilities["rain"] > 0.5
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert model.predict("sunny skies").label == "sun"
    assert model.heads["lexical"].temperature != 1.0  # fitted on out-of-fold logits
    assert not model.uses_embeddings


def test_embedded_head_and_degrading_without_an_embedder() -> None:
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return fake_embed(texts)

    embed = CachedEmbed(counting)
    model = trained(embed)
    assert set(model.heads) == {"embedded", "lexical"} and model.uses_embeddings
    before = len(calls)
    model.predict_many(["rain tonight", "sunny day", "rain tonight"])
    model.predict("rain tonight")  # cached: not embedded again
    assert calls[before:] == [["rain tonight", "sunny day"]]  # one batch, each text once

    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("model gone")

    model.embed = broken
    assert model.predict("heavy rain").label == "rain"  # the lexical head answers
    assert not model.uses_embeddings


def test_an_embedder_of_another_size_is_not_used() -> None:
    model = trained(fake_embed)
    model.embed = lambda texts: np.ones((len(texts), 8)) / np.sqrt(8)
    assert model.predict("sunny spell").label == "sun" and not model.uses_embeddings


def test_save_and_load_give_the_same_predictions(tmp_path: Path) -> None:
    model = trained(fake_embed)
    path = tmp_path / "model.npz"
    model.save(path)
    again = TextClassifier.load(path, embed=fake_embed)
    texts = ["rain and wind", "bright sun", "grey"]
    for a, b in zip(model.predict_many(texts), again.predict_many(texts), strict=True):
        assert a.label == b.label and a.probability == pytest.approx(b.probability, abs=1e-5)
    lexical_only = TextClassifier.load(path)
    assert not lexical_only.uses_embeddings and lexical_only.predict("rain").label == "rain"


def test_runtime_examples_teach_a_copy() -> None:
    model = trained(fake_embed)
    text = "foggy and grey over the harbour"
    tuned = model.with_examples([text, "grey fog again"], ["rain", "rain"], weight=8.0)
    assert tuned.predict(text).probabilities["rain"] > model.predict(text).probabilities["rain"]
    assert tuned.predict(text).label == "rain"
    assert tuned.predict("clear blue skies").label == "sun"  # what it knew still holds
    with pytest.raises(ValueError, match="unknown labels"):
        model.with_examples(["snow"], ["snow"])


def test_a_long_text_costs_its_start_only() -> None:
    model = trained()
    long = "sunny " * 50_000
    assert model.predict(long).label == "sun"


def test_marks_are_a_block_of_their_own(tmp_path: Path) -> None:
    """Shape tokens the words don't show (here a cloud emoji, which no n-gram reads) are
    learned when `mark_weight` is set, and kept by save and load."""

    def clouds(text: str) -> list[str]:
        return ["cloud"] if "☁" in text else []

    texts = [f"{t} ☁" for t in WEATHER] + SUN
    config = Config(iterations=300, l2=1e-3, mark_weight=1.0)
    model = TextClassifier.train(texts, ["rain"] * 8 + ["sun"] * 8, config=config, marks=clouds)
    assert model.predict("a day ☁").probabilities["rain"] > 0.5
    assert model.predict("a day").probabilities["rain"] < 0.5
    path = tmp_path / "model.npz"
    model.save(path)
    again = TextClassifier.load(path, marks=clouds)
    assert again.predict("a day ☁").probability == pytest.approx(
        model.predict("a day ☁").probability, abs=1e-4
    )
    unmarked = TextClassifier.train(texts, ["rain"] * 8 + ["sun"] * 8, config=CONFIG, marks=clouds)
    assert unmarked.predict("a day ☁").probabilities == unmarked.predict("a day").probabilities


def test_typicality_tells_a_text_far_from_every_example(tmp_path: Path) -> None:
    embed = partial(fake_embed, dims=4096)  # no two of these words share a dimension
    config = Config(iterations=300, l2=1e-3, memory=True)
    model = TextClassifier.train(
        WEATHER + SUN, ["rain"] * 8 + ["sun"] * 8, embed=embed, config=config, folds=4
    )
    near, far = model.typicality(["rain is falling again", "quarterly invoice reconciliation"])
    assert near["rain"] > 0.5 and max(far.values()) < 0.2  # (words shared with none)
    path = tmp_path / "model.npz"
    model.save(path)
    again = TextClassifier.load(path, embed=embed)
    assert again.typicality(["rain is falling again"])[0] == pytest.approx(near)
    assert TextClassifier.load(path).typicality(["rain"]) is None  # no embedder: no memory use
    taught = model.with_examples(["quarterly invoice reconciliation"], ["sun"])
    assert taught.typicality(["quarterly invoice reconciliation"])[0]["sun"] == 1.0
    assert trained(fake_embed).typicality(["rain"]) is None  # trained without a memory
