"""Text files are parsed, chunked, split into sentences and stripped of markup in time
linear in them: each shape below once took one of those steps quadratic time (or worse)
in a long run of one mark, minutes for a file of a few hundred KB read in the bot itself.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from knowledge.chunking import chunk_blocks
from knowledge.documents import Block
from knowledge.markup import spans
from knowledge.sentences import split_sentences
from knowledge.text_formats import parse_markdown, parse_plain_text, parse_rst

CPU_SECONDS = 3.0
KB = 1000

PARSERS: dict[str, Callable[[str], list[Block]]] = {
    ".md": lambda text: parse_markdown(text)[0],
    ".txt": parse_plain_text,
    ".rst": parse_rst,
}

# name: (file name, text repeated, times); each is read in well under a second now
SHAPES = {
    "unclosed links": ("notes.md", "[", 200 * KB),
    "unclosed images": ("notes.md", "![", 100 * KB),
    "unclosed autolinks": ("notes.md", "<http:", 35 * KB),
    "unclosed comments": ("notes.md", "<!--", 50 * KB),
    "unclosed strong": ("notes.md", "**a", 70 * KB),
    "unclosed tags": ("notes.md", "<a", 100 * KB),
    "headings and no text": ("notes.md", "# h\n", 50 * KB),
    "plain-text headings and no text": ("notes.txt", "A\n\n", 70 * KB),
    "spaces in a heading": ("notes.md", "# a" + " " * 20_000 + "b\n", 1),
    "spaces under a table row": ("notes.md", "a|\n" + " " * 20_000 + "x\n", 1),
    "a word of dashes": ("notes.md", "-" * 5_000 + "x\n", 1),
    "wrapped lines": ("notes.txt", "w\n", 400 * KB),
    "abbreviations": ("notes.txt", "Dr. ", 200 * KB),
    "unclosed reST links": ("notes.rst", "`a <", 50 * KB),
    "unclosed reST roles": ("notes.rst", ":a:`x <", 30 * KB),
}


@contextmanager
def cpu_deadline(seconds: float) -> Iterator[None]:
    """Fail with TimeoutError once this process has used `seconds` of CPU (not wall time:
    the machine may be busy)."""

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s of CPU")

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def read_as_the_bot_does(name: str, text: str) -> int:
    """Parse, chunk, then per passage: sentences, index text and Slack spans; the passages."""
    chunks = chunk_blocks(PARSERS[Path(name).suffix](text), title="Notes")
    for chunk in chunks:
        split_sentences(chunk.text)
        chunk.index_text()
        spans(chunk.text)
    return len(chunks)


@pytest.mark.parametrize(("name", "unit", "times"), SHAPES.values(), ids=SHAPES.keys())
def test_hostile_text_is_read_in_linear_time(name: str, unit: str, times: int) -> None:
    with cpu_deadline(CPU_SECONDS):
        read_as_the_bot_does(name, unit * times)


def test_ordinary_markup_reads_as_before() -> None:
    """As before the linear patterns, but an image path with parentheses, which used to
    leave ".png)" behind, is dropped whole."""
    text = (
        "# Release policy ##\n\nSee ![diagram](img/flow(1).png) and [the guide][ref], "
        "<https://example.org/x>.\n<!-- a note -->\n\n| Step | Owner |\n| --- | :--: |\n"
        "| Freeze | **Release manager** |\n\nDr. Smith signs off. The CAB meets on Tuesday."
    )
    blocks = parse_markdown(text)[0]
    assert [(b.text, b.level) for b in blocks] == [
        ("Release policy", 1),
        (
            "See diagram and the guide, [https://example.org/x](https://example.org/x).",
            0,
        ),
        ("Step: Freeze · Owner: **Release manager**", 0),
        ("Dr. Smith signs off. The CAB meets on Tuesday.", 0),
    ]
    assert split_sentences(blocks[3].text) == [
        "Dr. Smith signs off.",
        "The CAB meets on Tuesday.",
    ]
    assert [s.kind for s in spans("**bold** and *em*, `code`, [a](http://x)")] == [
        "strong", "text", "em", "text", "code", "text", "link",
    ]  # fmt: skip
    rst = parse_rst("Title\n=====\n\nSee :ref:`the guide <guide>` and `Go <https://go.dev>`_.\n")
    assert [b.text for b in rst] == ["Title", "See the guide and [Go](https://go.dev)."]
