"""Splitting command arguments typed in Slack or the console."""

from __future__ import annotations

import shlex

from bot.core.messages import UserError
from bot.core.text import escape


def split_args(text: str) -> list[str]:
    """Shell-like split honouring quotes; unbalanced quotes fall back to spaces."""
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def parse_flags(
    text: str,
    *,
    single: tuple[str, ...] = (),
    multiple: tuple[str, ...] = (),
    switches: tuple[str, ...] = (),
) -> tuple[list[str], dict[str, object]]:
    """Split `text` into positional words and `--flag value` options.

    `single` flags take one value, `multiple` flags collect values until the
    next flag, `switches` take none. Unknown flags raise `UserError`.
    """
    positional: list[str] = []
    flags: dict[str, object] = {name: [] for name in multiple}
    words = split_args(text)
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") and len(word) > 2:
            name, _, inline = word[2:].partition("=")
            name = name.replace("-", "_")
            if name in switches:
                flags[name] = True
            elif name in single:
                value = inline or (words[i + 1] if i + 1 < len(words) else "")
                if not inline:
                    i += 1
                if not value or value.startswith("--"):
                    raise UserError(f"`--{escape(name)}` needs a value.")
                flags[name] = value
            elif name in multiple:
                values = flags[name]
                assert isinstance(values, list)
                if inline:
                    values.append(inline)
                while i + 1 < len(words) and not words[i + 1].startswith("--"):
                    i += 1
                    values.append(words[i])
            else:
                known = ", ".join(f"`--{f}`" for f in (*single, *multiple, *switches)) or "none"
                raise UserError(f"I don't know the option `--{escape(name)}`. Options: {known}.")
        else:
            positional.append(word)
        i += 1
    return positional, flags
