"""Prompts are files: every one loads, renders with its variables, and says its data is
untrusted."""

from __future__ import annotations

import pytest

import prompts
from prompts import PromptError, load


@pytest.mark.parametrize("name", prompts.names())
def test_every_prompt_renders_with_sample_variables(name: str) -> None:
    prompt = load(name)
    assert prompt.version >= 1 and prompt.variables
    values = {v: f"<sample {v} $1 {{braces}}>" for v in prompt.variables}
    [(system_role, system), (user_role, user)] = prompt.render(**values)
    assert (system_role, user_role) == ("system", "user")
    rendered = system + user
    for variable in prompt.variables:
        assert f"<sample {variable} $1 {{braces}}>" in rendered
    assert "$" not in rendered.replace("$1", "")  # every variable was filled
    assert "untrusted" in system.lower()


def test_the_four_uses_each_have_their_prompt() -> None:
    assert {"interpret", "interpret_json", "answer", "narrative"} <= set(prompts.names())


def test_rendering_with_wrong_variables_or_an_unknown_name_fails() -> None:
    answer = load("answer")
    with pytest.raises(PromptError, match="missing"):
        answer.render(question="q", passages="p")
    with pytest.raises(PromptError, match="unexpected"):
        answer.render(question="q", passages="p", history="", extra="x")
    with pytest.raises(PromptError, match="no prompt"):
        load("../secrets")
