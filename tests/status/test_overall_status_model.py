"""The learned readers of status updates (skills.status.parsing.learned) and their training."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.learned import TextClassifier
from skills.status import train
from skills.status.parsing import learned, parse_status_update

UNKNOWN_TO_THE_RULES = [  # statuses in words the rules have no pattern for
    ("we are a fortnight behind and need to replan", {"amber", "red"}),
    ("looking good for launch day", {"green"}),
]


@pytest.fixture
def committed_model() -> Iterator[TextClassifier]:
    """The committed model, put back after a test swaps it."""
    model = learned.OVERALL_STATUS.model()
    if model is None:
        pytest.fail("no overall_status_model.npz: run `python -m skills.status.train`")
    yield model
    learned.OVERALL_STATUS.use(model)


@pytest.mark.parametrize(("text", "rags"), UNKNOWN_TO_THE_RULES)
def test_a_status_in_words_no_rule_knows_is_read_by_the_model(
    committed_model: TextClassifier, text: str, rags: set[str]
) -> None:
    assert parse_status_update(text).rag in rags
    learned.OVERALL_STATUS.use(None)  # the rules alone do not know these words
    assert parse_status_update(text).rag is None


@pytest.mark.parametrize(
    "text",
    [
        "Fixed the login bug, next the search page. Waiting on legal for the contract.",
        "CI is red again on main, fixing the flaky tests",
        "Portfolio: 4 green, 2 amber, 1 red",
        ":large_green_circle: login works\n:red_circle: search is broken",
        "Spent the week interviewing, two good candidates so far",
    ],
)
def test_the_model_invents_no_status(committed_model: TextClassifier, text: str) -> None:
    assert parse_status_update(text).rag is None


def test_the_lexical_head_answers_without_the_embedder(committed_model: TextClassifier) -> None:
    behind = "Overall status: we're well behind, the date will be missed"
    learned.OVERALL_STATUS.use(TextClassifier.load(learned.OVERALL_STATUS.path, embed=None))
    assert parse_status_update(behind).rag in ("amber", "red")
    assert parse_status_update("Closed five tickets and wrote the docs").rag is None
    learned.OVERALL_STATUS.use(None)
    assert parse_status_update(behind).rag is None  # the rules alone miss it


@pytest.mark.parametrize(
    ("text", "blocker"),
    [
        (
            "Drafted the survey. The printers still have not delivered the leaflets, so the "
            "mail-out sits idle.",
            "The printers still have not delivered the leaflets, so the mail-out sits idle",
        ),
        (
            "Wrote the grant report; the lab laptop died and IT has no spare until March",
            "The lab laptop died and IT has no spare until March",
        ),
    ],
)
def test_a_blocker_in_words_no_cue_knows_is_read_by_the_model(text: str, blocker: str) -> None:
    committed = learned.BLOCKERS.model()
    if committed is None:
        pytest.fail("no blocker_model.npz: run `python -m skills.status.train`")
    try:
        assert parse_status_update(text).blockers == [blocker]
        learned.BLOCKERS.use(None)  # the cues alone read it as work
        assert parse_status_update(text).blockers == []
    finally:
        learned.BLOCKERS.use(committed)


def test_work_is_not_read_as_a_blocker() -> None:
    draft = parse_status_update(
        "Merged the parser fix. Today I'll start the refund flow. "
        "The import took longer: the vendor files were malformed"
    )
    assert draft.blockers == []


def test_sentences_are_read_in_words() -> None:
    assert learned.status_sentences(
        "*Done:* the importer. :red_circle: export broken\nNext - docs; tests"
    ) == ["Done: the importer.", "export broken", "Next", "docs", "tests"]


def test_training_cross_fits_and_saves_a_loadable_model(
    tmp_path: Path, committed_model: TextClassifier, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = {
        "first": [
            {"text": "Shipped the importer. We're running late on exports.", "rag": "amber"},
            {"text": "Wrote the docs, the CI is green again.", "rag": None},
        ],
        "second": [
            {"text": "Finished the API, all good for the launch date.", "rag": "green"},
            {"text": "Paired on the parser; next the search page.", "rag": None},
        ],
    }
    files = []
    for name, rows in sets.items():
        files.append(tmp_path / f"{name}.jsonl")
        files[-1].write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "model.npz"
    blockers = tmp_path / "blockers.npz"
    arguments = ["--out", str(out), "--blocker-out", str(blockers), "--cross-fit", str(tmp_path)]
    assert train.main([*map(str, files), *arguments]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(report["cross_fitted"]) == {"first", "second"}
    assert 0.0 <= report["cross_fitted"]["first"]["parser_accuracy"] <= 1.0
    assert (tmp_path / "without_first.npz").exists()
    model = TextClassifier.load(out)
    assert set(model.labels) == {"green", "amber", "red", learned.NONE}
    assert set(TextClassifier.load(blockers).labels) == {learned.BLOCKER, learned.NONE}
