"""Thread-safe record of the requests the mock Slack servers received."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def request_token(headers: dict[str, str], args: dict[str, Any]) -> str | None:
    """Bearer token from lower-cased ``headers``, else the ``token`` argument."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    token = args.get("token")
    return token if isinstance(token, str) and token else None


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request body."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Call:
    """One request received by the mock.

    Attributes:
        method: Web API method (``chat.postMessage``), or one of the pseudo
            methods ``upload``, ``file_download`` and ``response_url``.
        args: Query, form, JSON or multipart fields; JSON-valued form fields
            such as ``blocks`` are decoded, file parts are ``UploadedFile``.
        headers: Request headers with lower-case names.
        time: ``time.time()`` when the request arrived.
        status: HTTP status the mock answered with.
        path: Request path, e.g. ``/response_url/standup``.
        response: JSON body the mock answered with (``None`` for raw bodies).
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    time: float
    status: int = 200
    path: str = ""
    response: dict[str, Any] | None = None

    @property
    def token(self) -> str | None:
        """Bearer token of the request, else its ``token`` argument."""
        return request_token(self.headers, self.args)

    @property
    def ok(self) -> bool:
        """True when the mock answered 200 with ``"ok": true`` (or a raw body)."""
        return self.status == 200 and (self.response is None or bool(self.response.get("ok")))


CallFilter = Callable[[Call], bool]


@dataclass
class CallLog:
    """Calls in arrival order, with blocking waits."""

    _calls: list[Call] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, call: Call) -> None:
        """Append a call and wake every waiter."""
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def select(self, method: str | None = None, status: int | None = None) -> list[Call]:
        """Calls of one method (all when ``None``), optionally of one status."""
        with self._changed:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method) and (status is None or c.status == status)
            ]

    def wait_for(
        self,
        method: str | None,
        count: int = 1,
        timeout: float = 5.0,
        status: int | None = None,
    ) -> list[Call]:
        """Block until ``count`` matching calls arrived; return all matching calls.

        Raises:
            TimeoutError: Fewer calls arrived in time; the message lists what did.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.select(method, status)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = ", ".join(f"{c.method}:{c.status}" for c in self._calls) or "nothing"
                    raise TimeoutError(
                        f"expected {count} call(s) of {method or 'any method'}"
                        f" (status {status or 'any'}) within {timeout}s, got {len(found)};"
                        f" seen: {seen}"
                    )
                self._changed.wait(left)

    def clear(self) -> None:
        """Forget every call."""
        with self._changed:
            self._calls.clear()
