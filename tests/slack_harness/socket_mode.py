"""``MockSocketModeServer``: Slack's Socket Mode WebSocket endpoint on 127.0.0.1.

Wire it to the Web API mock with ``web_api.socket_mode(server)``: slack_sdk's
``SocketModeClient`` then gets this server's URL from ``apps.connections.open``
(called with the app token through the ``WebClient``'s ``base_url``).

Close the client (``SocketModeHandler.close()``) before stopping this server;
otherwise the client sees the server go away and reconnects.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from .ids import APP_ID
from .payloads import socket_mode_envelope


@dataclass(frozen=True)
class Ack:
    """An acknowledgement the client sent back for an envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    time: float
    raw: str


class MockSocketModeServer:
    """A WebSocket server in its own thread and event loop, speaking Socket Mode."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app_id: str = APP_ID,
        ping_interval: float | None = 0.2,
    ) -> None:
        """Configure; ``start()`` binds.

        Args:
            host: Address to bind.
            port: Port to bind; 0 picks a free one.
            app_id: Reported in ``hello`` and the connection URL.
            ping_interval: Seconds between server pings (``None``: none). slack_sdk's
                builtin client holds a lock in a blocking ``recv`` of up to 3 s that
                its ``close()`` must wait for; frequent pings keep ``close()`` fast.
        """
        self._host, self._port, self._app_id = host, port, app_id
        self._ping_interval = ping_interval
        self._changed = threading.Condition()
        self._open: list[ServerConnection] = []
        self._opened_total = 0
        self._acks: list[Ack] = []
        self._received: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:PORT/link/`` (valid once started)."""
        return f"ws://{self._host}:{self._port}/link/"

    def issue_url(self) -> str:
        """A fresh connection URL, as ``apps.connections.open`` hands out."""
        return f"{self.url}?ticket={uuid.uuid4()}&app_id={self._app_id}"

    def start(self) -> Self:
        """Start serving; returns once the port is bound."""
        if self._thread is not None:
            return self
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="mock-socket-mode", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._bind(), self._loop).result(timeout=5)
        return self

    def stop(self) -> None:
        """Close every connection and the server, then end the loop thread."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    async def _bind(self) -> None:
        self._server = await serve(
            self._serve_connection,
            self._host,
            self._port,
            process_request=self._check_path,
            compression=None,
            max_size=None,
            close_timeout=1,
            ping_interval=self._ping_interval,
            ping_timeout=None,
        )
        self._port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    # -- connections ---------------------------------------------------------------

    @staticmethod
    def _check_path(connection: ServerConnection, request: Request) -> Response | None:
        if not request.path.startswith("/link"):
            return connection.respond(404, "Not Found\n")
        return None

    async def _serve_connection(self, connection: ServerConnection) -> None:
        with self._changed:
            self._open.append(connection)
            self._opened_total += 1
            count = len(self._open)
            self._changed.notify_all()
        try:
            await connection.send(json.dumps(self._hello(count)))
            async for message in connection:
                self._record(
                    message if isinstance(message, str) else message.decode("utf-8", "replace")
                )
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._open.remove(connection)
                self._changed.notify_all()

    def _hello(self, num_connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": "applink-mock",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self._app_id},
        }

    def _record(self, raw: str) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            message = None
        with self._changed:
            self._received.append(raw)
            if isinstance(message, dict) and "envelope_id" in message:
                payload = message.get("payload")
                ack = Ack(
                    str(message["envelope_id"]),
                    payload if isinstance(payload, dict) else None,
                    time.time(),
                    raw,
                )
                self._acks.append(ack)
            self._changed.notify_all()

    @property
    def open_connections(self) -> int:
        """How many clients are connected now."""
        with self._changed:
            return len(self._open)

    @property
    def connections_opened(self) -> int:
        """How many connections were ever opened (grows on each reconnect)."""
        with self._changed:
            return self._opened_total

    def wait_for_connection(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until ``count`` connections were opened in total.

        Raises:
            TimeoutError: Not enough connections in time.
        """
        with self._changed:
            if not self._changed.wait_for(lambda: self._opened_total >= count, timeout):
                raise TimeoutError(
                    f"expected {count} Socket Mode connection(s), got {self._opened_total}"
                )

    # -- sending -----------------------------------------------------------------------

    def send_json(self, message: dict[str, Any], timeout: float = 5.0) -> None:
        """Send one text frame to the newest open connection (waiting for one)."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._open), timeout):
                raise TimeoutError("no Socket Mode client is connected")
            connection = self._open[-1]
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(connection.send(json.dumps(message)), self._loop).result(
            timeout
        )

    def send_envelope(
        self,
        type: str,  # noqa: A002 - Slack's field name
        payload: dict[str, Any],
        envelope_id: str | None = None,
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Send an ``events_api``/``slash_commands``/``interactive`` envelope; return its id."""
        envelope = socket_mode_envelope(
            type,
            payload,
            envelope_id,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        self.send_json(envelope)
        return str(envelope["envelope_id"])

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours."""
        self.send_json(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-mock"}}
        )

    # -- acknowledgements --------------------------------------------------------------

    def acks(self) -> list[Ack]:
        """Every acknowledgement received, oldest first."""
        with self._changed:
            return list(self._acks)

    def received(self) -> list[str]:
        """Every text frame the clients sent."""
        with self._changed:
            return list(self._received)

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        """Block until the client acknowledges ``envelope_id``.

        Raises:
            TimeoutError: No acknowledgement in time.
        """

        def found() -> Ack | None:
            return next((a for a in self._acks if a.envelope_id == envelope_id), None)

        with self._changed:
            ack = self._changed.wait_for(found, timeout)
        if ack is None:
            raise TimeoutError(f"no ack for envelope {envelope_id} within {timeout}s")
        return ack
