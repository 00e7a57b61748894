"""Request signing as Slack does it (v0 HMAC-SHA256 over ``v0:ts:body``)."""

from __future__ import annotations

import time

from slack_sdk.signature import SignatureVerifier

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
STALE_SECONDS = 5 * 60  # older than this and Bolt rejects the request


class SlackSigner:
    """Produces the signature headers Slack puts on every HTTP request it sends."""

    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret)

    def signature(self, body: str | bytes, timestamp: int) -> str:
        """``v0=<hex>`` for ``body`` at ``timestamp``."""
        signature = self._verifier.generate_signature(timestamp=str(timestamp), body=body)
        assert signature is not None  # only None without a timestamp
        return signature

    def headers(
        self,
        body: str | bytes,
        timestamp: int | None = None,
        *,
        bad_signature: bool = False,
    ) -> dict[str, str]:
        """The two signature headers.

        Args:
            body: The exact bytes (or text) that will be POSTed.
            timestamp: Unix seconds; default now. Use ``now - STALE_SECONDS - 1``
                for a stale request.
            bad_signature: Sign with a wrong secret, as a forger would.
        """
        timestamp = int(time.time()) if timestamp is None else timestamp
        signer = SlackSigner("not-the-signing-secret") if bad_signature else self
        return {
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signer.signature(body, timestamp),
        }
