"""The fixed identities of the mock workspace, and id generators."""

from __future__ import annotations

import itertools
import threading
import uuid

TEAM_ID = "T0001"
TEAM_NAME = "Live PMO Test"
TEAM_DOMAIN = "livepmo-test"
WORKSPACE_URL = f"https://{TEAM_DOMAIN}.slack.com/"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
BOT_NAME = "livepmo"
DEFAULT_USER = "U0001"
DEFAULT_CHANNEL = "C0001"
DEFAULT_TZ = "Europe/London"


class Sequence:
    """A thread-safe counter starting at ``start``."""

    def __init__(self, start: int = 1) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(start)

    def next(self) -> int:
        """The next number."""
        with self._lock:
            return next(self._counter)


USER_TS_BASE = 1710000000


def ts_from(base_seconds: int, n: int) -> str:
    """The ``n``-th message timestamp after ``base_seconds``, 100 µs apart."""
    micros = n * 100
    return f"{base_seconds + micros // 1_000_000}.{micros % 1_000_000:06d}"


def dm_channel_for(user_id: str) -> str:
    """The deterministic IM channel id of a user (``U0001`` -> ``D0001``)."""
    return "D" + user_id[1:]


def trigger_id(n: int) -> str:
    """A trigger id shaped like Slack's (``<n>.<n>.<hex>``)."""
    return f"{1000000000 + n}.1000000001.{uuid.uuid4().hex}"


_payload_counter = Sequence()


def next_ts() -> str:
    """A fresh user-message timestamp (1710000000.000100, ...)."""
    return ts_from(USER_TS_BASE, _payload_counter.next())


def next_trigger_id() -> str:
    """A fresh ``trigger_id``."""
    return trigger_id(_payload_counter.next())


def next_event_id() -> str:
    """A fresh ``event_id`` (``Ev`` + hex)."""
    return f"Ev{_payload_counter.next():08X}"
