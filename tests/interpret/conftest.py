"""Fixtures for the interpreter's rules."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.context import Context
from bot.core.db import session_scope
from bot.core.projects import project_for_channel
from bot.interpret import slots
from bot.interpret.interpreter import Interpreter
from skills import registry
from tests.helpers import CHANNEL, PM, with_project


@pytest.fixture
def read(settings):
    """`read(op, text)`: the arguments the rules give `op` for `text`, in #apollo, where
    M1 (Beta launch) is due on Fri 15 Jan 2027."""
    chat = with_project(settings)
    chat.send("/pmo milestone add Beta launch --date 2027-01-15")

    def arguments(op_name: str, text: str) -> dict[str, Any]:
        op = registry().operation(op_name)
        with session_scope(settings.database_url) as session:
            ctx = Context(
                session=session,
                settings=settings,
                people=chat.dispatcher.people,
                registry=chat.dispatcher.registry,
                user=PM,
                channel=CHANNEL,
                is_dm=False,
            )
            ctx.project = project_for_channel(session, CHANNEL)
            return slots.fill(op, ctx, text).model_dump(exclude_none=True)

    return arguments


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    """The interpreter over every skill, with the committed intent model."""
    return Interpreter(registry())
