"""When the interpreter is unsure: one short question with buttons, and learning the answer.

`interpret.clarify` asks ("Log as issue · Log as risk · It's a status update · Not for me");
`interpret.choose` runs the chosen operation on the original message, for the person who
asked only, and stores the answer as a labelled example for the workspace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import access, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.operations import Access, Args, Operation, Scope, flag, no_scope, positional
from bot.core.skills import Skill
from bot.core.text import USER_ID, escape, mention, shorten
from bot.interpret import learning, slots
from bot.interpret.corpus import NONE
from bot.interpret.tables import Clarification

skill = Skill("interpret", "Questions I ask when I'm not sure what you meant.", priority=95)

MAX_CHOICES = 4
CHOOSE = [f"interpret_choose_{i}" for i in range(MAX_CHOICES + 1)]
NOT_FOR_ME = "Not for me"


def ask(ctx: Context, text: str, choices: list[dict[str, Any]]) -> Clarification:
    """Record a question about `text` for the person who said it; its id goes on buttons."""
    asked = Clarification(
        workspace=learning.workspace_of(ctx.team),
        user_id=ctx.user,
        channel=ctx.channel,
        text=text,
        choices=choices,
    )
    ctx.session.add(asked)
    ctx.session.flush()
    return asked


class ClarifyArgs(Args):
    text: str = flag(default="", description="The message", internal=True)
    candidates: list[str] = flag(
        default_factory=list, description="Likely operations", internal=True
    )


@skill.operation(
    "interpret.clarify",
    summary="Ask which of a few operations a message meant.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    hidden=True,
    command="interpret clarify",
)
def clarify(ctx: Context, args: ClarifyArgs) -> Reply:
    choices: list[dict[str, Any]] = []
    for name in args.candidates:
        op = ctx.registry.operations.get(name)
        if op is None:
            continue
        for label, preset in op.choices(ctx, args.text):
            choices.append({"op": name, "label": label, "preset": preset})
    choices = choices[:MAX_CHOICES] + [{"op": NONE, "label": NOT_FOR_ME, "preset": {}}]
    asked = ask(ctx, args.text, choices)
    question = f"I'm not sure what you'd like me to do with “{escape(shorten(args.text, 120))}”:"
    buttons = [
        ui.button(c["label"], CHOOSE[i], f"{asked.id}:{i}", style="primary" if i == 0 else None)
        for i, c in enumerate(choices)
    ]
    return Reply(text=question, blocks=[ui.section(question), ui.actions(*buttons)], ephemeral=True)


class ChooseArgs(Args):
    answer: str = positional(description="The question's number and the choice, `12:0`")


def asked_scope(ctx: Context, args: ChooseArgs) -> Scope:
    number, _, _ = args.answer.partition(":")
    asked = ctx.session.get(Clarification, int(number)) if number.isdigit() else None
    if asked is None:
        raise UserError("That question is out of date; say it again and I'll have another go.")
    return Scope(owners=(asked.user_id,), owned=True, target=asked, owner_label="who asked")


@skill.operation(
    "interpret.choose",
    summary="Answer a question I asked about your message.",
    access=Access.SELF,
    scope=asked_scope,
    writes=True,
    hidden=True,
    buttons={action: (lambda value: {"answer": value}) for action in CHOOSE},
    command="interpret choose",
)
def choose(ctx: Context, args: ChooseArgs) -> list[Reply]:
    asked: Clarification = ctx.scope.target  # type: ignore[union-attr]
    index = args.answer.partition(":")[2]
    if asked.answered:
        return [Reply(text="You've answered that one already.", ephemeral=True)]
    if not index.isdigit() or int(index) >= len(asked.choices):
        raise UserError("That button is out of date; say it again.")
    choice = asked.choices[int(index)]
    asked.answered = True
    ctx.session.add(asked)
    learn = {"workspace": asked.workspace, "text": asked.text, "user": ctx.user}
    learning.remember(
        ctx.session, kind="intent", label=choice["op"], source="clarification", **learn
    )
    if choice["op"] == NONE:
        return [
            Reply(text="OK, I'll leave that one. Thanks — I'll remember.", replace_original=True)
        ]
    if "type" in choice["preset"]:
        label = str(choice["preset"]["type"])
        learning.remember(
            ctx.session, kind="raid_type", label=label, source="clarification", **learn
        )
    op = ctx.registry.operation(choice["op"])
    ctx.channel = asked.channel or ctx.channel
    values = slots.fill(op, ctx, asked.text).model_dump(exclude_unset=True)
    replies = ctx.invoke(op.name, op.validate({**values, **choice["preset"]}))
    done = Reply(text=f"{choice['label']}: done.", replace_original=True)
    return [done, *replies]


# -- a write the language model proposed: Confirm · Edit · Cancel ---------------------

DECIDE = {"interpret_confirm": "confirm", "interpret_edit": "edit", "interpret_cancel": "cancel"}


class ProposeArgs(Args):
    text: str = flag(default="", description="The message", internal=True)
    operation: str = flag(default="", description="The operation proposed", internal=True)
    arguments: dict[str, Any] = flag(
        default_factory=dict, description="Its arguments", internal=True
    )


@skill.operation(
    "interpret.propose",
    summary="Show a change the language model read in a message, to confirm first.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    hidden=True,
    command="interpret propose",
)
def propose(ctx: Context, args: ProposeArgs) -> Reply:
    """The card: every argument that will be written, and Confirm · Edit · Cancel (Edit only
    when a command recreates exactly this call). Refused at once, as the operation itself
    would refuse, when the person may not make the change."""
    from bot.llm.routing import as_instants, edit_command

    op = ctx.registry.operations.get(args.operation)
    if op is None:
        raise UserError("I couldn't work out what to do with that; try the command instead.")
    arguments = as_instants(op, args.arguments, ctx.person.timezone)
    checked = op.validate(arguments)
    permitted(ctx, op, checked)
    values = checked.model_dump(mode="json", include=set(arguments))
    command = edit_command(ctx, op, values)
    proposed = {"op": op.name, "label": op.label, "preset": values, "proposed": True}
    asked = ask(ctx, args.text, [{**proposed, "command": command}])
    lines = argument_lines(checked, values, ctx.person.timezone)
    question = "\n".join([f"Shall I do this? *{escape(op.label)}*", *lines])
    buttons = [
        ui.button("Confirm", "interpret_confirm", str(asked.id), style="primary"),
        *([ui.button("Edit", "interpret_edit", str(asked.id))] if command else []),
        ui.button("Cancel", "interpret_cancel", str(asked.id)),
    ]
    return Reply(text=question, blocks=[ui.section(question), ui.actions(*buttons)], ephemeral=True)


def permitted(ctx: Context, op: Operation, args: Args) -> None:
    """`Refused` (what the operation itself would say) unless this person may run `op`."""
    scope = op.scope(ctx, args)
    access.authorize(
        ctx.session, op, scope, user=ctx.user, team=ctx.team, admin=ctx.person.is_admin
    )


CARD_ROOM = 2_400  # of a section's 3,000 characters, what the values may take together
LONGEST_VALUE = 300
SHORTEST_VALUE = 40


def argument_lines(args: Args, values: dict[str, Any], timezone: str) -> list[str]:
    """One line per argument, in the operation's order: every one that will be written is
    shown (`values`, as stored), a long value shortened (never left out), a time in the
    person's `timezone`."""
    names = [n for n in type(args).model_fields if n in values]
    limit = max(SHORTEST_VALUE, min(LONGEST_VALUE, CARD_ROOM // max(1, len(names))))
    lines = []
    for name in names:
        value = getattr(args, name)
        text = local_time(value, timezone) if isinstance(value, datetime) else values[name]
        lines.append(f"• {name.replace('_', ' ').capitalize()}: {shown(name, text, limit)}")
    return lines


def local_time(moment: datetime, timezone: str) -> str:
    """`Mon 23 Nov 2026 15:00 (America/New_York)`."""
    return f"{moment.astimezone(ZoneInfo(timezone)):%a %d %b %Y %H:%M} ({timezone})"


def shown(name: str, value: Any, limit: int) -> str:
    """A value as the card shows it: a person as a mention, a list joined, text escaped and
    at most `limit` characters long."""
    if name in slots.PEOPLE_FIELDS and isinstance(value, str) and USER_ID.match(value):
        return mention(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return clipped(text, limit) if text else "_(empty)_"


def clipped(text: str, limit: int) -> str:
    """`text` escaped and shortened to at most `limit` characters (never inside an entity)."""
    cut = shorten(text, limit)
    while len(escape(cut)) > limit:
        cut = shorten(cut, max(1, len(cut) - (len(escape(cut)) - limit)))
    return escape(cut)


class DecideArgs(Args):
    answer: str = positional(description="The proposal's number and the choice, `12:confirm`")


@skill.operation(
    "interpret.decide",
    summary="Confirm, edit or cancel a change I proposed.",
    access=Access.SELF,
    scope=asked_scope,
    writes=True,
    hidden=True,
    buttons={
        action: (lambda value, choice=choice: {"answer": f"{value}:{choice}"})
        for action, choice in DECIDE.items()
    },
    command="interpret decide",
)
def decide(ctx: Context, args: DecideArgs) -> list[Reply]:
    asked: Clarification = ctx.scope.target  # type: ignore[union-attr]
    choice = args.answer.partition(":")[2]
    if asked.answered:
        return [Reply(text="You've answered that one already.", ephemeral=True)]
    if choice not in DECIDE.values() or not asked.choices or not asked.choices[0].get("proposed"):
        raise UserError("That button is out of date; say it again.")
    asked.answered = True
    ctx.session.add(asked)
    proposed = asked.choices[0]
    op = ctx.registry.operation(proposed["op"])
    if choice == "cancel":
        return [Reply(text="Cancelled; nothing was changed.", replace_original=True)]
    if choice == "edit":
        return [edit(proposed)]
    ctx.channel = asked.channel or ctx.channel
    replies = ctx.invoke(op.name, op.validate(proposed["preset"]))
    ctx.audit("interpret.confirmed", target=op.name, confirmed_by=ctx.user, proposed_by="model")
    return [Reply(text=f"{escape(op.label)}: confirmed.", replace_original=True), *replies]


def edit(proposed: dict[str, Any]) -> Reply:
    """The command that recreates the proposal, to change and send; a card from before
    commands were checked has none, and gets no guess."""
    if not proposed.get("command"):
        raise UserError(
            "I can't write that one as a command. Confirm it as shown, or Cancel and say it "
            "again with what should be different."
        )
    command = escape(proposed["command"])
    return Reply(
        text=f"Change what you need and send it as a command:\n```/pmo {command}```",
        replace_original=True,
    )
