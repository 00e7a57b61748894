"""Prompts are files: one per task, `<name>.prompt`, loaded by name.

A prompt file opens with a header (`version:` and `variables:`), then a `=== system ===`
and a `=== user ===` part. Variables are written `$name` (or `${name}`); `$$` is a dollar.
Rendering checks that exactly the declared variables are given. No prompt text lives in
Python::

    version: 2
    variables: question, passages
    === system ===
    Answer only from the passages...
    === user ===
    $passages
    Question: $question
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
PART = re.compile(r"^=== (system|user) ===$", re.M)


class PromptError(Exception):
    """A prompt file is malformed, or rendered with the wrong variables."""


@dataclass(frozen=True)
class Prompt:
    """A loaded prompt: its name, version, declared variables and two templates."""

    name: str
    version: int
    variables: tuple[str, ...]
    system: Template
    user: Template

    def render(self, **values: object) -> list[tuple[str, str]]:
        """The prompt as `[("system", ...), ("user", ...)]` with `values` filled in."""
        given, declared = set(values), set(self.variables)
        if given != declared:
            missing, extra = sorted(declared - given), sorted(given - declared)
            raise PromptError(f"prompt {self.name}: missing {missing}, unexpected {extra}")
        text = {k: str(v) for k, v in values.items()}
        return [
            ("system", self.system.substitute(text)),
            ("user", self.user.substitute(text)),
        ]

    @property
    def label(self) -> str:
        """`interpret@v1`, for logs and usage records."""
        return f"{self.name}@v{self.version}"


def names() -> list[str]:
    """Every prompt shipped in this directory."""
    return sorted(p.stem for p in HERE.glob("*.prompt"))


@cache
def load(name: str) -> Prompt:
    """The prompt `name` (`prompts/<name>.prompt`); `PromptError` if missing or malformed."""
    path = HERE / f"{name}.prompt"
    if not re.fullmatch(r"[a-z_]+", name) or not path.is_file():
        raise PromptError(f"no prompt named {name!r}")
    header, *parts = PART.split(path.read_text(encoding="utf-8"))
    fields = dict(
        (k.strip(), v.strip())
        for k, _, v in (line.partition(":") for line in header.splitlines() if ":" in line)
    )
    sections = dict(zip(parts[::2], (p.strip() for p in parts[1::2]), strict=True))
    if "version" not in fields or set(sections) != {"system", "user"}:
        raise PromptError(f"prompt {name}: needs a version and system and user parts")
    variables = tuple(v.strip() for v in fields.get("variables", "").split(",") if v.strip())
    prompt = Prompt(
        name,
        int(fields["version"]),
        variables,
        Template(sections["system"]),
        Template(sections["user"]),
    )
    used = {
        m.group("named") or m.group("braced")
        for t in (prompt.system, prompt.user)
        for m in t.pattern.finditer(t.template)
        if m.group("named") or m.group("braced")
    }
    if used != set(variables):
        raise PromptError(f"prompt {name}: declares {sorted(variables)} but uses {sorted(used)}")
    return prompt
