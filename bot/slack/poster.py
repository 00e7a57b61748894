"""Posting the scheduler's replies to Slack: paced per channel, each call recorded once.

Every message carries a marker (`scheduler.posting.Journal.marker`: the firing and the
step): a message in its metadata, a file share, which takes no metadata, as the `block_id`
of the share message's first block (its text, or a caption with the file's title). When a
firing is retried after an attempt that may have posted without recording it (the process
died, the database went away, Slack timed out after posting), the poster looks for that
marker in the conversation's recent history before posting the step again, and records the
message it finds instead. Only a share whose text is too long for a block goes without a
marker, as an initial comment, and may be uploaded again after such a cut.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ui
from bot.core.messages import Reply, Upload
from bot.core.text import escape
from bot.slack.deliver import Origin, deliver, open_dm, post_message
from scheduler.posting import Journal

log = logging.getLogger(__name__)

PER_CHANNEL_SECONDS = 1.0  # chat.postMessage allows about one message a second per channel
WORKSPACE_PER_SECOND = 50.0  # our own workspace-wide ceiling; Slack publishes no exact figure
UPLOAD_CALLS = 2  # files.getUploadURLExternal and files.completeUploadExternal
HISTORY_LOOKBACK = 100  # recent messages searched for a retried step's marker


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

    def pace(self, target: str, calls: int = 1) -> None:
        """Wait for this channel's next slot and the workspace's next slot (`calls` of them:
        every Web API call counts against the workspace)."""
        with self.lock:
            now = time.monotonic()
            at = max(now, self.last_post.get(target, -1e9) + self.spacing, self.next_slot)
            self.last_post[target] = at
            self.next_slot = at + calls * self.workspace_spacing
        if at > now:
            self.sleep(at - now)

    def __call__(self, replies: list[Reply]) -> None:
        self.deliver(replies, Journal(""))

    def deliver(self, replies: list[Reply], journal: Journal) -> None:
        """Post each reply's calls the journal does not show as made, recording each."""
        for index, reply in enumerate(replies):
            self.post_reply(reply, str(index), journal)

    def post_reply(self, reply: Reply, step: str, journal: Journal) -> None:
        target = reply.to_channel or reply.to_user
        if not target or reply.home is not None:  # not a post: hand it to the transport
            self.once(
                journal, step, target or "", lambda _: self.deliver_plain(reply), marked=False
            )
            return
        text, blocks = ui.within_limits(reply.text, reply.blocks)
        if not reply.upload:
            self.once(
                journal,
                step,
                target,
                lambda marker: post_message(
                    self.client,
                    reply,
                    self.database_url,
                    channel=target,
                    text=text,
                    blocks=blocks,
                    metadata=marker,
                ),
            )
            return
        if blocks:  # the message with its blocks first, then the file below it
            self.once(
                journal,
                f"{step}.message",
                target,
                lambda marker: self.client.chat_postMessage(
                    channel=target, text=text, blocks=blocks, metadata=marker
                ),
            )
        upload = reply.upload
        comment = None if blocks else text
        self.once(
            journal,
            f"{step}.file",
            target,
            lambda marker: self.client.files_upload_v2(
                channel=open_dm(self.client, target) if reply.to_user == target else target,
                content=upload.content,
                filename=upload.filename,
                title=upload.title or upload.filename,
                **share_message(comment, upload, marker),
            ),
            calls=UPLOAD_CALLS + (reply.to_user == target),  # and conversations.open for a DM
        )

    def once(
        self,
        journal: Journal,
        step: str,
        target: str,
        send: Callable[[dict[str, Any]], Any],
        *,
        marked: bool = True,
        calls: int = 1,
    ) -> None:
        """Make one call unless the journal (or, on a retry, the history) shows it made."""
        if journal.delivered(step):
            return
        marker = journal.marker(step)
        if marked and journal.retry:
            found = self.find_marked(target, marker)
            if found is not None:
                journal.record(step, *found)
                return
        self.pace(target, calls)
        answer = send(marker)
        channel = answer.get("channel") if hasattr(answer, "get") else None
        ts = answer.get("ts") if hasattr(answer, "get") else None
        journal.record(step, channel or target, ts)

    def find_marked(self, target: str, marker: dict[str, Any]) -> tuple[str, str] | None:
        """The (channel, ts) of a recent message carrying `marker`, if Slack shows one."""
        try:
            channel = open_dm(self.client, target) if target[:1] in ("U", "W") else target
            history = self.client.conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("could not read %s's history to check a retried post: %s", target, exc)
            return None
        for message in history.get("messages") or []:
            if carries(message, marker):
                return channel, message["ts"]
        return None

    def deliver_plain(self, reply: Reply) -> None:
        deliver(
            self.client,
            [reply],
            Origin(user="", channel=None, via="scheduler"),
            strict=True,
            database_url=self.database_url,
        )


def marker_block_id(marker: dict[str, Any]) -> str:
    """The marker as a `block_id` (at most 255 characters: a digest of its payload)."""
    payload = json.dumps(marker["event_payload"], sort_keys=True).encode()
    return f"{marker['event_type']}:{hashlib.sha256(payload).hexdigest()[:40]}"


def carries(message: dict[str, Any], marker: dict[str, Any]) -> bool:
    """Whether a message from the history is the one marked with `marker`: in its
    metadata, or (a file share) as the `block_id` of one of its blocks."""
    metadata = message.get("metadata") or {}
    if (
        metadata.get("event_type") == marker["event_type"]
        and metadata.get("event_payload") == marker["event_payload"]
    ):
        return True
    block_id = marker_block_id(marker)
    return any(block.get("block_id") == block_id for block in message.get("blocks") or [])


def share_message(comment: str | None, upload: Upload, marker: dict[str, Any]) -> dict[str, str]:
    """What a file share says above the file, carrying `marker` as its block's id: the
    comment in a section, or, without one, a caption with the file's title. A comment too
    long for a section goes as Slack's initial comment, unmarked."""
    if comment and len(comment) > ui.MAX_SECTION_TEXT:
        return {"initial_comment": comment}
    block = ui.section(comment) if comment else ui.context(escape(upload.title or upload.filename))
    return {"blocks": json.dumps([{**block, "block_id": marker_block_id(marker)}])}
