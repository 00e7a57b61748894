"""Document structure survives into quotes and citations: headings, tables, plain-text
sections, and HTML footers that carry content."""

from __future__ import annotations

from knowledge.answer_model import AnswerModel, default_model
from knowledge.answering import extract_answer
from knowledge.chunking import Chunk, chunk_document, chunk_id
from knowledge.documents import LoadedDocument
from knowledge.loaders import load_bytes
from knowledge.records import Hit
from knowledge.sentences import heading_before, sentences_apart, split_sentences

CHARTER = """\
# Orion Project Charter

## Budget

The approved budget is EUR 500,000, covering September 2026 to June 2027.
Any spend above 10% of the budget needs approval from the steering committee.

## Milestones

| Milestone | Date | Owner |
|-----------|------|-------|
| Design sign-off | 20 Nov 2026 | Cat Lopez |
"""

RUNBOOK = """\
ORION PAYMENTS SERVICE - ON-CALL RUNBOOK

1. Paging
The on-call engineer is paged through PagerDuty. Acknowledge a page within 5 minutes.

2. Restarting the payments service
Run: kubectl rollout restart deployment/payments -n orion-prod
Wait until all pods are Ready before closing the incident. A restart takes about 4 minutes.

3. Escalation
Sev1 incidents are escalated to the engineering manager, Ivy Park, immediately.
Sev2 incidents are escalated if not resolved within 2 hours.

4. Code freeze
There is a code freeze from 18 December 2026 to 4 January 2027. Only Sev1 fixes may be \
deployed during the freeze.
"""

POLICY = """<!DOCTYPE html>
<html><head><title>Expense and Travel Policy</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/hr">HR</a></nav>
<h1>Expense and Travel Policy</h1>
<p>This policy applies to all employees and contractors working on company projects.</p>
<h2>Booking travel</h2>
<p>All flights must be booked through Egencia at least 14 days before departure.</p>
<h2>Meals</h2>
<p>Meals are reimbursed up to EUR 45 per day. Alcohol is never reimbursed.</p>
<script>var tracking = "do not index this";</script>
<footer>Owner: Finance Operations. Last reviewed March 2026.</footer>
</body></html>"""


def _composer(extra_share: float) -> AnswerModel:
    """The shipped lexical-only sentence weights, always confident (the composer's mechanics)."""
    shipped = default_model(dense=False)
    return AnswerModel(shipped.selection, {"bias": 5.0}, extra_share=extra_share)


def _hits(document: LoadedDocument, chunks: list[Chunk]) -> list[Hit]:
    return [
        Hit(
            chunk_id("doc", c.order),
            1.0,
            metadata={"document_id": "doc", **c.metadata()},
            text=c.index_text(),
        )
        for c in chunks
    ]


def _chunk_with(chunks: list[Chunk], words: str) -> Chunk:
    return next(c for c in chunks if words in c.text)


# -- 1. a heading and a table end the sentence before them -------------------------


def test_a_table_row_is_never_quoted_together_with_the_sentence_before_its_heading() -> None:
    document = load_bytes(CHARTER.encode(), "charter.md")
    chunk = _chunk_with(chunk_document(document), "Any spend above 10%")
    row = "Milestone: Design sign-off · Date: 20 Nov 2026 · Owner: Cat Lopez"
    assert row in chunk.text  # the small Budget section and the table share a chunk
    assert heading_before(chunk.text, row) == "Milestones"
    spend = "Any spend above 10% of the budget needs approval from the steering committee."
    assert sentences_apart(chunk.text)[1:] == [(spend, False), (row, True)]

    answer = extract_answer(
        "how much can we overspend without steering committee approval?",
        _hits(document, [chunk]),
        model=_composer(extra_share=0.0),  # every sentence of the chunk is quoted
    )
    quoted = [q.text for q in answer.quotes]
    assert row in quoted  # the row is a quote of its own
    assert not any("committee." in q and "Milestone" in q for q in quoted)


def test_pipe_table_rows_and_headings_stand_apart_in_a_passage() -> None:
    passage = (
        "Costs are reviewed monthly.\n\n| Item | Cost |\n|---|---|\n| Hosting | 40 |\n"
        "| Support | 60 |\nTotals are rounded.\n\n## Next steps\n\nWe close the books."
    )
    assert sentences_apart(passage) == [
        ("Costs are reviewed monthly.", False),
        ("Hosting | 40", True),
        ("Support | 60", True),
        ("Totals are rounded.", True),
        ("We close the books.", True),
    ]


# -- 2. plain-text headings are short title-like lines, not command lines -----------


def test_plain_text_headings_are_title_lines_not_commands() -> None:
    document = load_bytes(RUNBOOK.encode(), "runbook.txt")
    assert document.title == "runbook"  # a guessed heading never renames the file
    assert [(b.level, b.text) for b in document.blocks if b.is_heading] == [
        (1, "ORION PAYMENTS SERVICE - ON-CALL RUNBOOK"),
        (1, "Paging"),
        (1, "Restarting the payments service"),
        (1, "Escalation"),
        (1, "Code freeze"),
    ]
    chunk = _chunk_with(chunk_document(document), "A restart takes about 4 minutes.")
    assert heading_before(chunk.text, "A restart takes about 4 minutes.") == (
        "Restarting the payments service"
    )
    assert "Run: kubectl rollout restart deployment/payments -n orion-prod" in split_sentences(
        chunk.text
    )  # a command is something to quote, not a heading
    assert "Wait until all pods are Ready before closing the incident." in split_sentences(
        chunk.text
    )


def test_a_command_line_inside_a_paragraph_never_names_the_section() -> None:
    passage = (
        "Restarting the payments service\n\n"
        "Run: kubectl rollout restart deployment/payments -n orion-prod\n"
        "Wait until all pods are Ready. A restart takes about 4 minutes."
    )
    quote = "A restart takes about 4 minutes."
    assert heading_before(passage, quote) == "Restarting the payments service"
    assert heading_before("Intro.\n\nPhase 1: Planning\n\n" + quote, quote) == "Phase 1: Planning"


def test_plain_text_prose_lines_are_not_headings() -> None:
    text = (
        "Dear team,\n\nThe project is led by\nMaria Keller.\n\n"
        "Note: restart the service nightly\nSee the wiki for details.\n\n"
        "Thanks to everyone who took part\n"
    )
    document = load_bytes(text.encode(), "notes.txt")
    assert not any(b.is_heading for b in document.blocks)
    assert document.title == "notes"


# -- 3. a plain-text heading is not glued onto the sentence after it ----------------


def test_a_plain_text_heading_is_not_part_of_the_first_sentence_after_it() -> None:
    document = load_bytes(RUNBOOK.encode(), "runbook.txt")
    chunks = chunk_document(document)
    chunk = _chunk_with(chunks, "code freeze from")
    assert chunk.heading_path[-1] == "Code freeze"
    sentence = "There is a code freeze from 18 December 2026 to 4 January 2027."
    assert sentence in split_sentences(chunk.text)
    assert not any(s.startswith(("Code freeze", "4.")) for s in split_sentences(chunk.text))
    answer = extract_answer("when is code freeze?", _hits(document, chunks), model=_composer(0.3))
    assert answer.quotes[0].text.startswith("There is a code freeze from 18 December 2026")


# -- 4. an HTML footer of text is indexed; a navigation footer is not ---------------


def test_an_html_footer_of_text_is_indexed_with_the_page_introduction() -> None:
    document = load_bytes(POLICY.encode(), "travel-policy.html")
    footer = "Owner: Finance Operations. Last reviewed March 2026."
    assert [b.text for b in document.blocks[:4]] == [
        "Expense and Travel Policy",
        "This policy applies to all employees and contractors working on company projects.",
        footer,  # about the whole page: before the first section, not under the last
        "Booking travel",
    ]
    [chunk] = [c for c in chunk_document(document) if footer in c.text]
    assert chunk.heading_path == ()
    assert "Owner: Finance Operations." in chunk.index_text()
    assert not any(word in document.text for word in ("tracking", "Home", "HR"))


def test_navigation_and_consent_footers_are_dropped() -> None:
    page = """<html><body><h1>Hotels</h1><p>The nightly limit is EUR 140.</p>
<footer><a href="/privacy">Privacy policy</a> · <a href="/terms">Terms of use</a></footer>
<footer><form><p>We use cookies.</p><button>Accept all cookies</button></form></footer>
</body></html>"""
    document = load_bytes(page.encode(), "hotels.html")
    assert [b.text for b in document.blocks] == ["Hotels", "The nightly limit is EUR 140."]
