"""Clients that POST signed Slack requests to an app's ``/slack/events``.

``SlackEventsClient`` (sync) and ``AsyncSlackEventsClient`` each keep one httpx
connection pool, so a load benchmark can reuse connections.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack
from urllib.parse import urlencode

import httpx

from .payloads import interactive_form
from .signing import SlackSigner

EVENTS_PATH = "/slack/events"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def encode_event(payload: dict[str, Any]) -> tuple[bytes, str]:
    """Body and content type of an Events API request."""
    return json.dumps(payload).encode(), JSON


def encode_command(fields: dict[str, str]) -> tuple[bytes, str]:
    """Body and content type of a slash command request."""
    return urlencode(fields).encode(), FORM


def encode_interactive(payload: dict[str, Any]) -> tuple[bytes, str]:
    """Body and content type of an interactive request (``payload=<json>``)."""
    return urlencode(interactive_form(payload)).encode(), FORM


class Signing(TypedDict, total=False):
    """Signature options: ``timestamp`` (Unix seconds) and ``bad_signature``."""

    timestamp: int | None
    bad_signature: bool


class _Signed:
    def __init__(self, signing_secret: str, path: str) -> None:
        self.signer = SlackSigner(signing_secret)
        self.path = path

    def _headers(
        self,
        body: bytes,
        content_type: str,
        retry_num: int | None,
        retry_reason: str,
        *,
        timestamp: int | None = None,
        bad_signature: bool = False,
    ) -> dict[str, str]:
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        headers.update(self.signer.headers(body, timestamp, bad_signature=bad_signature))
        if retry_num is not None:
            headers.update(
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
            )
        return headers


def _limits(max_connections: int) -> httpx.Limits:
    return httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)


class SlackEventsClient(_Signed):
    """Signs and POSTs Slack requests with one reused ``httpx.Client``."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        path: str = EVENTS_PATH,
        timeout: float = 10.0,
        max_connections: int = 20,
    ) -> None:
        super().__init__(signing_secret, path)
        self.http = httpx.Client(
            base_url=base_url, timeout=timeout, trust_env=False, limits=_limits(max_connections)
        )

    def post_signed(
        self,
        body: bytes,
        content_type: str,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **signing: Unpack[Signing],
    ) -> httpx.Response:
        """POST ``body`` with signature (and retry) headers."""
        headers = self._headers(body, content_type, retry_num, retry_reason, **signing)
        return self.http.post(self.path, content=body, headers=headers)

    def post_event(
        self,
        payload: dict[str, Any],
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **signing: Unpack[Signing],
    ) -> httpx.Response:
        """POST an Events API payload; ``retry_num`` adds ``X-Slack-Retry-Num``."""
        return self.post_signed(*encode_event(payload), retry_num, retry_reason, **signing)

    def post_command(self, fields: dict[str, str], **signing: Unpack[Signing]) -> httpx.Response:
        """POST slash command form fields."""
        return self.post_signed(*encode_command(fields), **signing)

    def post_interactive(
        self, payload: dict[str, Any], **signing: Unpack[Signing]
    ) -> httpx.Response:
        """POST an interactive payload as ``payload=<json>``."""
        return self.post_signed(*encode_interactive(payload), **signing)

    def get(self, path: str) -> httpx.Response:
        """Unsigned GET, e.g. ``/healthz``."""
        return self.http.get(path)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSlackEventsClient(_Signed):
    """The asyncio twin of ``SlackEventsClient`` (one ``httpx.AsyncClient``)."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        path: str = EVENTS_PATH,
        timeout: float = 10.0,
        max_connections: int = 100,
    ) -> None:
        super().__init__(signing_secret, path)
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, trust_env=False, limits=_limits(max_connections)
        )

    async def post_signed(
        self,
        body: bytes,
        content_type: str,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **signing: Unpack[Signing],
    ) -> httpx.Response:
        """POST ``body`` with signature (and retry) headers."""
        headers = self._headers(body, content_type, retry_num, retry_reason, **signing)
        return await self.http.post(self.path, content=body, headers=headers)

    async def post_event(
        self,
        payload: dict[str, Any],
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **signing: Unpack[Signing],
    ) -> httpx.Response:
        """POST an Events API payload; ``retry_num`` adds ``X-Slack-Retry-Num``."""
        return await self.post_signed(*encode_event(payload), retry_num, retry_reason, **signing)

    async def post_command(
        self, fields: dict[str, str], **signing: Unpack[Signing]
    ) -> httpx.Response:
        """POST slash command form fields."""
        return await self.post_signed(*encode_command(fields), **signing)

    async def post_interactive(
        self, payload: dict[str, Any], **signing: Unpack[Signing]
    ) -> httpx.Response:
        """POST an interactive payload as ``payload=<json>``."""
        return await self.post_signed(*encode_interactive(payload), **signing)

    async def get(self, path: str) -> httpx.Response:
        """Unsigned GET, e.g. ``/healthz``."""
        return await self.http.get(path)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
