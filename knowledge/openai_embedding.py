"""Embeddings from an OpenAI-compatible ``/v1/embeddings`` API (``openai`` package)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from knowledge.embedding import EmbeddingError, EmbeddingUnavailable, l2_normalise


class OpenAIEmbedder(EmbeddingFunction[Documents]):
    """Embed with an OpenAI (or compatible) embeddings endpoint, in batches.

    Args:
        model: Embedding model name, e.g. ``"text-embedding-3-small"``.
        base_url: API base URL (``OPENAI_BASE_URL``); the OpenAI default when None.
        api_key: API key; ``OPENAI_API_KEY`` when None.
        batch_size: Inputs per request.
        dimensions: Requested width, for models that support shortening.
        timeout: Seconds per request.
        max_retries: Retries the client makes on transient errors.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        batch_size: int = 128,
        dimensions: int | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
    ) -> None:
        try:
            import openai
        except ImportError as exc:
            raise EmbeddingUnavailable("the openai package is not installed") from exc
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise EmbeddingUnavailable("OpenAI embeddings need OPENAI_API_KEY")
        self.model = model
        self.base_url = base_url
        self.batch_size = batch_size
        self.dimensions = dimensions
        self.model_id = f"openai/{model}" + (f"@{dimensions}" if dimensions else "")
        self._client = openai.OpenAI(
            api_key=key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; float32 rows, L2-normalised, in input order."""
        import openai

        texts = [t if t.strip() else " " for t in texts]  # the API rejects empty strings
        rows: list[np.ndarray] = []
        extra: dict[str, Any] = {"dimensions": self.dimensions} if self.dimensions else {}
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            try:
                response = self._client.embeddings.create(
                    model=self.model, input=batch, encoding_format="float", **extra
                )
            except openai.OpenAIError as exc:
                raise EmbeddingError(f"embedding request to {self.model} failed: {exc}") from exc
            data = sorted(response.data, key=lambda item: item.index)
            if len(data) != len(batch):
                raise EmbeddingError(f"asked for {len(batch)} embeddings, got {len(data)}")
            rows.append(np.asarray([item.embedding for item in data], dtype=np.float32))
        if not rows:
            return np.zeros((0, self.dimensions or 0), dtype=np.float32)
        return l2_normalise(np.concatenate(rows))

    # -- Chroma's EmbeddingFunction protocol -------------------------------

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's name
        return list(self.embed(input))

    @staticmethod
    def name() -> str:
        return "livepmo_openai"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "base_url": self.base_url, "dimensions": self.dimensions}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAIEmbedder:
        return OpenAIEmbedder(
            config["model"], base_url=config.get("base_url"), dimensions=config.get("dimensions")
        )
