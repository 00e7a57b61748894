"""Every document is read under one budget: parsed and chunked in a bounded child (a small
text file here), then refused past a number of characters, passages or sentences, each
with a reply that says to split it."""

from __future__ import annotations

from dataclasses import astuple

import pytest

from knowledge import untrusted
from knowledge.chunking import chunk_document
from knowledge.documents import OverBudget
from knowledge.loaders import IN_PROCESS_MAX_BYTES, PassageBudget, load_bytes, load_passages
from knowledge.untrusted import Budget, run_bounded

SPLIT = "split it into smaller files and upload those."
SECTION = "## Section {n}\n\n" + "The release train leaves on Tuesday. " * 20 + "\n\n"


@pytest.fixture(scope="module", autouse=True)
def warm_fork_server() -> None:
    run_bounded(len, b"")


def sections(count: int) -> bytes:
    return ("# Handbook\n\n" + "".join(SECTION.format(n=n) for n in range(count))).encode()


@pytest.mark.parametrize("count", [3, 400], ids=["read here", "read in the child"])
def test_passages_are_the_chunks_of_the_loaded_document(count: int) -> None:
    data = sections(count)
    assert (len(data) > IN_PROCESS_MAX_BYTES) == (count == 400)
    document, chunks = load_passages(data, "handbook.md")
    assert document == load_bytes(data, "handbook.md")
    assert [astuple(c) for c in chunks] == [astuple(c) for c in chunk_document(document)]
    assert len(chunks) == count


@pytest.mark.parametrize(
    ("budget", "detail"),
    [
        (
            PassageBudget(characters=250_000),
            "holds 0.3 million characters of text, more than the 0.25 million",
        ),
        (PassageBudget(passages=399), "makes 400 passages, more than the 399"),
        (PassageBudget(sentences=7_999), "has 8,000 sentences, more than the 7,999"),
    ],
    ids=["characters", "passages", "sentences"],
)
def test_a_document_over_the_budget_is_refused_with_what_to_do(
    budget: PassageBudget, detail: str
) -> None:
    with pytest.raises(OverBudget) as refused:
        load_passages(sections(400), "handbook.md", budget=budget)
    assert refused.value.user_message == (
        f"handbook.md {detail} I index from one document; {SPLIT}"
    )


def test_the_default_budget_refuses_megabytes_of_one_word() -> None:
    """The issue's 19.5 MB file, and one under the characters budget with too many passages
    (7 min and 1.1 GB, then still running, before)."""
    with pytest.raises(OverBudget, match="holds 19.5 million characters of text"):
        load_passages(b"# Big\n\n" + b"word " * 3_900_000, "big.md")
    with pytest.raises(OverBudget, match="makes 8,000 passages, more than the 5,000"):
        load_passages(b"# Big\n\n" + b"word " * 1_200_000, "big.md")


def test_a_large_text_file_is_parsed_under_the_child_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Markdown and text, like PDF, Word and HTML: past a small size, in the bounded child."""
    monkeypatch.setattr(untrusted, "BUDGET", Budget(memory_mb=20, cpu_seconds=30))
    lines = b"# Notes\n\n" + b"word\n" * 1_000_000
    with pytest.raises(OverBudget) as refused:
        load_bytes(lines, "notes.md")
    assert refused.value.user_message == (
        f"notes.md needs more than the 20 MB of memory I allow for reading one file; {SPLIT}"
    )
    assert load_bytes(sections(3), "small.md").title == "Handbook"  # read here
