"""Undo: a person's newest change, whichever skill made it (a log edit, a reminder set, a
milestone added).

Each skill says what its newest change for a person is (`Skill.last_change`) and which
operation reverts it; `undo` runs that operation, through the same authorization rule.
"""

from __future__ import annotations

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.operations import Access, Args, no_scope, rest
from bot.core.skills import Skill, too_late_to_undo

skill = Skill(
    "undo",
    "Undo your last change within 10 minutes: a log edit, a reminder or a milestone just added.",
    priority=44,
    text_operation="undo.last",
    bare_operation="undo.last",
)


class UndoArgs(Args):
    words: str = rest(default="", description="An item, to undo your last change to it")


@skill.operation(
    "undo.last",
    summary="Undo your last change (within 10 minutes): a log edit, a reminder, a new milestone.",
    access=Access.ANYONE,  # the operation that reverts the change checks its own rule
    scope=no_scope,
    writes=True,
    command="undo",
    examples=["undo", "undo my change to R4"],
)
def undo_last(ctx: Context, args: UndoArgs) -> list[Reply]:
    found = [s.last_change(ctx, args.words) for s in ctx.registry.skills if s.last_change]
    changes = [change for change in found if change is not None]
    if not changes:
        raise UserError("You have made no change I could undo.")
    newest = max(changes, key=lambda change: change.at)
    late = too_late_to_undo(newest.at, clock.now())
    if late:
        raise UserError(late)
    if newest.operation is None:  # its skill keeps it: never reach past it to an older one
        raise UserError(newest.instead)
    return ctx.invoke(newest.operation, newest.args)
