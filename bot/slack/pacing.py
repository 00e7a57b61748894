"""Slack's transient failures and 429s, without one channel's wait holding up anybody else.

A 500/503, a dropped connection or a read timeout is retried twice with backoff by the
client itself (`transient_failure_retries`), for Web API calls and `response_url` posts.

Reply workers never sleep on a 429: `deliver` hands the reply (and every later reply for
that channel) to `RateLimitedChannels`, which re-sends them in order on a timer once the
(capped) Retry-After has passed, while replies to other channels go out at once. The
scheduler's paced poster may wait in its own thread, but never longer than the cap.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

log = logging.getLogger(__name__)

RETRY_AFTER_CAP_SECONDS = 30.0  # a Retry-After above this is waited only this long
MAX_HOLDS = 5  # a reply refused with 429 this many times is given up (and logged)


def transient_failure_retries() -> list[RetryHandler]:
    """Retry a Slack 500/503, a dropped connection or a read timeout twice, backing off."""
    return [
        ServerErrorRetryHandler(max_retry_count=2),
        ConnectionErrorRetryHandler(
            max_retry_count=2,
            error_types=[URLError, ConnectionResetError, RemoteDisconnected, socket.timeout],
        ),
    ]


def retry_after(headers: Mapping[str, Any] | None, cap: float = RETRY_AFTER_CAP_SECONDS) -> float:
    """Seconds Slack asked us to wait (1 when it didn't say), at most `cap`."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list | tuple) else value
            try:
                return min(max(float(value), 0.0), cap)
            except (TypeError, ValueError):
                break
    return min(1.0, cap)


def is_rate_limited(exc: SlackApiError) -> bool:
    return getattr(exc.response, "status_code", None) == 429


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 in the calling thread, for at most `RETRY_AFTER_CAP_SECONDS`."""

    cap = RETRY_AFTER_CAP_SECONDS

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        state.next_attempt_requested = True
        time.sleep(retry_after(response.headers, self.cap) + random.random())
        state.increment_current_attempt()


@dataclass
class _Held:
    send: Callable[[], None]
    what: str
    holds: int = 1


class RateLimitedChannels:
    """Replies held per channel after a 429, re-sent in order by a timer, not a worker."""

    def __init__(self, cap: float = RETRY_AFTER_CAP_SECONDS) -> None:
        self.cap = cap
        self._lock = threading.Lock()
        self._held: dict[str, deque[_Held]] = {}
        self._timers: dict[str, threading.Timer] = {}

    def is_waiting(self, channel: str) -> bool:
        """True while replies to `channel` are held: later ones queue behind them."""
        with self._lock:
            return channel in self._held

    def waiting(self) -> dict[str, int]:
        """How many replies each waiting channel holds."""
        with self._lock:
            return {channel: len(queue) for channel, queue in self._held.items()}

    def hold(
        self, channel: str, send: Callable[[], None], what: str, exc: SlackApiError | None = None
    ) -> None:
        """Queue `send` for `channel`; `exc` (a 429) sets the wait if none is running."""
        with self._lock:
            self._held.setdefault(channel, deque()).append(_Held(send, what))
            if channel not in self._timers:
                wait = retry_after(exc.response.headers, self.cap) if exc is not None else 0.0
                self._start_timer(channel, wait)

    def _start_timer(self, channel: str, seconds: float) -> None:
        timer = threading.Timer(seconds, self._flush, args=(channel,))
        timer.daemon = True
        timer.name = f"rate-limited-{channel}"
        self._timers[channel] = timer
        timer.start()

    def _flush(self, channel: str) -> None:
        """Send the channel's held replies in order until Slack says 429 again."""
        while True:
            with self._lock:
                queue = self._held.get(channel)
                if not queue:
                    self._held.pop(channel, None)
                    self._timers.pop(channel, None)
                    return
                held = queue[0]
            try:
                held.send()
            except SlackApiError as exc:
                if is_rate_limited(exc) and held.holds < MAX_HOLDS:
                    with self._lock:
                        held.holds += 1
                        self._start_timer(channel, retry_after(exc.response.headers, self.cap))
                    return
                log.error(
                    "gave up on a reply (%s) to %s: %s",
                    held.what,
                    channel,
                    exc.response.get("error"),
                )
            except Exception:
                log.exception("could not send a held reply (%s) to %s", held.what, channel)
            with self._lock:
                queue.popleft()

    def cancel(self) -> None:
        """Drop every held reply and stop the timers (shutdown, tests)."""
        with self._lock:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            self._held.clear()
