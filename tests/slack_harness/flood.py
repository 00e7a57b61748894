"""Oversized unsigned bodies pushed at an app's ``/slack/events``, as an attacker would."""

from __future__ import annotations

import select
import socket
from urllib.parse import urlsplit

HUGE = 200 * 1024 * 1024
CHUNK = 64 * 1024


def push_unsigned_body(url: str, size: int = HUGE, *, chunked: bool = False) -> tuple[int, int]:
    """Send a `size`-byte unsigned body to ``url``/slack/events, stopping as soon as the app
    answers or closes: (HTTP status, bytes of body sent)."""
    where = urlsplit(url)
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: {where.netloc}\r\n"
        f"Content-Type: application/json\r\n{length}\r\n\r\n"
    )
    block = b"x" * CHUNK
    piece = f"{CHUNK:x}\r\n".encode() + block + b"\r\n" if chunked else block
    sent, answer = 0, b""
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(head.encode())
        while sent < size:
            if select.select([sock], [], [], 0)[0]:
                answer = sock.recv(4096)
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
        if not answer:
            sock.settimeout(10)
            answer = sock.recv(4096)
    return int(answer.split()[1]), sent
