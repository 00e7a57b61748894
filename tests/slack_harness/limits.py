"""Slack error bodies, rate limits and injected failures for the mock Web API."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

WORKSPACE = "*"


def error(code: str, **extra: Any) -> dict[str, Any]:
    """Slack's ``{"ok": false, "error": ...}`` body."""
    return {"ok": False, "error": code, **extra}


@dataclass(frozen=True)
class Refusal:
    """An answer that replaces the canned one: HTTP status, JSON body, headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def ratelimited(retry_after: int) -> Refusal:
    """Slack's 429 answer."""
    return Refusal(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


@dataclass
class TokenBucket:
    """Classic token bucket: ``burst`` tokens, refilled at ``per_second``."""

    per_second: float
    burst: int
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = float(self.burst)

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass(frozen=True)
class _Limit:
    per_second: float
    burst: int
    retry_after: int
    per_channel: bool


class RateLimits:
    """Per-method (optionally per-channel) and workspace-wide token buckets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limits: dict[str, _Limit] = {}
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def set(
        self, method: str, per_second: float, burst: int, retry_after: int, per_channel: bool
    ) -> None:
        """Limit ``method`` (``WORKSPACE`` for every Web API method)."""
        if per_second <= 0 or burst < 1 or retry_after < 0:
            raise ValueError("need per_second > 0, burst >= 1 and retry_after >= 0")
        with self._lock:
            self._limits[method] = _Limit(per_second, burst, retry_after, per_channel)
            self._buckets = {k: v for k, v in self._buckets.items() if k[0] != method}

    def check(self, method: str, channel: str | None) -> Refusal | None:
        """Spend a token for this call; a 429 refusal when a bucket is empty."""
        with self._lock:
            for name in (WORKSPACE, method):
                limit = self._limits.get(name)
                if limit is None:
                    continue
                key = (name, (channel or "") if limit.per_channel else "")
                bucket = self._buckets.get(key)
                if bucket is None:
                    bucket = self._buckets[key] = TokenBucket(limit.per_second, limit.burst)
                if not bucket.take():
                    return ratelimited(limit.retry_after)
        return None

    def clear(self) -> None:
        """Drop every limit."""
        with self._lock:
            self._limits.clear()
            self._buckets.clear()


class Failures:
    """Queued one-shot failures per method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, deque[Refusal]] = defaultdict(deque)

    def add(
        self,
        method: str,
        status: int | None,
        error: str | None,
        times: int,
        retry_after: int,
    ) -> None:
        """Queue ``times`` failures; see ``MockSlackWebAPI.fail_next``."""
        if error == "ratelimited" and status in (None, 429):
            refusal = ratelimited(retry_after)
        elif status is None:
            refusal = Refusal(200, {"ok": False, "error": error or "internal_error"})
        else:
            body = {
                "ok": False,
                "error": error or ("internal_error" if status >= 500 else "invalid_request"),
            }
            refusal = Refusal(status, body)
        with self._lock:
            self._queued[method].extend([refusal] * times)

    def pop(self, method: str) -> Refusal | None:
        """The next queued failure of ``method``, if any."""
        with self._lock:
            queue = self._queued.get(method)
            return queue.popleft() if queue else None

    def clear(self) -> None:
        """Drop every queued failure."""
        with self._lock:
            self._queued.clear()
