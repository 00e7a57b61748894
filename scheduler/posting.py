"""Where scheduled replies go: Slack (paced per channel, 429s waited out) or the terminal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from bot.core.messages import Reply

PER_CHANNEL_SECONDS = 1.0  # chat.postMessage allows about one message a second per channel
WORKSPACE_PER_SECOND = 50.0  # our own workspace-wide ceiling; Slack publishes no exact figure


class SlackPoster:
    """Posts with a strict delivery (errors raise, so the engine retries), one per channel/s.

    429 answers are waited out by the client's RateLimitErrorRetryHandler, which
    honours Retry-After; nothing is dropped. Thread openers (a report that starts its
    check-in's thread) are recorded in `database_url`, so later posts with the same
    `thread_key` (the full report, late updates) go in that thread.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        database_url: str | None = None,
        per_channel_seconds: float = PER_CHANNEL_SECONDS,
        workspace_per_second: float = WORKSPACE_PER_SECOND,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.database_url = database_url
        self.spacing = per_channel_seconds
        self.workspace_spacing = 1.0 / workspace_per_second
        self.sleep = sleep
        self.last_post: dict[str, float] = {}
        self.next_slot = 0.0
        self.lock = threading.Lock()

    def pace(self, target: str) -> None:
        """Wait for this channel's next slot and the workspace's next slot."""
        with self.lock:
            now = time.monotonic()
            at = max(now, self.last_post.get(target, -1e9) + self.spacing, self.next_slot)
            self.last_post[target] = at
            self.next_slot = at + self.workspace_spacing
        if at > now:
            self.sleep(at - now)

    def __call__(self, replies: list[Reply]) -> None:
        from bot.slack.deliver import Origin, deliver

        for reply in replies:
            self.pace(reply.to_channel or reply.to_user or "")
            deliver(
                self.client,
                [reply],
                Origin(user="", channel=None, via="scheduler"),
                strict=True,
                database_url=self.database_url,
            )


class ConsolePoster:
    """Prints scheduled replies (for `livepmo schedule run-due` without Slack, and the demo)."""

    def __init__(self, render: Callable[[Reply], str], write: Callable[[str], None] = print):
        self.render, self.write = render, write

    def __call__(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.write(self.render(reply))
