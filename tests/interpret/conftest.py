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


def slot_values(chat, op_name: str, text: str, *, user: str = PM, fill: bool = True) -> Any:
    """The arguments the rules give `op_name` for `text` said by `user` in #apollo: the
    validated model's values, or (without `fill`) the raw slots read."""
    settings = chat.dispatcher.settings
    op = registry().operation(op_name)
    with session_scope(settings.database_url) as session:
        ctx = Context(
            session=session,
            settings=settings,
            people=chat.dispatcher.people,
            registry=chat.dispatcher.registry,
            user=user,
            channel=CHANNEL,
            is_dm=False,
        )
        ctx.project = project_for_channel(session, CHANNEL)
        if not fill:
            return slots.read_slots(op, ctx, text)
        return slots.fill(op, ctx, text).model_dump(exclude_none=True)


@pytest.fixture
def read(settings):
    """`read(op, text)`: the arguments the rules give `op` for `text`, in #apollo, where
    M1 (Beta launch) is due on Fri 15 Jan 2027."""
    chat = with_project(settings)
    chat.send("/pmo milestone add Beta launch --date 2027-01-15")
    return lambda op_name, text: slot_values(chat, op_name, text)


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    """The interpreter over every skill, with the committed intent model."""
    return Interpreter(registry())
