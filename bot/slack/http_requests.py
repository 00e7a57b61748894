"""Reading a Slack HTTP request cheaply and safely, before Bolt sees it.

Slack's payloads are small, so the body is capped *while it is read* (a declared
Content-Length over the cap is refused without reading a byte). The signature is then
checked on the raw bytes, before any parsing, so an unsigned request costs one HMAC and
never reaches a parser: malformed or not, it gets 401. Only a signed body is parsed, here
rather than by Bolt, whose form parser (1.30, `parse_body`) takes any form body containing
the word "payload" for an interactivity payload and returns `{}` (a slash command saying
"payload" would be dropped with a 404).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are a few kB; a modal's state stays far below
ANSWERED_BEFORE_ACK = ("view_submission", "url_verification")


class BodyTooLarge(Exception):
    """The request declared or sent more than the cap."""


async def read_capped_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read chunk by chunk and abandoned as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def is_signed(verifier: SignatureVerifier, body: bytes, headers: Any) -> bool:
    """True when the Slack signature is valid and fresh; never raises (a non-numeric
    timestamp or missing header is simply unsigned)."""
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature")
    if not (timestamp.isdigit() and signature):
        return False
    try:
        return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except (ValueError, TypeError):
        return False


def parse_slack_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """A Slack request body as a dict: JSON (events), an interactivity `payload=<json>`
    form, or a plain form (slash commands), whatever words the fields contain.

    Raises:
        ValueError: Not JSON, or not a form Slack would send.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/json" or raw.lstrip().startswith("{"):
        body = json.loads(raw)
    else:
        fields = dict(parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw)))
        interactive = "payload" in fields and "command" not in fields
        body = json.loads(fields["payload"]) if interactive else fields
    if not isinstance(body, dict):
        raise ValueError("not an object")
    return body


@dataclass(frozen=True)
class Delivery:
    """A verified, parsed Slack request: what a worker needs to dispatch it to Bolt."""

    raw: str
    body: dict[str, Any]
    headers: dict[str, str]
    query: str = ""

    @classmethod
    def parse(cls, data: bytes, headers: Any, query: str = "") -> Delivery:
        """The delivery in a signed body (see `parse_slack_body`).

        Raises:
            ValueError: Not UTF-8, not JSON, or not a form Slack would send.
        """
        raw = data.decode("utf-8")
        return cls(raw, parse_slack_body(raw, headers.get("content-type")), dict(headers), query)

    @property
    def answered_before_ack(self) -> bool:
        return self.body.get("type") in ANSWERED_BEFORE_ACK

    def bolt_request(self) -> BoltRequest:
        """A Bolt request carrying our parsed body (Bolt still checks the raw body's
        signature where request verification is on)."""
        bolt = BoltRequest(body="", query=self.query, headers=self.headers)  # type: ignore[arg-type]
        bolt.raw_body, bolt.body = self.raw, self.body
        bolt.context = build_context(BoltContext({}), self.body)
        return bolt
