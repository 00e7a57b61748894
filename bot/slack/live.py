"""A reply shown while it is being written, then replaced in place by the final one.

`LiveReply.show` is a mention's or a DM's `Message.draft`: the first draft is posted where
the reply will go, later ones edit that message (`chat.update`) at most once every
`INTERVAL` seconds (a draft that comes sooner is skipped: the next one, or the final
reply, carries it). `deliver` puts the final reply into the same message (`finish`), so
nothing is posted twice; a draft no reply took over (the request failed) is deleted by
`close`. A Slack error while drafting only stops the drafts: the final reply still goes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.messages import Reply

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between two edits of one message (Slack's guidance for chat.update)
GONE = ("message_not_found", "cant_update_message", "edit_window_closed")


class LiveReply:
    """One message in `channel` (and `thread_ts`) that drafts and then the reply go into."""

    def __init__(
        self,
        client: WebClient,
        channel: str,
        thread_ts: str | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float = INTERVAL,
    ) -> None:
        self.client, self.channel, self.thread_ts = client, channel, thread_ts
        self.clock, self.interval = clock, interval
        self.ts: str | None = None  # the message, once the first draft is posted
        self.sent_at = -math.inf
        self.stopped = False  # drafting is over: a Slack error, or the reply is in
        self.final: Reply | None = None  # the reply that took the message over

    def show(self, text: str) -> None:
        """Post the reply so far, or edit it in if the last edit is `interval` old."""
        now = self.clock()
        if self.stopped or now - self.sent_at < self.interval:
            return
        try:
            if self.ts is None:
                fields: dict[str, Any] = {"thread_ts": self.thread_ts} if self.thread_ts else {}
                posted = self.client.chat_postMessage(channel=self.channel, text=text, **fields)
                self.ts = posted["ts"]
            else:
                self.client.chat_update(channel=self.channel, ts=self.ts, text=text)
        except (SlackApiError, OSError) as exc:
            log.warning("stopped showing a draft in %s: %r", self.channel, exc)
            self.stopped = True
            return
        self.sent_at = now

    def finish(
        self,
        reply: Reply,
        channel: str | None,
        thread_ts: str | None,
        text: str,
        blocks: list[dict[str, Any]] | None,
    ) -> bool:
        """Put `reply` into the draft's message; False when it has none for this place (or
        one reply took it already, or it is gone): then post the reply as usual."""
        if self.ts is None or (channel, thread_ts) != (self.channel, self.thread_ts):
            return False
        if self.final is not None and self.final is not reply:
            return False
        self.final, self.stopped = reply, True
        try:
            self.client.chat_update(channel=self.channel, ts=self.ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            if exc.response.get("error") not in GONE:
                raise  # `deliver` logs it, or holds it through a 429 and calls again
            return False
        return True

    def close(self) -> None:
        """After delivery: a draft that no reply took over is deleted."""
        self.stopped = True
        if self.ts is None or self.final is not None:
            return
        try:
            self.client.chat_delete(channel=self.channel, ts=self.ts)
        except (SlackApiError, OSError) as exc:
            log.warning("could not delete an unfinished draft in %s: %r", self.channel, exc)
