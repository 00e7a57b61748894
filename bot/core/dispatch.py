"""The one way in: every transport hands its message, button, form or shortcut here, and
each ends in the same call of an operation (`invoke`).

Each call runs in one database transaction: the arguments are read and validated, the
authorization rule (`bot.core.access`) is applied to the operation's scope, the operation
runs, and its replies are kept where only the project's people see them. A `UserError`
rolls everything back and becomes a friendly reply; a bug is logged with its traceback
while the user still hears that something went wrong. The dispatcher never returns
silence for a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.core import access
from bot.core.context import Context
from bot.core.db import session_scope
from bot.core.messages import (
    Action,
    FieldErrors,
    Message,
    Reply,
    Shortcut,
    UserError,
    ViewSubmission,
)
from bot.core.operations import Args, Operation
from bot.core.people import People
from bot.core.projects import project_for_channel
from bot.core.settings import Settings
from bot.core.skills import Skill, SkillRegistry
from bot.core.text import escape
from bot.interpret import slots
from bot.llm.routing import reconsider

log = logging.getLogger(__name__)

OOPS = "Something went wrong on my side and it's been logged. Please try again in a minute."
NOT_FOR_ME = (
    "I don't think that was for me. If it was, say it another way, or try `help` to see what "
    "I can do."
)
MAX_INPUT = 40_000
ArgsReader = Callable[[Context], Args]


@dataclass
class ViewOutcome:
    """A modal submission's result: field errors keep the modal open, else replies."""

    errors: dict[str, str] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)


def as_replies(result: Any) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    return list(result)


def call(ctx: Context, op: Operation, read_args: ArgsReader) -> list[Reply]:
    """Read the arguments, authorize, run `op` and guard its replies, in `ctx`'s transaction.

    Every way in ends here, and so does an operation that runs another (`Context.invoke`).
    """
    args = read_args(ctx)
    ctx.operation = op
    scope = op.scope(ctx, args)
    ctx.role = ctx.authorize(scope)
    ctx.scope = scope
    if scope.project is not None:
        ctx.project = scope.project
    if ctx.draft and not access.public_here(ctx.session, scope, ctx.channel, is_dm=ctx.is_dm):
        ctx.draft = None  # a draft is posted for all to see: not where the reply will be ephemeral
    replies = as_replies(op.run(ctx, args))
    return access.guard_replies(
        ctx.session, scope, replies, user=ctx.user, channel=ctx.channel, is_dm=ctx.is_dm
    )


def unknown_command(skill: Skill, words: str) -> Reply:
    """`project frobnicate`: what the skill does understand."""
    commands = ", ".join(f"`{' '.join(op.command)}`" for op in skill.operations if not op.hidden)
    asked = escape(f"{skill.name} {words.split()[0] if words.split() else ''}".strip())
    return Reply(
        text=f"I don't know `{asked}`. Try {commands}, or `help {skill.name}`.", ephemeral=True
    )


def field_error(error: Any) -> str:
    """A validation error as the sentence shown under a form field."""
    name = str(error["loc"][0]).replace("_", " ") if error["loc"] else "This"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in ("int_parsing", "float_parsing"):
        message = "must be a number"
    return f"{name.capitalize()} {message}" if message[:1].islower() else message


class Dispatcher:
    """Turns inbound items into operation calls inside a transaction; collects the replies."""

    def __init__(self, settings: Settings, registry: SkillRegistry, people: People) -> None:
        self.settings = settings
        self.registry = registry
        self.people = people
        from bot.interpret.interpreter import Interpreter

        self.interpreter = Interpreter(registry)

    def _run(
        self,
        *,
        user: str,
        channel: str | None,
        work: Callable[[Context], Any],
        what: str,
        **context: Any,
    ) -> list[Reply]:
        try:
            with session_scope(self.settings.database_url) as session:
                ctx = Context(
                    session=session,
                    settings=self.settings,
                    people=self.people,
                    registry=self.registry,
                    user=user,
                    channel=channel,
                    **context,
                )
                ctx.project = project_for_channel(session, channel)
                return as_replies(work(ctx))
        except access.Refused as exc:
            log.info("refused %s to user=%s channel=%s", what, user, channel)
            return [Reply(text=str(exc), ephemeral=True, refused=True)]
        except UserError as exc:
            return [Reply(text=str(exc), ephemeral=True)]
        except Exception:
            log.exception("%s failed (user=%s channel=%s)", what, user, channel)
            return [Reply(text=OOPS, ephemeral=True)]

    def invoke(
        self,
        name: str,
        args: Args | dict[str, Any],
        *,
        user: str,
        channel: str | None = None,
        **context: Any,
    ) -> list[Reply]:
        """Run the operation `name` with typed arguments (the CLI, jobs, tests, the LLM)."""
        op = self.registry.operation(name)
        return self._run(
            user=user,
            channel=channel,
            what=name,
            work=lambda ctx: call(
                ctx, op, lambda _: args if isinstance(args, Args) else op.validate(args)
            ),
            **context,
        )

    def handle_message(self, message: Message) -> list[Reply]:
        """Route a message to its operation; always returns at least one reply."""
        if len(message.text) > MAX_INPUT:
            return [
                Reply(
                    text=f"That message is too long for me ({len(message.text):,} "
                    f"characters); keep it under {MAX_INPUT:,}.",
                    ephemeral=True,
                )
            ]
        route = self.interpreter.interpret(message.text, message, self.settings.database_url)
        route = reconsider(self.settings, self.registry, route, message)
        op = route.operation
        log.info("route user=%s op=%s how=%s", message.user, op and op.name, route.how)
        if route.how == "none" or (route.how == "unsure" and not route.candidates):
            return [Reply(text=NOT_FOR_ME, ephemeral=True)]
        if route.how == "unsure":
            op = self.registry.operation("interpret.clarify")
            candidates = {"text": route.args, "candidates": route.candidates}
        elif route.how == "llm" and op is not None and op.writes:  # confirm first
            candidates = {"text": route.args, "operation": op.name, "arguments": route.preset}
            op = self.registry.operation("interpret.propose")
        elif op is None:
            return [unknown_command(route.skill, route.args)]

        def read(ctx: Context) -> Args:
            if route.how == "unsure" or op.name == "interpret.propose":
                return op.validate(candidates)
            if route.how == "llm":
                return op.validate(route.preset)
            if route.is_command and op.text is None:
                return op.parse(route.args, route.preset)
            args = slots.fill(op, ctx, route.args)
            return args.model_copy(update=route.preset) if route.preset else args

        replies = self._run(
            user=message.user,
            channel=message.channel,
            what=op.name,
            work=lambda ctx: call(ctx, op, read),
            via=message.via,
            is_dm=message.is_dm,
            team=message.team,
            message_ts=message.ts,
            thread_ts=message.thread_ts,
            trigger_id=message.trigger_id,
            permalink=message.permalink,
            files=message.files,
            draft=message.draft,
        )
        return replies or [Reply(text="Done.")]

    def handle_action(self, action: Action) -> list[Reply]:
        op = self.registry.by_entry("buttons", action.action_id)
        if op is None:
            log.info("no operation for button %s", action.action_id)
            return [Reply(text="That button no longer does anything.", ephemeral=True)]
        return self._run(
            user=action.user,
            channel=action.channel,
            what=action.action_id,
            work=lambda ctx: call(
                ctx, op, lambda _: op.from_button(action.action_id, action.value)
            ),
            via="message",
            team=action.team,
            message_ts=action.message_ts,
            thread_ts=action.thread_ts,
            trigger_id=action.trigger_id,
        )

    def handle_view(self, submission: ViewSubmission) -> ViewOutcome:
        op = self.registry.by_entry("forms", submission.callback_id)
        if op is None:
            return ViewOutcome(
                replies=[Reply(text="That form is no longer handled.", ephemeral=True)]
            )
        errors: dict[str, str] = {}

        def read(ctx: Context) -> Args:
            values = op.forms[submission.callback_id](submission)
            try:
                return op.args.model_validate(values)
            except ValidationError as exc:
                raise FieldErrors(
                    {str(e["loc"][0]) if e["loc"] else "form": field_error(e) for e in exc.errors()}
                ) from None

        def work(ctx: Context) -> Any:
            try:
                return call(ctx, op, read)
            except FieldErrors as exc:
                errors.update(exc.errors)
                raise

        replies = self._run(
            user=submission.user,
            channel=None,
            what=submission.callback_id,
            work=work,
            via="message",
            team=submission.team,
        )
        if errors:
            return ViewOutcome(errors=errors)
        for reply in replies:  # a form has no channel: what it says goes to its author
            if not (reply.to_user or reply.to_channel or reply.modal):
                reply.to_user = submission.user
        return ViewOutcome(replies=replies)

    def handle_shortcut(self, shortcut: Shortcut) -> list[Reply]:
        op = self.registry.by_entry("shortcuts", shortcut.callback_id)
        if op is None:
            return [Reply(text="That shortcut is not handled.", ephemeral=True)]
        return self._run(
            user=shortcut.user,
            channel=shortcut.channel,
            what=shortcut.callback_id,
            work=lambda ctx: call(
                ctx, op, lambda _: op.validate(op.shortcuts[shortcut.callback_id](shortcut))
            ),
            via="message",
            team=shortcut.team,
            trigger_id=shortcut.trigger_id,
            permalink=shortcut.permalink,
        )
