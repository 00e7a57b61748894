"""People as Slack knows them (`users.info`), cached for an hour."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.people import Person

log = logging.getLogger(__name__)
TTL_SECONDS = 3600


class SlackPeople:
    """Looks people up with `users.info`; falls back to the default timezone on errors."""

    def __init__(self, client: WebClient, default_timezone: str) -> None:
        self.client = client
        self.default_timezone = default_timezone
        self._cache: dict[str, tuple[float, Person]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> Person:
        with self._lock:
            cached = self._cache.get(user_id)
        if cached and time.monotonic() - cached[0] < TTL_SECONDS:
            return cached[1]
        try:
            user = self.client.users_info(user=user_id)["user"]
        except (SlackApiError, KeyError, OSError) as exc:
            log.warning("users.info failed for %s: %s", user_id, exc)
            return Person(user_id, user_id, self.default_timezone)
        person = Person(
            user_id=user_id,
            name=user.get("real_name") or user.get("name") or user_id,
            timezone=user.get("tz") or self.default_timezone,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            is_bot=bool(user.get("is_bot")),
        )
        with self._lock:
            self._cache[user_id] = (time.monotonic(), person)
        return person
