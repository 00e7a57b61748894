"""The stdlib HTTP server behind the mock: body reading and reply writing."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from .limits import error

logger = logging.getLogger(__name__)


@dataclass
class Reply:
    """What the server sends back."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, status: int, data: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Reply:
        """A JSON reply."""
        return cls(status, json.dumps(data).encode(), headers=headers or {})


class Router(Protocol):
    """Whatever answers the requests."""

    def handle(
        self, verb: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply: ...


class LocalHTTPServer(ThreadingHTTPServer):
    """A threading HTTP/1.1 server handing every request to a ``Router``."""

    daemon_threads = True
    # Slack's front end does not drop connections; socketserver's backlog of 5 did, when
    # the accept loop fell behind a burst (the client's SYN then waits 1 s to be resent).
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], router: Router) -> None:
        super().__init__(address, _Handler)
        self.router = router


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalHTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("mock slack: " + format, *args)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        self.rfile.readline()
        return b"".join(chunks)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.server.router.handle(
                self.command, split.path, split.query, headers, self._read_body()
            )
        except Exception:
            logger.exception("mock Slack server failed on %s %s", self.command, self.path)
            reply = Reply.json(500, error("internal_error"))
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
