"""Splitting command arguments typed in Slack or the console."""

from __future__ import annotations

import shlex


def split_args(text: str) -> list[str]:
    """Shell-like split honouring quotes; unbalanced quotes fall back to spaces."""
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
