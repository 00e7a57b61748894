"""People as Slack knows them (`users.info`, `users.lookupByEmail`, `users.list`), cached."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.people import Person, matching_person

log = logging.getLogger(__name__)
TTL_SECONDS = 3600
MAX_DIRECTORY_PAGES = 50  # users.list pages of 200: a 10,000-person workspace


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
        person = self._person({"id": user_id, **user})
        with self._lock:
            self._cache[user_id] = (time.monotonic(), person)
        return person

    def find(self, name_or_email: str) -> Person | None:
        """The one member with this e-mail (`users.lookupByEmail`) or name (`users.list`)."""
        text = name_or_email.strip()
        if not text or len(text) > 254:
            return None
        if "@" in text.strip("@"):
            try:
                return self._person(self.client.users_lookupByEmail(email=text)["user"])
            except (SlackApiError, KeyError, OSError) as exc:
                log.info("users.lookupByEmail found nobody: %s", exc)
                return None
        return matching_person(self._directory(), text)

    def _directory(self) -> list[Person]:
        """Every member (`users.list`, paged), cached like single people."""
        with self._lock:
            cached = self._cache.get("*directory*")
        if cached and time.monotonic() - cached[0] < TTL_SECONDS:
            return cached[1]  # type: ignore[return-value]
        members: list[Person] = []
        cursor = None
        try:
            for _ in range(MAX_DIRECTORY_PAGES):
                page = self.client.users_list(limit=200, cursor=cursor)
                members += [
                    self._person(u) for u in page.get("members", []) if not u.get("deleted")
                ]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except (SlackApiError, KeyError, OSError) as exc:
            log.warning("users.list failed: %s", exc)
            return []
        with self._lock:
            self._cache["*directory*"] = (time.monotonic(), members)  # type: ignore[assignment]
        return members

    def _person(self, user: dict) -> Person:
        profile = user.get("profile") or {}
        return Person(
            user_id=user["id"],
            name=user.get("real_name")
            or profile.get("real_name")
            or user.get("name")
            or user["id"],
            timezone=user.get("tz") or self.default_timezone,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            is_bot=bool(user.get("is_bot")),
            email=profile.get("email"),
            handle=profile.get("display_name") or user.get("name"),
        )
