"""The example corpus the intent model learns from (`corpus/*.jsonl`, see its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

CORPUS = Path(__file__).resolve().parent / "corpus"
NONE = "none"  # not for the bot: small talk, thanks, chatter


class Example(NamedTuple):
    text: str
    op: str


def load_corpus(folder: Path = CORPUS) -> list[Example]:
    """Every example of every file, in file order."""
    examples = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                examples.append(Example(row["text"], row["op"]))
    return examples
