from __future__ import annotations

import hashlib

from knowledge.chunking import (
    chunk_blocks,
    chunk_document,
    chunk_id,
    chunk_text,
    content_hash,
    split_sentences,
)
from knowledge.documents import Block
from knowledge.loaders import load_bytes

HANDBOOK = """# Release handbook

How we ship software.

## Releases

We release from the main branch.

### Minor releases

Minor releases add features. They never break the public API.

### Patch releases

Patch releases only fix bugs.

## Support

Ask in the #help channel.
"""


def test_chunks_carry_title_heading_path_and_order() -> None:
    doc = load_bytes(HANDBOOK.encode(), "handbook.md")
    chunks = chunk_document(doc, max_words=12, min_words=1)
    assert [c.heading for c in chunks] == [
        "",
        "Releases",
        "Releases > Minor releases",
        "Releases > Patch releases",
        "Support",
    ]
    assert [c.order for c in chunks] == list(range(len(chunks)))
    assert {c.title for c in chunks} == {"Release handbook"}
    minor = chunks[2]
    assert minor.text == "Minor releases add features. They never break the public API."
    assert minor.index_text().splitlines()[:2] == ["Release handbook", "Releases > Minor releases"]
    assert minor.metadata() == {
        "title": "Release handbook",
        "heading": "Releases > Minor releases",
        "order": 2,
    }


def test_small_sections_merge_and_keep_their_headings_in_the_text() -> None:
    doc = load_bytes(HANDBOOK.encode(), "handbook.md")
    chunks = chunk_document(doc, max_words=200, min_words=40)
    assert len(chunks) == 1
    assert chunks[0].heading == ""
    assert "Minor releases\n\nMinor releases add features." in chunks[0].text
    assert "Support\n\nAsk in the #help channel." in chunks[0].text


def test_long_paragraph_splits_at_sentences_into_balanced_chunks() -> None:
    sentences = [f"Sentence number {i} talks about risk {i} in the plan." for i in range(60)]
    chunks = chunk_text(" ".join(sentences), title="Plan", max_words=100)
    sizes = [c.word_count for c in chunks]
    assert all(size <= 100 for size in sizes)
    assert max(sizes) - min(sizes) <= 20  # no tiny tail chunk
    assert all(c.text.endswith(".") for c in chunks)
    assert " ".join(c.text for c in chunks) == " ".join(sentences)


def test_tiny_paragraphs_are_merged() -> None:
    blocks = [Block(f"Point {i} is short.") for i in range(10)]
    chunks = chunk_blocks(blocks, title="Notes", max_words=200)
    assert len(chunks) == 1
    assert chunks[0].text.count("\n\n") == 9


def test_a_sentence_longer_than_a_chunk_is_cut_by_words() -> None:
    chunks = chunk_text(" ".join(["word"] * 250), max_words=100)
    assert [c.word_count for c in chunks] == [100, 100, 50]


def test_sentence_splitter_respects_abbreviations_and_lists() -> None:
    text = "Use tools, e.g. Jira for tracking. Dr. Smith approves. Done!\n- item one\n- item two"
    assert split_sentences(text) == [
        "Use tools, e.g. Jira for tracking.",
        "Dr. Smith approves.",
        "Done!",
        "- item one",
        "- item two",
    ]


def test_wrapped_lines_are_joined_before_splitting() -> None:
    assert split_sentences("A sentence that is\nwrapped over lines. Next one.") == [
        "A sentence that is wrapped over lines.",
        "Next one.",
    ]


def test_index_text_does_not_repeat_a_title_the_body_starts_with() -> None:
    [chunk] = chunk_text("Vitamin D and bones. Vitamin D helps.", title="Vitamin D and bones")
    assert chunk.index_text() == chunk.text


def test_content_hash_and_chunk_id() -> None:
    assert content_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert content_hash(b"abc") == content_hash("abc")
    assert content_hash("abc") != content_hash("abd")
    assert chunk_id(42, 3) == "42:3"


def test_page_numbers_follow_pdf_blocks() -> None:
    blocks = [Block("Scope", level=1, page=1), Block("Text on one.", page=1), Block("Two.", page=2)]
    chunks = chunk_blocks(blocks, max_words=3, min_words=1)
    assert [(c.page, c.heading) for c in chunks] == [(1, "Scope"), (2, "Scope")]
