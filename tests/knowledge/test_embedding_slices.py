"""A large document's texts are embedded a slice at a time, a repeated text once, and the
vectors are the ones each text gets alone."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge import embedding
from knowledge.embedding import MiniLMEmbedder


def test_repeats_are_embedded_once_and_slices_keep_the_order(
    embedder: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "Code freeze is on 3 March.",
        "The change advisory board meets on Tuesday.",
        "Code freeze is on 3 March.",
        "Release notes go out with the build.",
    ]
    slices: list[list[str]] = []
    embed_slice = embedder._embed_slice
    monkeypatch.setattr(embedding, "ENCODE_SLICE", 2)
    monkeypatch.setattr(
        embedder, "_embed_slice", lambda part: slices.append(list(part)) or embed_slice(part)
    )
    vectors = embedder.embed(texts)
    assert slices == [texts[:2], texts[3:]]
    alone = np.vstack([embed_slice([text]) for text in texts])
    assert vectors.shape == (4, 384) and np.allclose(vectors, alone, atol=1e-6)
