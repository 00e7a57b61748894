"""The one way in: every transport hands its message, button, modal or shortcut here.

Each call runs in one database transaction; a `UserError` rolls it back and
becomes a friendly reply, and a bug is logged with its traceback while the
user still hears that something went wrong. The dispatcher never returns
silence for a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
from bot.core.people import People
from bot.core.projects import project_for_channel
from bot.core.router import Router
from bot.core.settings import Settings
from bot.core.skills import SkillRegistry

log = logging.getLogger(__name__)

OOPS = "Something went wrong on my side and it's been logged. Please try again in a minute."
MAX_INPUT = 40_000


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


class Dispatcher:
    """Routes inbound items to skills inside a transaction and collects their replies."""

    def __init__(self, settings: Settings, registry: SkillRegistry, people: People) -> None:
        self.settings = settings
        self.registry = registry
        self.people = people
        self.router = Router(registry)

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
        except UserError as exc:
            return [Reply(text=str(exc), ephemeral=True)]
        except Exception:
            log.exception("%s failed (user=%s channel=%s)", what, user, channel)
            return [Reply(text=OOPS, ephemeral=True)]

    def handle_message(self, message: Message) -> list[Reply]:
        """Route a message to its skill; always returns at least one reply."""
        if len(message.text) > MAX_INPUT:
            return [
                Reply(
                    text=f"That message is too long for me ({len(message.text):,} "
                    f"characters); keep it under {MAX_INPUT:,}.",
                    ephemeral=True,
                )
            ]
        route = self.router.route(message.text, message, self.settings.database_url)
        log.info("route user=%s skill=%s how=%s", message.user, route.skill.name, route.how)
        handler = route.skill.handler
        if handler is None:
            return [Reply(text=f"The {route.skill.name} skill has nothing to say yet.")]

        replies = self._run(
            user=message.user,
            channel=message.channel,
            what=f"skill {route.skill.name}",
            work=lambda ctx: handler(ctx, route.args),
            via=message.via,
            is_dm=message.is_dm,
            message_ts=message.ts,
            thread_ts=message.thread_ts,
            trigger_id=message.trigger_id,
            permalink=message.permalink,
            files=message.files,
        )
        return replies or [Reply(text="Done.")]

    def handle_action(self, action: Action) -> list[Reply]:
        found = self.registry.action(action.action_id)
        if found is None:
            log.info("no handler for action %s", action.action_id)
            return [Reply(text="That button no longer does anything.", ephemeral=True)]
        _, handler = found
        return self._run(
            user=action.user,
            channel=action.channel,
            what=action.action_id,
            work=lambda ctx: handler(ctx, action),
            via="message",
            message_ts=action.message_ts,
            thread_ts=action.thread_ts,
            trigger_id=action.trigger_id,
        )

    def handle_view(self, submission: ViewSubmission) -> ViewOutcome:
        found = self.registry.view(submission.callback_id)
        if found is None:
            return ViewOutcome(
                replies=[Reply(text="That form is no longer handled.", ephemeral=True)]
            )
        _, handler = found
        errors: dict[str, str] = {}

        def work(ctx: Context) -> Any:
            try:
                return handler(ctx, submission)
            except FieldErrors as exc:
                errors.update(exc.errors)
                raise

        replies = self._run(
            user=submission.user,
            channel=None,
            what=submission.callback_id,
            work=work,
            via="message",
        )
        if errors:
            return ViewOutcome(errors=errors)
        return ViewOutcome(replies=replies)

    def handle_shortcut(self, shortcut: Shortcut) -> list[Reply]:
        found = self.registry.shortcut(shortcut.callback_id)
        if found is None:
            return [Reply(text="That shortcut is not handled.", ephemeral=True)]
        _, handler = found
        return self._run(
            user=shortcut.user,
            channel=shortcut.channel,
            what=shortcut.callback_id,
            work=lambda ctx: handler(ctx, shortcut),
            via="message",
            trigger_id=shortcut.trigger_id,
        )
