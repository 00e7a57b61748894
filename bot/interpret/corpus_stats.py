"""The interpreter's example corpus: load it, check it, count it.

`corpus/*.jsonl` holds one `{"text": ..., "op": ...}` per line, one file per skill, each
sorted by operation; `op` is a declared operation, a planned one, or `none` (not for the
bot). Run `python -m bot.interpret.corpus_stats` to print the counts and any problem (it
exits 1 when there is one), `--write` to put the counts in `corpus/README.md`;
`tests/core/test_corpus.py` runs the same checks.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"
README = CORPUS_DIR / "README.md"
START, END = "<!-- counts:start -->", "<!-- counts:end -->"
NONE = "none"
MIN_EXAMPLES = 40
MIN_MAIN = 60
MIN_NONE = 150
MAX_TEXT = 2000

# Operations people reach most, in the most shapes: they need more examples.
MAIN = frozenset({"raid.add", "status.submit", "kb.ask", "summary.project"})

# Being built now (issue 12); remove a name once its operation is declared.
PLANNED: frozenset[str] = frozenset()

# Reached by a form, a button or a shared file, never by plain text: no examples needed.
NOT_TEXT = frozenset(
    {
        "raid.form",
        "raid.edit_form",
        "status.form",
        "status.submit_form",
        "status.edit_form",
        "status.log_blocker",
        "checkin.setup",
        "checkin.save_setup",
        "kb.feedback",
        "kb.add",
        "interpret.clarify",
        "interpret.choose",
        "interpret.propose",
        "interpret.decide",
        # Undo buttons, `raid undo KEY` and `reminder undo N`; plain text reaches them
        # through `undo.last`.
        "raid.undo",
        "reminder.undo",
        # Open a form (a modal needs a button's or a command's trigger; a message has none).
        "milestone.form",
        "milestone.edit_form",
        "hub.log",
        # The App Home's button, hidden from help.
        "hub.log_item",
        # Read the csv or xlsx shared with the message.
        "milestone.import",
        "cost.import",
    }
)


class CorpusError(ValueError):
    """A line that is not a `{"text": str, "op": str}` object."""


@dataclass(frozen=True)
class Example:
    text: str
    op: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def load(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every example, in file and line order; a `CorpusError` naming the first bad line."""
    examples = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            examples.append(parse_line(line, path.name, number))
    return examples


def parse_line(line: str, file: str, number: int) -> Example:
    where = f"{file}:{number}"
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise CorpusError(f"{where}: not JSON ({exc})") from None
    if not isinstance(row, dict) or set(row) != {"text", "op"}:
        raise CorpusError(f'{where}: expected exactly {{"text": ..., "op": ...}}')
    text, op = row["text"], row["op"]
    if not (isinstance(text, str) and isinstance(op, str)):
        raise CorpusError(f"{where}: text and op must be strings")
    if not text.strip() or len(text) > MAX_TEXT:
        raise CorpusError(f"{where}: text must be 1 to {MAX_TEXT} characters")
    return Example(text=text, op=op, file=file, line=number)


def text_operations(declared: Iterable[str]) -> set[str]:
    """The operations a person reaches by plain text: declared or planned, minus NOT_TEXT."""
    return (set(declared) | PLANNED) - NOT_TEXT


def minimum(op: str) -> int:
    return MIN_MAIN if op in MAIN else MIN_EXAMPLES


def problems(examples: list[Example], declared: Iterable[str]) -> list[str]:
    """What is wrong with the corpus, one line each (empty when it is sound)."""
    declared = set(declared)
    known = declared | PLANNED | {NONE}
    found = [f"{e.where}: unknown operation `{e.op}`" for e in examples if e.op not in known]
    found += [
        f"{e.where}: `{e.op}` is reached by a form or button" for e in examples if e.op in NOT_TEXT
    ]
    found += [f"NOT_TEXT names `{op}`, which is not declared" for op in sorted(NOT_TEXT - declared)]
    found += _file_problems(examples)
    seen: dict[str, Example] = {}
    for e in examples:
        key = " ".join(e.text.casefold().split())
        if key in seen:
            found.append(f"{e.where}: same text as {seen[key].where}")
        seen.setdefault(key, e)
    counts = Counter(e.op for e in examples)
    for op in sorted(text_operations(declared)):
        if counts[op] < minimum(op):
            found.append(f"`{op}`: {counts[op]} of the {minimum(op)} examples it needs")
    if counts[NONE] < MIN_NONE:
        found.append(f"`{NONE}`: {counts[NONE]} of the {MIN_NONE} examples it needs")
    return found


def _file_problems(examples: list[Example]) -> list[str]:
    """Each file holds one skill's operations (or only `none`), sorted by operation."""
    found = []
    by_file: dict[str, list[Example]] = {}
    for e in examples:
        by_file.setdefault(e.file, []).append(e)
    for file, rows in by_file.items():
        skills = {e.op.split(".")[0] for e in rows}
        if len(skills) > 1:
            found.append(f"{file}: mixes {', '.join(sorted(skills))}; one skill per file")
        ops = [e.op for e in rows]
        if ops != sorted(ops):
            first = next(e for prev, e in zip(rows, rows[1:], strict=False) if e.op < prev.op)
            found.append(f"{first.where}: `{first.op}` is out of order; keep the file sorted by op")
    return found


def report(examples: list[Example], declared: Iterable[str]) -> str:
    """The count per operation, with its file, and the total, for the README."""
    counts = Counter(e.op for e in examples)
    files = {e.op: e.file for e in examples}
    wanted = sorted(text_operations(declared) | {NONE} | set(counts))
    lines = [f"{'operation':<24} {'examples':>8}  file"]
    for op in wanted:
        mark = " (planned)" if op in PLANNED else ""
        lines.append(f"{op:<24} {counts[op]:>8}  {files.get(op, '-')}{mark}")
    lines.append(f"{'total':<24} {len(examples):>8}  {len({e.file for e in examples})} files")
    return "\n".join(lines)


def readme_counts(text: str) -> str:
    """The counts block of the README (without its code fence)."""
    block = text[text.index(START) + len(START) : text.index(END)].strip()
    return block.removeprefix("```").removesuffix("```").strip()


def write_readme(counts: str) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    README.write_text(f"{text[:start]}\n```\n{counts}\n```\n{text[end:]}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from skills import registry

    declared = set(registry().operations)
    try:
        examples = load()
    except CorpusError as exc:
        print(exc, file=sys.stderr)
        return 1
    counts = report(examples, declared)
    print(counts)
    if "--write" in (sys.argv[1:] if argv is None else argv):
        write_readme(counts)
    for name in sorted(PLANNED & declared):
        print(f"note: `{name}` is declared now; remove it from PLANNED", file=sys.stderr)
    found = problems(examples, declared)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
