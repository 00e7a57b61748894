"""The interpreter's example corpus parses, names real operations and covers each one."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.interpret import corpus_stats as corpus
from skills import registry

FILES = {
    "raid",
    "undo",
    "status",
    "summary",
    "kb",
    "checkin",
    "projects",
    "schedule",
    "ooo",
    "quiet",
    "help",
    "reminder",
    "admin",
    "milestone",
    "cost",
    "hub",
    "none",
}


@pytest.fixture(scope="module")
def declared() -> set[str]:
    return set(registry().operations)


@pytest.fixture(scope="module")
def examples() -> list[corpus.Example]:
    return corpus.load()


def test_one_file_per_skill_and_every_line_parses(examples) -> None:
    assert {Path(e.file).stem for e in examples} == FILES
    assert {p.stem for p in corpus.CORPUS_DIR.glob("*.jsonl")} == FILES


def test_every_example_names_a_declared_or_planned_operation(examples, declared) -> None:
    unknown = {e.op for e in examples} - declared - corpus.PLANNED - {corpus.NONE}
    assert unknown == set()


def test_each_text_operation_has_enough_examples(examples, declared) -> None:
    counts = Counter(e.op for e in examples)
    short = {
        op: counts[op] for op in corpus.text_operations(declared) if counts[op] < corpus.minimum(op)
    }
    assert short == {}
    assert counts[corpus.NONE] >= corpus.MIN_NONE


def test_the_corpus_has_no_problems(examples, declared) -> None:
    assert corpus.problems(examples, declared) == []


def test_readme_shows_the_current_counts(examples, declared) -> None:
    text = corpus.README.read_text(encoding="utf-8")
    assert corpus.readme_counts(text) == corpus.report(examples, declared), (
        "corpus/README.md is out of date: run `python -m bot.interpret.corpus_stats --write`"
    )


def test_form_and_button_operations_are_declared_and_not_planned(declared) -> None:
    assert corpus.NOT_TEXT - declared == set()
    assert not corpus.NOT_TEXT & corpus.PLANNED


def write(folder: Path, name: str, rows: list[dict | str]) -> None:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "line",
    [
        '{"text": "close R4", "op": "raid.close"',
        '{"text": "close R4"}',
        '{"text": "close R4", "op": "raid.close", "lang": "en"}',
        '{"text": 4, "op": "raid.close"}',
        '{"text": "   ", "op": "raid.close"}',
        '["close R4", "raid.close"]',
    ],
)
def test_a_bad_line_is_named_by_file_and_line(tmp_path, line) -> None:
    write(tmp_path, "raid.jsonl", [{"text": "show R4", "op": "raid.show"}, line])
    with pytest.raises(corpus.CorpusError, match=r"^raid\.jsonl:2: "):
        corpus.load(tmp_path)


def test_the_checks_find_each_kind_of_problem(tmp_path) -> None:
    write(
        tmp_path,
        "raid.jsonl",
        [
            {"text": "show R4", "op": "raid.show"},
            {"text": "close R4", "op": "raid.close"},
            {"text": "Close  r4", "op": "raid.close"},
            {"text": "open the form", "op": "raid.form"},
            {"text": "frobnicate R4", "op": "raid.frobnicate"},
            {"text": "what's on my plate?", "op": "raid.mine"},
        ],
    )
    write(
        tmp_path, "mixed.jsonl", [{"text": "help", "op": "help.show"}, {"text": "hi", "op": "none"}]
    )
    found = corpus.problems(
        corpus.load(tmp_path), {"raid.show", "raid.close", "raid.form", "raid.mine", "help.show"}
    )
    text = "\n".join(found)
    assert "raid.jsonl:2: `raid.close` is out of order" in text
    assert "raid.jsonl:3: same text as raid.jsonl:2" in text
    assert "raid.jsonl:4: `raid.form` is reached by a form or button" in text
    assert "raid.jsonl:5: unknown operation `raid.frobnicate`" in text
    assert "mixed.jsonl: mixes help, none" in text
    assert "`raid.close`: 2 of the 40 examples it needs" in text
    assert "`raid.mine`: 1 of the 40 examples it needs" in text
    assert "`none`: 1 of the 150 examples it needs" in text
    assert "NOT_TEXT names `kb.add`, which is not declared" in text
