from __future__ import annotations

import time
from pathlib import Path

import pytest

from knowledge.chunking import chunk_document
from knowledge.documents import (
    BinaryFile,
    CorruptDocument,
    DocumentLoadError,
    EmptyDocument,
    FileTooLarge,
    PasswordProtected,
    UnsupportedFileType,
)
from knowledge.loaders import load_bytes, load_document
from tests.knowledge.files import add_pdf_outline, encrypt_pdf, make_docx, make_pdf


def headings(document) -> list[tuple[int, str]]:
    return [(b.level, b.text) for b in document.blocks if b.is_heading]


def paragraphs(document) -> list[str]:
    return [b.text for b in document.blocks if not b.is_heading]


MARKDOWN = """---
title: Release handbook
---
# Releases

We ship every [six weeks](https://example.com/cadence).

Minor releases
--------------

```sh
# not a heading
brew release
```

## Patch releases ##
Patches ship when ready.
"""


def test_markdown_headings_code_and_front_matter() -> None:
    doc = load_bytes(MARKDOWN.encode(), "handbook.md")
    assert doc.title == "Release handbook"
    assert doc.file_type == "markdown"
    assert headings(doc) == [(1, "Releases"), (2, "Minor releases"), (2, "Patch releases")]
    assert "We ship every [six weeks](https://example.com/cadence)." in paragraphs(doc)
    assert any("# not a heading" in p for p in paragraphs(doc))


def test_markdown_title_falls_back_to_first_heading() -> None:
    doc = load_bytes(b"# Team charter\n\nWe meet weekly.\n", "charter.md")
    assert doc.title == "Team charter"


RST = """=================
DEP 4: Releases
=================

:Author: Someone

.. contents:: Table of contents

Schedule
========

Feature releases ship every eight months, see :ref:`the policy <policy>`.
As in `DEP 1`__, ``dates`` may move.

__ https://example.com/dep-0001

.. note::

   Dates are approximate.

.. this is a comment
   spanning two lines

Minor releases
--------------

Bug fixes only.
"""


def test_rst_sections_directives_and_comments() -> None:
    doc = load_bytes(RST.encode(), "dep-0004.rst")
    assert headings(doc) == [(1, "DEP 4: Releases"), (2, "Schedule"), (3, "Minor releases")]
    assert doc.title == "DEP 4: Releases"
    text = doc.text
    assert "Feature releases ship every eight months, see the policy." in text
    assert "As in DEP 1, `dates` may move." in text  # literals kept as code
    assert "example.com" not in text
    assert "Dates are approximate." in text
    assert "comment" not in text


HTML = """<html><head><title>Onboarding</title><style>p {color: red}</style></head>
<body><nav>Home | About</nav><main>
<h1>Onboarding</h1><p>Welcome to the <b>team</b>.</p>
<h2>Accounts</h2><ul><li>Request Slack access</li><li>Request VPN access</li></ul>
<table><tr><th>Owner</th><th>Due</th></tr><tr><td>Alice</td><td>Friday</td></tr></table>
<script>alert('x')</script></main><footer>Copyright</footer></body></html>"""


def test_html_headings_lists_tables_and_boilerplate() -> None:
    doc = load_bytes(HTML.encode(), "onboarding.html")
    assert doc.title == "Onboarding"
    assert headings(doc) == [(1, "Onboarding"), (2, "Accounts")]
    body = paragraphs(doc)
    assert "Welcome to the **team**." in body  # inline markup kept in one form
    assert "Request VPN access" in body
    assert "Owner: Alice · Due: Friday" in body  # a row keeps its header
    assert not any(word in doc.text for word in ("alert", "Copyright", "color", "About"))


def test_plain_text_paragraphs_and_filename_title(tmp_path: Path) -> None:
    path = tmp_path / "meeting-notes.txt"
    path.write_text("First point.\nStill first.\n\nSecond point.\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "meeting-notes"
    assert paragraphs(doc) == ["First point.\nStill first.", "Second point."]
    assert doc.source == str(path)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_text_encodings_are_decoded(encoding: str) -> None:
    doc = load_bytes("Café budget: 5 €".encode(encoding), "notes.txt")
    assert doc.text == "Café budget: 5 €"


def test_pdf_pages_title_and_bookmarks() -> None:
    data = make_pdf(
        [["Scope", "The project delivers a new billing system."], ["Risks: vendor delay."]],
        title="Project charter",
    )
    data = add_pdf_outline(data, [("Scope", 0), ("Risks", 1)])
    doc = load_bytes(data, "charter.pdf")
    assert doc.title == "Project charter"
    assert headings(doc) == [(1, "Scope"), (1, "Risks")]
    assert "billing system" in doc.text
    assert {b.page for b in doc.blocks} == {1, 2}


def test_pdf_with_empty_user_password_opens() -> None:
    data = encrypt_pdf(make_pdf([["Readable without a password."]]), user_password="")
    assert "Readable without a password." in load_bytes(data, "open.pdf").text


def test_docx_headings_and_tables() -> None:
    doc = load_bytes(make_docx(title="Release plan"), "plan.docx")
    assert doc.title == "Release plan"
    assert headings(doc) == [(1, "Releases"), (2, "Minor releases")]
    assert "Owner: Alice · Due: Friday" in paragraphs(doc)


# -- files we refuse, each with a message the user can act on ------------------


@pytest.mark.parametrize("name", ["budget.xlsx", "photo.png", "README"])
def test_unsupported_type(name: str) -> None:
    with pytest.raises(UnsupportedFileType) as caught:
        load_bytes(b"anything", name)
    assert caught.value.code == "unsupported_type"
    assert caught.value.user_message.startswith(name)
    assert ".md" in caught.value.user_message and ".pdf" in caught.value.user_message


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary\x00data" * 20,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
        bytes(range(1, 32)) * 40,
    ],
)
def test_binary_file_with_text_extension(data: bytes) -> None:
    with pytest.raises(BinaryFile) as caught:
        load_bytes(data, "notes.md")
    assert "notes.md" in caught.value.user_message


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing to read
    started = time.perf_counter()
    with pytest.raises(FileTooLarge) as caught:
        load_document(path)
    assert time.perf_counter() - started < 0.5
    assert "50.0 MB" in caught.value.user_message and "20.0 MB" in caught.value.user_message


def test_size_limit_is_configurable() -> None:
    with pytest.raises(FileTooLarge):
        load_bytes(b"x" * 2000, "notes.txt", max_bytes=1000)
    assert load_bytes(b"x" * 2000, "notes.txt", max_bytes=4000).text


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a pdf at all",
        make_pdf([["Some text here."]])[:120],
        b"%PDF-1.4\n" + b"\xff" * 300,
    ],
)
def test_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(CorruptDocument) as caught:
        load_bytes(data, "broken.pdf")
    assert "broken.pdf" in caught.value.user_message
    assert caught.value.code == "corrupt"


def test_password_protected_pdf() -> None:
    data = encrypt_pdf(make_pdf([["Secret plans."]]), user_password="hunter2")
    with pytest.raises(PasswordProtected) as caught:
        load_bytes(data, "secret.pdf")
    assert "password" in caught.value.user_message


def test_corrupt_and_protected_docx() -> None:
    with pytest.raises(CorruptDocument):
        load_bytes(b"PK\x03\x04 truncated zip", "plan.docx")
    with pytest.raises(CorruptDocument):
        load_bytes(b"plain text pretending", "plan.docx")
    with pytest.raises(PasswordProtected):
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "plan.docx")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.md"),
        (b"   \n\n\t  \n", "blank.txt"),
        (b"# Only a heading\n", "heading.md"),
        (b"<html><body><script>x()</script></body></html>", "page.html"),
    ],
)
def test_empty_documents(data: bytes, name: str) -> None:
    with pytest.raises(EmptyDocument) as caught:
        load_bytes(data, name)
    assert "no text" in caught.value.user_message


def test_pdf_without_text_suggests_ocr() -> None:
    with pytest.raises(EmptyDocument) as caught:
        load_bytes(make_pdf([[]]), "scan.pdf")
    assert "OCR" in caught.value.user_message


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentLoadError) as caught:
        load_document(tmp_path / "gone.md")
    assert "gone.md" in caught.value.user_message


# -- titles and structure kept -------------------------------------------------------


def test_pdf_title_is_the_largest_type_not_the_first_numbered_heading() -> None:
    data = make_pdf(
        [[("Apollo Project Charter", 24), ("1 Introduction", 16), "The charter sets scope."]]
    )
    data = add_pdf_outline(data, [("1 Introduction", 0)])
    doc = load_bytes(data, "charter.pdf")
    assert doc.title == "Apollo Project Charter"
    numbered_only = make_pdf([[("1 Introduction", 16), "Body text of the charter."]])
    assert load_bytes(numbered_only, "scope.pdf").title == "scope"  # the file name, not "1 ..."


def test_pdf_placeholder_metadata_title_is_ignored() -> None:
    data = make_pdf([[("Risk Policy", 20), "Risks are reviewed monthly."]], title="Untitled")
    assert load_bytes(data, "policy.pdf").title == "Risk Policy"
    word = make_pdf([["Risks are reviewed monthly."]], title="Microsoft Word - policy_v3.docx")
    assert load_bytes(word, "policy.pdf").title == "policy"


MARKDOWN_TABLE = """# Plan

| Milestone | Date |
| :-------- | ---- |
| Go-live   | 3 March 2027 |
| Data mapping signed off | |

Owner | Role
--- | ---
`pm-bot` | Posts the **weekly** summary
"""


def test_markdown_table_rows_keep_their_header() -> None:
    body = paragraphs(load_bytes(MARKDOWN_TABLE.encode(), "plan.md"))
    assert body == [
        "Milestone: Go-live · Date: 3 March 2027",
        "Milestone: Data mapping signed off",
        "Owner: `pm-bot` · Role: Posts the **weekly** summary",
    ]


def test_html_links_emphasis_and_code_kept_in_one_form() -> None:
    page = (
        "<html><body><p>Mail <i>ops@example.org</i>, read <a href='https://example.org/g'>"
        "the <b>guide</b></a> or <a href='/local'>this page</a>; run <code>make test</code>."
        "</p></body></html>"
    )
    [paragraph] = paragraphs(load_bytes(page.encode(), "page.html"))
    assert paragraph == (
        "Mail *ops@example.org*, read [the guide](https://example.org/g) or this page; "
        "run `make test`."
    )


def test_chunks_are_indexed_without_markup() -> None:
    doc = load_bytes(b"# Guide\n\nRead **the** [policy](https://x.org/p) first.\n", "g.md")
    [chunk] = chunk_document(doc)
    assert chunk.text == "Read **the** [policy](https://x.org/p) first."
    assert chunk.index_text() == "Guide\nRead the policy first."
