"""The console transport: `livepmo chat` and `livepmo demo` drive the same dispatcher as Slack.

A line is a message; `/pmo ...` is the slash command; `!press ACTION_ID VALUE`
presses a button; `!submit CALLBACK_ID {"field": "value"}` submits the last
form with that callback id.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from bot.core.dispatch import Dispatcher
from bot.core.messages import Action, Message, Reply, ViewSubmission
from bot.core.text import without_mention

CONSOLE_USER = "UCONSOLE"
MESSAGE_CLOCK = itertools.count(time.time_ns() // 1_000)
CONSOLE_BOT = "U0PMO"  # the bot's user id in the console: `<@U0PMO> ...` addresses it


@dataclass
class ConsoleSession:
    """One person typing at the bot, in a channel or in a DM."""

    dispatcher: Dispatcher
    user: str = CONSOLE_USER
    channel: str | None = None
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)

    def next_ts(self) -> str:
        """A message timestamp as Slack writes one, unique to this message: the
        microseconds since 1970 when the process started, counted up by one per message,
        so another run's messages (stored, e.g. a thread's earlier questions) are never
        taken for this run's."""
        micros = next(MESSAGE_CLOCK)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def send(
        self, text: str, *, user: str | None = None, channel: str | None = None
    ) -> list[Reply]:
        """Handle one input line and return the bot's replies."""
        user = user or self.user
        channel = channel if channel is not None else self.channel
        stripped = text.strip()
        if stripped.startswith("!press"):
            replies = self.press(stripped, user, channel)
        elif stripped.startswith("!submit"):
            replies = self.submit(stripped, user)
        else:
            via = "command" if stripped.startswith("/pmo") else ("console" if channel else "dm")
            message = Message(
                text=without_mention(stripped, CONSOLE_BOT),
                user=user,
                channel=channel or f"D{user}",
                via=via,
                is_dm=not channel,
                ts=self.next_ts(),
            )
            replies = self.dispatcher.handle_message(message)
        for reply in replies:
            if reply.modal:
                self.forms[reply.modal.get("callback_id", "")] = reply.modal
        return replies

    def press(self, line: str, user: str, channel: str | None) -> list[Reply]:
        _, _, rest = line.partition(" ")
        action_id, _, value = rest.strip().partition(" ")
        if not action_id:
            return [Reply(text="Usage: !press ACTION_ID VALUE")]
        action = Action(
            action_id=action_id,
            value=value.strip(),
            user=user,
            channel=channel,
            message_ts=self.next_ts(),
            trigger_id="console",
        )
        return self.dispatcher.handle_action(action)

    def submit(self, line: str, user: str) -> list[Reply]:
        _, _, rest = line.partition(" ")
        callback_id, _, raw = rest.strip().partition(" ")
        try:
            values = json.loads(raw or "{}")
            if not isinstance(values, dict):
                raise ValueError
        except ValueError:
            return [Reply(text='Usage: !submit CALLBACK_ID {"field": "value"} (a JSON object)')]
        form = self.forms.get(callback_id, {})
        defaults = {
            b["block_id"]: initial_value(b)
            for b in form.get("blocks", [])
            if b.get("type") == "input"
        }
        submission = ViewSubmission(
            callback_id=callback_id,
            values={**defaults, **values},
            user=user,
            private_metadata=form.get("private_metadata", ""),
        )
        outcome = self.dispatcher.handle_view(submission)
        if outcome.errors:
            lines = [f"  {field}: {error}" for field, error in outcome.errors.items()]
            return [Reply(text="Please fix the form:\n" + "\n".join(lines))]
        self.forms.pop(callback_id, None)
        return outcome.replies or [Reply(text="Saved.")]


def initial_value(block: dict[str, Any]) -> Any:
    element = block.get("element", {})
    option = element.get("initial_option")
    if option:
        return option["value"]
    return (
        element.get("initial_value") or element.get("initial_date") or element.get("initial_user")
    )
