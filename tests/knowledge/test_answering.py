from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.acronyms import acronyms, spelled_out
from knowledge.answer_model import (
    AnswerModel,
    confidence_features,
    default_model,
    fit_pair,
    pair_inputs,
    pair_scores,
)
from knowledge.answer_types import asked_type, asks_present, has_type, states_present
from knowledge.answering import extract_answer
from knowledge.chunking import chunk_id, chunk_text
from knowledge.embedding import MiniLMEmbedder
from knowledge.evidence import FEATURES, Candidate, Candidates, collect
from knowledge.passages import (
    Passage,
    embed_sentences,
    pack_vectors,
    passage_sentences,
    unpack_vectors,
)
from knowledge.records import ChunkRecord, Hit
from knowledge.retrieval import HybridRetriever
from knowledge.sentences import heading_before, split_sentences
from knowledge.vector_store import VectorStore

HANDBOOK = """\
# Releases

We publish a new minor version every six weeks. Patch versions ship whenever a
security fix is ready, e.g. after a CVE is published.

## Freezes

The release manager freezes the branch two days before shipping.
Nobody may merge features during a freeze.

# Leave

Staff agree annual leave with their line manager at least two weeks ahead.
"""

MEETINGS = """\
# Meetings

The steering council keeps the notes of every council meeting in the shared drive.
"""

GOVERNANCE = """\
# Governance

The steering council has five members elected for one-year terms by the maintainers.
Budget requests above 500 dollars need approval from the treasurer before any money is spent.
"""


def _records(doc_id: str, title: str, text: str) -> list[ChunkRecord]:
    return [
        ChunkRecord(
            chunk_id(doc_id, c.order), c.index_text(), {"document_id": doc_id, **c.metadata()}
        )
        for c in chunk_text(text, title=title, max_words=40, min_words=5)
    ]


@pytest.fixture
def lexical_kb() -> HybridRetriever:
    kb = HybridRetriever()  # no embedder: lexical-only, in memory
    kb.index("P", _records("handbook", "Handbook", HANDBOOK))
    kb.index("P", _records("gov", "Governance", GOVERNANCE))
    return kb


def answering_model(extra_share: float = 0.3) -> AnswerModel:
    """The shipped lexical-only sentence weights, always confident: for the composer's
    mechanics (which sentences, grouped how, cited in what order)."""
    shipped = default_model(dense=False)
    return AnswerModel(shipped.selection, {"bias": 5.0}, extra_share=extra_share)


def _hit(doc_id: str, order: int, title: str, body: str, *, score: float = 1.0) -> Hit:
    """A hit as the retriever returns it: the indexed text starts with the title."""
    metadata = {"document_id": doc_id, "title": title, "heading": ""}
    return Hit(chunk_id(doc_id, order), score, metadata=metadata, text=f"{title}\n{body}")


# -- sentence splitting ----------------------------------------------------------


def test_split_sentences_handles_markdown_structure() -> None:
    text = "\n".join(
        [
            "Handbook",  # title line the indexer prepends
            "Releases > Checklist",  # heading line the indexer prepends
            "**Before you start:**",
            "",
            "- Label blockers with `release blocker`. Then wait for review,",
            "  which takes a day.",
            "  - Nested items count too.",
            "* [ ] LC: Book the venue.",
            "1. Tag the release, e.g. v1.2. Announce it.",
            "",
            "```sh",
            "brew release --force. Not a sentence.",
            "```",
            "",
            "| Who | Role |",
            "| --- | ---- |",
            "| PL  | Chairs the meeting. |",
            "",
            "---",
            "## Heading inside",
            ".. note:: reST directive line",
            'See the <a href="https://example.org">guide</a> first. - Packed item follows.',
        ]
    )
    sentences = split_sentences(text, context=("Handbook", "Releases > Checklist"))
    assert sentences == [
        "**Before you start:**",
        "Label blockers with `release blocker`.",
        "Then wait for review, which takes a day.",
        "Nested items count too.",
        "LC: Book the venue.",
        "Tag the release, e.g. v1.2.",
        "Announce it.",
        "PL | Chairs the meeting.",
        "See the guide first.",
        "Packed item follows.",
    ]


def test_split_sentences_joins_wrapped_rst_lines() -> None:
    text = "LTS releases are supported with security updates\nfor 3 years. Dr. Who agrees."
    assert split_sentences(text) == [
        "LTS releases are supported with security updates for 3 years.",
        "Dr. Who agrees.",
    ]


def test_split_sentences_breaks_at_a_markdown_hard_break() -> None:
    text = (
        "1. The author files an issue.\\\n"
        "   Note: no design doc is needed yet.\\\n"
        "   Then wait for a review."
    )
    assert split_sentences(text) == [
        "The author files an issue.",
        "Note: no design doc is needed yet.",
        "Then wait for a review.",
    ]


def test_acronyms_cover_the_words_they_stand_for() -> None:
    question = "how many people sit on the jupyter executive council? and the SSC?"
    found = collect(
        question,
        [
            Passage(Hit("d:0", 1.0, metadata={"document_id": "d"}), text)
            for text in (
                "The EC consists of 6 Council members. The Council has 6 members.",
                "The Software Steering Council meets monthly. The board has 9 seats.",
            )
        ],
    )
    lexical = {c.text: c.features[FEATURES.index("lexical")] for c in found.items}
    # "EC" stands for the question's "executive council"
    assert lexical["The EC consists of 6 Council members."] > lexical["The Council has 6 members."]
    assert (
        lexical["The Software Steering Council meets monthly."] > lexical["The board has 9 seats."]
    )
    assert acronyms("Open PRs and the CoC, not A or Go.") == {"pr", "coc"}
    assert spelled_out("the Code of Conduct team")["coc"] == ["Code", "of", "Conduct"]


def test_asked_types() -> None:
    assert asked_type("How long is the project leader's term?") == "duration"
    assert asked_type("feature PR opened thursday, when's the earliest merge?") == "when"
    assert asked_type("how many people sit on the council") == "count"
    assert asked_type("what time does the council meet?") == "clock"
    assert asked_type("who approves a change request?") is None
    assert asked_type("what happens when a vote ties?") is None
    assert asked_type("how much notice do we give before an election?") == "duration"
    assert asked_type("what's the standard embargo length?") == "duration"
    assert has_type("Each member has one vote.", "count")
    assert has_type("Time commitment: average 5+ hours per week", "duration")
    assert not has_type("One must have shown a willingness to help.", "count")


def test_present_state_questions() -> None:
    assert asks_present("who is the current chair of the council?")
    assert asks_present("how many people are on the TSC right now?")
    assert not asks_present("how long is the chair's term?")
    assert states_present("The council currently has seven members.")
    assert not states_present("The council elects a chair every year.")


# -- answering -------------------------------------------------------------------


def test_answers_with_a_quote_and_its_source(lexical_kb: HybridRetriever) -> None:
    question = "how often do we publish a new minor version?"
    hits = lexical_kb.search(question, scopes=["P"], k=5)
    answer = extract_answer(question, hits)
    assert answer.found and answer.confidence >= default_model(dense=False).answer_at
    assert 1 <= len(answer.quotes) <= 3
    first = answer.quotes[0]
    assert first.text.startswith("We publish a new minor version every six weeks.")
    assert answer.sources[first.source - 1].document == "handbook"
    assert "every six weeks" in answer.text and "[1]" in answer.text


def test_no_answer_is_claimed_when_no_sentence_answers(lexical_kb: HybridRetriever) -> None:
    lexical_kb.index("P", _records("notes", "Meetings", MEETINGS))
    question = "what time does the steering council meet?"
    hits = lexical_kb.search(question, scopes=["P"], k=5)
    assert hits[0].metadata["document_id"] == "notes"  # the topic is there ...
    answer = extract_answer(question, hits)
    assert not answer.found  # ... the answer is not: at most the closest passage, unsure
    assert answer.confidence < default_model(dense=False).answer_at
    assert answer.verdict in ("unsure", "not_found") and answer.cited <= 1
    documents = [p.document for p in answer.sources]
    assert documents[0] == "notes" and len(documents) == len(set(documents)) > 1


def test_no_hits_means_not_found() -> None:
    answer = extract_answer("anything?", [])
    assert not answer.found and answer.confidence == 0.0 and answer.sources == ()


def test_citations_number_sources_in_the_order_cited() -> None:
    hits = [
        _hit("gov", 0, "Governance", "The treasurer must approve every budget request."),
        _hit("misc", 0, "Office", "The office plants are watered by the facilities team."),
        _hit("fin", 3, "Finance", "Budget requests go to the treasurer, who must approve them."),
    ]
    answer = extract_answer("who must approve a budget request?", hits, model=answering_model())
    assert answer.found and len(answer.quotes) == 2
    cited = [answer.sources[q.source - 1].document for q in answer.quotes]
    assert sorted(cited) == ["fin", "gov"]
    assert [q.source for q in answer.quotes] == [1, 2] and answer.cited == 2
    # after the cited sources, the closest uncited document
    assert [p.document for p in answer.sources[answer.cited :]] == ["misc"]


def test_quotes_all_from_one_document_bring_one_of_another() -> None:
    hits = [
        _hit(
            "gov",
            0,
            "Governance",
            "The treasurer must approve every budget request. A budget request must name "
            "who approves it. An approved budget request is final.",
        ),
        _hit("fin", 3, "Finance", "Approving a budget is the treasurer's job."),
        _hit("misc", 0, "Office", "The office plants are watered by the facilities team."),
    ]
    question = "who must approve a budget request?"
    answer = extract_answer(question, hits, model=answering_model(extra_share=0.0))
    cited = [answer.sources[q.source - 1].document for q in answer.quotes]
    assert cited[0] == "gov" and "fin" in cited and "misc" not in cited
    assert answer.cited == 2
    sentences = sum(q.text.count(". ") + 1 for q in answer.quotes)
    assert sentences == 3  # at most three: two of the best document, one of another
    alone = extract_answer(question, hits[:1], model=answering_model(extra_share=0.0))
    assert alone.cited == 1  # one document: no other to add
    assert sum(q.text.count(". ") + 1 for q in alone.quotes) == 3


def test_consecutive_sentences_form_one_quote() -> None:
    body = (
        "Any maintainer can revert a PR that broke CI. The author should be given an hour to "
        "fix it first.\n\nReviews happen on GitHub."
    )
    answer = extract_answer(
        "can I revert a PR that broke CI?",
        [_hit("m", 0, "Maintainers", body)],
        model=answering_model(extra_share=0.0),
    )
    assert answer.found
    assert [q.text for q in answer.quotes] == [
        "Any maintainer can revert a PR that broke CI. The author should be given an hour to "
        "fix it first. Reviews happen on GitHub."
    ]


def test_repeated_sentences_are_quoted_once() -> None:
    sentence = "Missing the activity threshold for one quarter triggers a private warning."
    hits = [_hit("gov", 0, "Roles", sentence), _hit("gov", 1, "Roles", sentence)]
    answer = extract_answer(
        "what happens if I miss the activity threshold?", hits, model=answering_model()
    )
    assert answer.found
    assert [q.text for q in answer.quotes] == [sentence]


def test_dense_mode_finds_a_paraphrased_answer(embedder: MiniLMEmbedder, tmp_path: Path) -> None:
    kb = HybridRetriever(
        embedder=embedder,
        vector_store=VectorStore(path=tmp_path / "chroma", model_id=embedder.model_id),
        lexical_dir=tmp_path / "lexical",
    )
    kb.index("P", _records("handbook", "Handbook", HANDBOOK))
    kb.index("P", _records("gov", "Governance", GOVERNANCE))
    question = "can people land new functionality while the branch is frozen?"
    hits = kb.search(question, scopes=["P"], k=5)
    answer = extract_answer(question, hits, embedder=embedder)
    assert answer.found and answer.confidence >= default_model(dense=True).answer_at
    assert any("Nobody may merge features during a freeze." in q.text for q in answer.quotes)
    lexical = extract_answer(question, hits)  # same hits, no model: still an Extract
    assert lexical.sources


def test_bare_heading_lines_are_not_quoted_but_name_the_section() -> None:
    passage = (
        "Anyone can raise a change request.\n\nWho approves a change request\n\n"
        "The change advisory board approves change requests."
    )
    assert split_sentences(passage) == [
        "Anyone can raise a change request.",
        "The change advisory board approves change requests.",
    ]
    quote = "The change advisory board approves change requests."
    assert heading_before(passage, quote) == "Who approves a change request"
    assert heading_before(passage, "Anyone can raise a change request.") is None
    table = "Milestones\n\nMilestone: Mapping · Date: 3 March\n\nMilestone: Go-live · Date: 1 June"
    assert heading_before(table, "Milestone: Go-live · Date: 1 June") == "Milestones"


def test_the_middle_band_quotes_the_closest_passage_and_another_document() -> None:
    hits = [
        _hit("gov", 0, "Governance", "The treasurer must approve every budget request."),
        _hit("fin", 3, "Finance", "Budget requests go to the treasurer, who must approve them."),
    ]
    shipped = default_model(dense=False)
    unsure = AnswerModel(shipped.selection, {"bias": 0.0}, unsure_at=0.2, answer_at=0.9)
    answer = extract_answer("who must approve a budget request?", hits, model=unsure)
    assert answer.verdict == "unsure" and not answer.found and answer.confidence == 0.5
    assert answer.cited == 2 and [q.source for q in answer.quotes] == [1, 2]
    assert sorted(p.document for p in answer.sources[:2]) == ["fin", "gov"]
    one = extract_answer("who must approve a budget request?", hits[:1], model=unsure)
    assert one.verdict == "unsure" and one.cited == 1
    sure = AnswerModel(shipped.selection, {"bias": 0.0}, unsure_at=0.2, answer_at=0.5)
    assert extract_answer("who must approve a budget request?", hits, model=sure).found


def test_a_present_state_question_needs_a_sentence_that_states_one(
    lexical_kb: HybridRetriever,
) -> None:
    rule = "who chairs the steering council?"
    present = "who chairs the steering council right now?"
    model = default_model(dense=False)
    ruled = extract_answer(rule, lexical_kb.search(rule, scopes=["P"], k=5))
    asked_now = extract_answer(present, lexical_kb.search(present, scopes=["P"], k=5))
    assert asked_now.confidence < ruled.confidence  # the governance text states rules only
    assert asked_now.confidence < model.answer_at and not asked_now.found
    lexical_kb.index(
        "P", _records("roster", "Council", "The steering council is currently chaired by Ada.")
    )
    stated = extract_answer(present, lexical_kb.search(present, scopes=["P"], k=5))
    assert stated.found and "currently chaired by Ada" in stated.text


def test_a_label_brings_the_sentence_after_it() -> None:
    body = "Estimated time commitment per month for directors:\n\n- 13 to 15 hours per month."
    hits = [_hit("cpc", 0, "Director expectations", body)]
    question = "what is the estimated time commitment per month for directors?"
    answer = extract_answer(question, hits, model=answering_model(extra_share=1.01))
    assert answer.quotes[0].text == (
        "Estimated time commitment per month for directors: 13 to 15 hours per month."
    )


class CountingEmbedder:
    """A deterministic stand-in for the model that records what it embeds."""

    model_id = "counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        rng = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=8) for t in texts]
        return np.array([v / np.linalg.norm(v) for v in rng], dtype=np.float32)


def test_stored_sentence_vectors_are_used_and_stale_ones_recomputed() -> None:
    body = "The treasurer approves budgets. Requests go by email."
    hit = _hit("fin", 0, "Finance", body)
    embedder = CountingEmbedder()
    [stored] = embed_sentences(embedder, [body])
    vectors = unpack_vectors(pack_vectors(stored), len(passage_sentences(body)))
    assert vectors is not None and np.allclose(vectors, stored, atol=1e-3)
    assert unpack_vectors(pack_vectors(stored), 3) is None  # the sentences changed
    embedder.calls.clear()
    extract_answer("who approves budgets?", [Passage(hit, body, vectors)], embedder=embedder)
    assert embedder.calls == [["who approves budgets?"]]  # only the question
    embedder.calls.clear()
    extract_answer("who approves budgets?", [Passage(hit, body, vectors[:1])], embedder=embedder)
    assert embedder.calls[0] == ["The treasurer approves budgets.", "Requests go by email."]


def test_the_question_sentence_classifier_lifts_the_confidence_it_supports() -> None:
    question = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    answers, misses = np.eye(4, dtype=np.float32)[[0]], np.eye(4, dtype=np.float32)[[1, 2, 3]]
    weights = fit_pair(
        pair_inputs(question, np.vstack([answers, misses] * 5)),
        np.array([True, False, False, False] * 5),
    )

    def candidates(*vectors: np.ndarray) -> Candidates:
        items = [
            Candidate(f"sentence number {k}", 0, k, np.zeros(len(FEATURES)), vector=v)
            for k, v in enumerate(vectors)
        ]
        return Candidates(items, question_vector=question)

    model = AnswerModel({}, {"pair_support": 2.0}, mean={"pair_support": 0.5}, pair=weights)
    answered, missed = candidates(answers[0]), candidates(misses[0])
    both = candidates(answers[0], misses[0])
    scores = pair_scores(both.items, both, weights)
    assert scores is not None and scores[0] > 0 > scores[1]
    assert model.sure(answered.items, answered) > 0.5 > model.sure(missed.items, missed)
    # vectors of another embedder (another size): not read, the fitted mean stands in
    other = Candidates(
        [Candidate("a b c", 0, 0, np.zeros(len(FEATURES)), vector=np.ones(8))],
        question_vector=np.ones(8),
    )
    assert confidence_features(other.items, other, weights)["pair_support"] is None
    assert model.sure(other.items, other) == 0.5
    assert confidence_features(other.items, other)["pair_support"] == 0.0  # no classifier
