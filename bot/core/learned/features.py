"""Lexical features: hashed word 1-2-grams and character n-grams, and the settings."""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Config:
    """Feature and training settings, saved with the weights."""

    hash_bits: int = 20  # lexical features hash into 2**hash_bits ids (stored sparse)
    char_ngrams: tuple[int, int] = (3, 5)
    word_weight: float = 1.0  # each block is L2-normalised, then scaled by its weight
    char_weight: float = 1.0
    embed_weight: float = 1.0
    mark_weight: float = 0.0  # the block of a classifier's `marks` (see `TextClassifier`)
    memory: bool = False  # keep the examples' embeddings to tell how typical a text is
    lexical_blend: float = 0.0  # share of the lexical head in answers when both heads answer
    l2: float = 1e-3  # penalty added to the mean weighted log-loss
    iterations: int = 500
    max_chars: int = 1000  # longer texts are read at their start only
    embed_dim: int = 0  # set by training with an embedder
    total_weight: float = 0.0  # summed example weight of the training set


_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|<![a-z]+>")
_LINK = re.compile(r"<(?:https?|mailto):[^|>]*(?:\|([^>]*))?>")
_URL = re.compile(r"https?://\S+")
_TOKEN = re.compile(r"[a-z0-9@#]+(?:'[a-z]+)?")


def normalise(text: str, max_chars: int = 1000) -> str:
    """Lower-cased text with mentions, links and digits made generic."""
    text = _MENTION.sub(" @someone ", text[:max_chars])
    text = _LINK.sub(lambda m: f" {m.group(1) or 'link'} ", text)
    text = _URL.sub(" link ", text).lower().replace("\u2019", "'")
    return re.sub(r"\d", "0", text)


def _hashed(grams: list[str], bits: int, weight: float, out: dict[int, float]) -> None:
    """Add sublinear, L2-normalised, signed hashed counts of ``grams`` to ``out``."""
    counts: dict[int, float] = {}
    mask = (1 << bits) - 1
    for gram in grams:
        h = zlib.crc32(gram.encode())
        index, sign = h & mask, (1.0 if h >> 31 else -1.0)
        counts[index] = counts.get(index, 0.0) + sign
    values = {i: math.copysign(1 + math.log(abs(c)), c) for i, c in counts.items() if c}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    for index, value in values.items():
        out[index] = out.get(index, 0.0) + weight * value / norm


def lexical_features(text: str, config: Config, marks: Sequence[str] = ()) -> dict[int, float]:
    """{feature id: value} for word 1-2-grams (with a start mark), character n-grams and
    ``marks`` (tokens describing the text's shape, a block of their own)."""
    words = _TOKEN.findall(normalise(text, config.max_chars))
    grams = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in pairwise(["<s>", *words])]
    low, high = config.char_ngrams
    chars = []
    for word in dict.fromkeys(words):
        padded = f" {word} "
        for n in range(low, high + 1):
            chars += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    out: dict[int, float] = {}
    _hashed(grams, config.hash_bits, config.word_weight, out)
    _hashed(chars, config.hash_bits, config.char_weight, out)
    if marks and config.mark_weight:
        _hashed([f"m:{m}" for m in marks], config.hash_bits, config.mark_weight, out)
    return out
