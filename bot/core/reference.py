"""The command reference in the README, generated from the operations' declarations.

`python -m bot.core.reference` prints it; `--write` puts it into README.md between the
`<!-- commands:start -->` and `<!-- commands:end -->` markers. A test checks that the README
says what the declarations say.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.core.skills import SkillRegistry

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def commands_markdown(registry: SkillRegistry) -> str:
    """One table row per operation: the command, what it does and who may run it."""
    lines = ["| Command | What it does | Who |", "|---|---|---|"]
    for skill in registry.skills:
        for op in skill.operations:
            if op.hidden:
                continue
            usage = op.usage.replace("|", "\\|")
            lines.append(f"| `{usage}` | {op.summary} | {op.access.value} |")
    return "\n".join(lines)


def readme_block(text: str) -> str:
    """What the README holds between the markers."""
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip()


def main(argv: list[str]) -> int:
    from skills import registry

    table = commands_markdown(registry())
    if "--write" not in argv:
        print(table)
        return 0
    text = README.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    README.write_text(f"{text[:start]}\n{table}\n{text[end:]}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
