"""How the engine hands a firing's replies to a transport, recording each post.

A poster is a callable `post(replies)`. The engine gives it the replies one at a time and
records each one once it returns (step `0`, `1`, …), so a retry resumes after the last
recorded reply. A poster that knows its transport's calls also has `deliver(replies,
journal)`: it asks the journal which steps went out already, marks each post with the
firing and step (`Journal.marker`), and records each call as it succeeds — so a summary
whose file upload failed re-sends only the upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.core.messages import Reply

MARKER_EVENT = "livepmo_scheduled_post"  # Slack message metadata event type


class Poster(Protocol):
    def __call__(self, replies: list[Reply]) -> None: ...


@dataclass
class Journal:
    """The posts of one firing: those recorded by earlier attempts and those made now.

    `retry` is set when an earlier attempt may have posted without recording it (it died,
    or its database went away): a poster that can should then look for its marker before
    posting a step again.
    """

    firing: str  # `job_key@due`, the id carried by the marker
    retry: bool = False
    recorded: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    made: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def delivered(self, step: str) -> bool:
        return step in self.recorded or any(made == step for made, _, _ in self.made)

    def record(self, step: str, channel: str | None = None, ts: str | None = None) -> None:
        self.made.append((step, channel, ts))

    def marker(self, step: str) -> dict[str, Any]:
        """Message metadata naming this firing and step (found again in the history)."""
        return {"event_type": MARKER_EVENT, "event_payload": {"firing": self.firing, "step": step}}


def post_recorded(post: Poster, replies: list[Reply], journal: Journal) -> None:
    """Post what the journal does not show as delivered, recording each step."""
    deliver = getattr(post, "deliver", None)
    if deliver is not None:
        deliver(replies, journal)
        return
    for index, reply in enumerate(replies):
        step = str(index)
        if not journal.delivered(step):
            post([reply])
            journal.record(step, reply.to_channel or reply.to_user)


class ConsolePoster:
    """Prints scheduled replies (for `livepmo schedule run-due` without Slack, and the demo)."""

    def __init__(self, render: Callable[[Reply], str], write: Callable[[str], None] = print):
        self.render, self.write = render, write

    def __call__(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.write(self.render(reply))
