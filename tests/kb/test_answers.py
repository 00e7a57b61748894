"""What an answer looks like to a person: quotes rendered as mrkdwn, sections and dates,
an honest middle band, and "not found" naming the closest sections and who to ask."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.db import session_scope
from bot.core.settings import Settings
from knowledge.answer_model import default_model, use_models
from skills.kb import answers, service
from skills.kb.index import retriever
from skills.kb.models import KbChunk
from skills.kb.views import mrkdwn
from tests.helpers import PM, with_project
from tests.kb.test_ask import apollo_project

BURNOUT = """# Maintainers: Avoiding Burnout

Burnout is a real risk for volunteers.

## Saying no

Take breaks: step away from the issue tracker for a week when you need to, and tell
the other maintainers so that someone covers for you. It is fine to say no to
feature requests that you will not maintain.
"""

CHARTER = """# Apollo project charter

## Governance

A change request over 50k must be approved by the steering committee, which meets
on the first Monday of each month. Smaller changes are approved by the **project
manager**; see the [change policy](https://example.org/change-policy) and run
`make report` first.

## Budget

The travel budget covers flights and hotels for the two workshops.
"""

PULL_REQUESTS = """# Pull requests

Every pull request needs one approval from a maintainer before it is merged.
"""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "burnout.md").write_text(BURNOUT)
    (folder / "charter.md").write_text(CHARTER)
    (folder / "pull-requests.md").write_text(PULL_REQUESTS)
    return folder


@pytest.fixture(autouse=True)
def shipped_models() -> Iterator[None]:
    yield
    use_models(None)


def ask(settings: Settings, library: Path, question: str) -> str:
    chat = with_project(settings)
    service.ingest_paths(settings, apollo_project(settings), [library])
    [reply] = chat.send(f"ask {question}")
    return reply.text


def test_markup_is_rendered_as_mrkdwn_never_leaked() -> None:
    text = "Ask the **project manager**, see [the policy](https://x.org/p) and run `a<b`."
    assert mrkdwn(text) == (
        "Ask the *project manager*, see <https://x.org/p|the policy> and run `a&lt;b`."
    )
    assert mrkdwn("Use *only* the _draft_ label, not snake_case_names.") == (
        "Use _only_ the _draft_ label, not snake_case_names."
    )
    assert mrkdwn("[local](../x.md) and <@U123> stay text") == "local and &lt;@U123&gt; stay text"


@pytest.mark.usefixtures("model_dir")  # hybrid search
def test_a_question_naming_a_document_is_answered_from_it(
    settings: Settings, library: Path
) -> None:
    text = ask(settings, library, "how do I avoid maintainer burnout?")
    assert not text.startswith("I couldn't find"), text
    assert "[1] *Maintainers: Avoiding Burnout*" in text


@pytest.mark.usefixtures("model_dir")
def test_answer_quotes_the_section_that_says_with_mrkdwn_and_no_server_path(
    settings: Settings, library: Path
) -> None:
    text = ask(settings, library, "who approves a change request over 50k?")
    first = text.splitlines()[0]
    assert first.startswith("> A change request over 50k must be approved by the steering")
    assert "[1] *Apollo project charter* › Governance · updated" in text
    assert "**" not in text and "](" not in text
    assert str(library) not in text and "charter.md" not in text  # no server paths


def test_sentence_vectors_are_stored_at_ingest(settings: Settings, library: Path) -> None:
    with_project(settings)
    service.ingest_paths(settings, apollo_project(settings), [library])
    with session_scope(settings.database_url) as session:
        chunks = session.exec(select(KbChunk)).all()
    assert chunks
    dense = retriever(settings).embedder is not None
    assert all((c.sentence_vectors is not None) == dense for c in chunks)


def test_the_chunks_beside_the_best_hit_are_read_too(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "SEARCH_K", 1)
    filler = " ".join(f"Routine note {i} about meetings and minutes." for i in range(19))
    (tmp_path / "sandbox.md").write_text(
        "# Working group lifecycle\n\n## Proposing a working group\n\n"
        f"Anyone can propose a new working group to the council. {filler}\n\n"
        "## To become Sandbox:\n\n"
        "* Have at least 3 interested individuals supporting the proposal\n"
    )
    with_project(settings)
    project = apollo_project(settings)
    service.ingest_paths(settings, project, [tmp_path / "sandbox.md"])
    kb = retriever(settings)
    with session_scope(settings.database_url) as session:
        hits = kb.search("propose a new working group", scopes=[service.scope_of(project)], k=1)
        found = answers.retrieve(
            session, kb, "propose a new working group", [service.scope_of(project)]
        )
    assert len(found) == 2 and found[0].hit.chunk_id == hits[0].chunk_id
    beside = found[1]
    assert "3 interested individuals" in beside.text
    assert beside.heading.endswith("To become Sandbox:")
    assert beside.hit.score <= found[0].hit.score


def test_the_middle_band_quotes_the_closest_passage_with_a_caveat(
    settings: Settings, library: Path
) -> None:
    use_models(  # confidence 0.5 whichever mode this machine runs in: the middle band
        {
            mode: dataclasses.replace(
                default_model(dense=mode == "hybrid"),
                confidence={"bias": 0.0},
                unsure_at=0.2,
                answer_at=0.9,
            )
            for mode in ("hybrid", "lexical")
        }
    )
    text = ask(settings, library, "who approves a change request over 50k?")
    assert text.startswith(":warning: I'm not sure the `apollo` documents answer this.")
    assert "\n> " in text and "[1] *Apollo project charter*" in text
    assert f"Ask <@{PM}> (PM)" in text


def test_not_found_names_the_closest_sections_and_the_pm(settings: Settings, library: Path) -> None:
    use_models(  # never sure enough: whatever the passages, "not found"
        {
            mode: dataclasses.replace(
                default_model(dense=mode == "hybrid"), unsure_at=1.01, answer_at=1.01
            )
            for mode in ("hybrid", "lexical")
        }
    )
    text = ask(settings, library, "what's the budget burn?")
    assert text.startswith("I couldn't find that in the `apollo` documents.")
    assert "The closest sections are:\n• " in text and "*Apollo project charter* › " in text
    assert f"Ask <@{PM}> (PM)" in text
