"""``MockSlackWebAPI``: a local stand-in for slack.com/api, files and response URLs."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote, unquote

from .bodies import parse_body, parse_query
from .calls import Call, CallLog, request_token
from .file_store import FileStore, StoredFile
from .http_server import LocalHTTPServer, Reply
from .ids import DEFAULT_USER, TEAM_ID
from .limits import WORKSPACE, Failures, RateLimits, Refusal, error
from .workspace import Answer, Channel, User, Workspace

if TYPE_CHECKING:
    from .socket_mode import MockSocketModeServer

UPLOAD = "upload"
FILE_DOWNLOAD = "file_download"
RESPONSE_URL = "response_url"
SIGN_IN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"
)


class MockSlackWebAPI:
    """Slack's Web API on 127.0.0.1, recording every call.

    Give ``url`` to ``WebClient(base_url=...)``. Use as a context manager, or
    call ``start()`` and ``stop()``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = LocalHTTPServer((host, port), self)
        self._thread: threading.Thread | None = None
        self._log = CallLog()
        self._limits = RateLimits()
        self._failures = Failures()
        self._custom: dict[str, Answer] = {}
        self._socket_server: MockSocketModeServer | None = None
        self.workspace = Workspace()
        self.files = FileStore(self.base)

    # -- lifecycle ---------------------------------------------------------------

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT`` without a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The ``base_url`` for slack_sdk clients (ends with ``/api/``)."""
        return f"{self.base}/api/"

    def start(self) -> Self:
        """Serve in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="mock-slack-web-api",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- recorded calls --------------------------------------------------------------

    def calls(self, method: str | None = None, *, status: int | None = None) -> list[Call]:
        """Calls received so far, oldest first, optionally of one method and status."""
        return self._log.select(method, status)

    def wait_for(
        self, method: str | None, count: int = 1, timeout: float = 5.0, *, status: int | None = None
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` arrived; return them all.

        Raises:
            TimeoutError: Not enough calls in time.
        """
        return self._log.wait_for(method, count, timeout, status)

    def rate_limited_count(self, method: str | None = None) -> int:
        """How many calls (of ``method``) were answered 429."""
        return len(self._log.select(method, 429))

    def reset(self, *, everything: bool = False) -> None:
        """Forget recorded calls; with ``everything``, also limits, failures and state."""
        self._log.clear()
        if everything:
            self._limits.clear()
            self._failures.clear()
            self._custom.clear()
            self.workspace = Workspace()
            self.files = FileStore(self.base)

    # -- workspace state ---------------------------------------------------------------

    def set_user(
        self,
        user_id: str,
        *,
        tz: str | None = None,
        is_admin: bool | None = None,
        real_name: str | None = None,
        email: str | None = None,
    ) -> None:
        """Configure what ``users.info`` says about a user (default tz Europe/London)."""
        with self.workspace.lock:
            user = self.workspace.users.get(user_id) or User(user_id, f"User {user_id}")
            if tz is not None:
                user.tz = tz
            if is_admin is not None:
                user.is_admin = is_admin
            if real_name is not None:
                user.real_name = real_name
            if email is not None:
                user.email = email
            self.workspace.users[user_id] = user

    def set_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        members: list[str] | None = None,
        is_private: bool = False,
    ) -> None:
        """Configure ``conversations.info`` / ``conversations.members`` of a channel."""
        with self.workspace.lock:
            channel = Channel(channel_id, name or channel_id.lower(), is_private=is_private)
            if members is not None:
                channel.members = list(members)
            self.workspace.channels[channel_id] = channel

    def add_file(
        self,
        file_id: str,
        name: str,
        content: bytes,
        mimetype: str = "application/octet-stream",
        *,
        title: str = "",
        user: str = DEFAULT_USER,
        channels: list[str] | None = None,
    ) -> dict[str, Any]:
        """Register a file for ``files.info`` and download; returns its ``file`` object."""
        self.files.add(
            StoredFile(file_id, name, content, mimetype, title, user, list(channels or []))
        )
        return self.files.file_json(file_id)

    def file_json(self, file_id: str) -> dict[str, Any]:
        """The ``file`` object of a registered file, e.g. for a message's ``files``."""
        return self.files.file_json(file_id)

    def add_message(
        self,
        channel: str,
        text: str,
        user: str = DEFAULT_USER,
        ts: str | None = None,
        thread_ts: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Seed a message for ``conversations.history`` / ``conversations.replies``."""
        message: dict[str, Any] = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts or self.workspace.next_ts(),
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        message.update(extra)
        return copy.deepcopy(self.workspace.add_message(channel, message))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages stored in a channel (posted by the bot or seeded), oldest first."""
        with self.workspace.lock:
            return copy.deepcopy(
                sorted(self.workspace.messages.get(channel, []), key=lambda m: float(m["ts"]))
            )

    def reactions(self, channel: str, ts: str) -> set[str]:
        """Reaction names the bot currently has on a message."""
        with self.workspace.lock:
            return {name for c, t, name in self.workspace.reactions if (c, t) == (channel, ts)}

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for a user."""
        with self.workspace.views.lock:
            return copy.deepcopy(self.workspace.views.home.get(user_id))

    def set_answer(self, method: str, answer: dict[str, Any] | Answer) -> None:
        """Override the answer of ``method``: a fixed body, or a function of the args."""
        if callable(answer):
            self._custom[method] = answer
        else:
            self._custom[method] = lambda _args, body=answer: copy.deepcopy(body)

    # -- failures and limits -------------------------------------------------------------

    def rate_limit(
        self,
        method: str,
        per_second: float,
        burst: int = 1,
        retry_after: int = 1,
        per_channel: bool = False,
    ) -> None:
        """Answer 429 + ``Retry-After`` beyond ``per_second`` (token bucket of ``burst``)."""
        self._limits.set(method, per_second, burst, retry_after, per_channel)

    def workspace_rate_limit(self, per_second: float, burst: int = 1, retry_after: int = 1) -> None:
        """A cap shared by every Web API method."""
        self._limits.set(WORKSPACE, per_second, burst, retry_after, False)

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        times: int = 1,
        retry_after: int = 1,
    ) -> None:
        """Fail the next ``times`` calls of ``method``.

        ``status=500`` answers that status; ``error="ratelimited"`` answers 429
        with ``Retry-After``; any other ``error`` answers 200 ``{"ok": false}``.
        With neither, status 500.
        """
        if status is None and error is None:
            status = 500
        self._failures.add(method, status, error, times, retry_after)

    # -- other endpoints ---------------------------------------------------------------

    def response_url(self, name: str) -> str:
        """A ``response_url`` whose POSTs are recorded as method ``response_url``."""
        return f"{self.base}/response_url/{quote(name, safe='')}"

    def response_url_calls(self, name: str) -> list[Call]:
        """Calls recorded for the response URL called ``name``."""
        path = f"/response_url/{quote(name, safe='')}"
        return [c for c in self.calls(RESPONSE_URL) if c.path == path]

    def socket_mode(self, server: MockSocketModeServer) -> None:
        """Answer ``apps.connections.open`` with a URL of ``server``."""
        self._socket_server = server

    # -- request handling -------------------------------------------------------------

    def handle(
        self, verb: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        """Route one request; called by the server's handler threads."""
        args = parse_query(query)
        if path.startswith("/api/"):
            args.update(parse_body(body, headers.get("content-type", "")))
            return self._web_api(path[5:], args, headers, path)
        if path.startswith("/upload/") and verb == "POST":
            return self._upload(path, body, headers)
        if path.startswith("/files-pri/") and verb == "GET":
            return self._download(path, headers)
        if path.startswith("/response_url/") and verb == "POST":
            args.update(parse_body(body, headers.get("content-type", "")))
            return self._finish(
                RESPONSE_URL, args, headers, path, lambda: Reply.json(200, {"ok": True})
            )
        return Reply.json(404, error("unknown_route"))

    def _finish(
        self,
        method: str,
        args: dict[str, Any],
        headers: dict[str, str],
        path: str,
        answer: Callable[[], Reply],
    ) -> Reply:
        refusal = self._failures.pop(method)
        reply = self._refused(refusal) if refusal else answer()
        data = json.loads(reply.body) if reply.content_type.startswith("application/json") else None
        self._log.record(Call(method, args, headers, time.time(), reply.status, path, data))
        return reply

    @staticmethod
    def _refused(refusal: Refusal) -> Reply:
        return Reply.json(refusal.status, refusal.body, dict(refusal.headers))

    def _web_api(
        self, method: str, args: dict[str, Any], headers: dict[str, str], path: str
    ) -> Reply:
        def answer() -> Reply:
            refusal = self._auth_refusal(method, request_token(headers, args))
            if refusal is None:
                channel = args.get("channel") or args.get("channel_id")
                refusal = self._limits.check(method, channel if isinstance(channel, str) else None)
            if refusal is not None:
                return self._refused(refusal)
            return Reply.json(200, self._answer(method, args))

        return self._finish(method, args, headers, path, answer)

    @staticmethod
    def _auth_refusal(method: str, token: str | None) -> Refusal | None:
        if method == "api.test":
            return None
        if not token:
            return Refusal(200, error("not_authed"))
        if (method == "apps.connections.open") != token.startswith("xapp-"):
            return Refusal(200, error("not_allowed_token_type"))
        if not token.startswith(("xoxb-", "xoxp-", "xapp-")):
            return Refusal(200, error("invalid_auth"))
        return None

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in self._custom:
            return self._custom[method](args)
        if method == "apps.connections.open":
            if self._socket_server is None:
                return error("no_mock_socket_mode_server")
            return {"ok": True, "url": self._socket_server.issue_url()}
        files = {
            "files.info": self.files.info,
            "files.getUploadURLExternal": self.files.get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }
        handler = files.get(method) or self.workspace.answers.get(method)
        return handler(args) if handler else {"ok": True}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        """``files.completeUploadExternal``: the files are registered and, as in Slack,
        shared in a message of each channel given (its text the initial comment, else its
        blocks), which ``conversations.history`` then shows with its ``files``."""
        answer = self.files.complete_upload(args)
        channel = args.get("channel_id") or args.get("channels")
        if answer.get("ok") and channel:
            for each in str(channel).split(","):
                self.workspace.share_files(each, answer["files"], args)
        return answer

    def _upload(self, path: str, body: bytes, headers: dict[str, str]) -> Reply:
        file_id = path.rsplit("/", 1)[-1]
        args = {"file_id": file_id, "content": body, "length": len(body)}

        def answer() -> Reply:
            if not self.files.receive_upload(file_id, body):
                return Reply(404, b"Not Found", "text/plain")
            return Reply(200, f"OK - {len(body)}".encode(), "text/plain")

        return self._finish(UPLOAD, args, headers, path, answer)

    def _download(self, path: str, headers: dict[str, str]) -> Reply:
        parts = path.split("/")  # ['', 'files-pri', 'T0001-F1', ('download',) name]
        file_id = parts[2].removeprefix(f"{TEAM_ID}-") if len(parts) > 3 else ""
        args = {"file_id": file_id, "name": unquote(parts[-1])}

        def answer() -> Reply:
            stored = self.files.find(file_id)
            if stored is None:
                return Reply(404, b"Not Found", "text/plain")
            token = request_token(headers, {})
            if not token or not token.startswith("xox"):
                return Reply(200, SIGN_IN_PAGE, "text/html; charset=utf-8")  # what Slack does
            return Reply(200, stored.content, stored.mimetype)

        return self._finish(FILE_DOWNLOAD, args, headers, path, answer)
