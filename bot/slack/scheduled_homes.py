"""Homes refreshed after the scheduler posts: the people a post reached (messaged, or members
of a project posted in) get their Home published again if they opened it before and it changed.

The refresh comes a moment after the post (`REFRESH_AFTER_SECONDS`), on one thread of its own:
by then the engine has recorded the post, which is what makes a check-in prompt count as
waiting, and a failed refresh can never be taken for a failed post (and posted twice).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from slack_sdk import WebClient

from bot.core.dispatch import Dispatcher
from bot.core.messages import Reply
from bot.slack.home import channel_members, publish_home

log = logging.getLogger(__name__)
REFRESH_AFTER_SECONDS = 2.0
Poster = Callable[[list[Reply]], None]


def people_reached(database_url: str, replies: list[Reply]) -> set[str]:
    """Whom scheduled replies reach: the people messaged, and the members of each project
    whose channel was posted in."""
    reached = {r.to_user for r in replies if r.to_user}
    return reached | channel_members(database_url, {r.to_channel for r in replies if r.to_channel})


class HomeRefresher:
    """Publishes, a moment after they are added, the Homes of the people added (each once)."""

    def __init__(
        self, dispatcher: Dispatcher, client: WebClient, delay: float = REFRESH_AFTER_SECONDS
    ) -> None:
        self.dispatcher, self.client, self.delay = dispatcher, client, delay
        self.pending: dict[str, float] = {}  # user -> when to refresh (monotonic)
        self.changed = threading.Condition()
        self.thread: threading.Thread | None = None

    def add(self, users: Iterable[str]) -> None:
        with self.changed:
            ready = time.monotonic() + self.delay
            for user in users:
                self.pending.setdefault(user, ready)
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="home-refresh", daemon=True)
                self.thread.start()
            self.changed.notify()

    def next_ready(self) -> list[str]:
        """Wait for the users whose time has come, and take them off the list."""
        with self.changed:
            while True:
                now = time.monotonic()
                ready = sorted(u for u, at in self.pending.items() if at <= now)
                if ready:
                    for user in ready:
                        del self.pending[user]
                    return ready
                wait = min(self.pending.values()) - now if self.pending else None
                self.changed.wait(wait)

    def run(self) -> None:
        while True:
            for user in self.next_ready():
                try:
                    publish_home(self.dispatcher, self.client, user, refresh=True)
                except Exception:
                    log.exception("refreshing the Home of %s after a scheduled post failed", user)


def refreshing_homes(post: Poster, dispatcher: Dispatcher, client: WebClient) -> Poster:
    """The scheduler's `post`, then the Homes of the people it reached refreshed shortly."""
    refresher = HomeRefresher(dispatcher, client)

    def post_then_refresh(replies: list[Reply]) -> None:
        post(replies)
        try:
            refresher.add(people_reached(dispatcher.settings.database_url, replies))
        except Exception:
            log.exception("could not tell whose Homes a scheduled post reached")

    return post_then_refresh
