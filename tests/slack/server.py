"""Run Live PMO's real HTTP server (Starlette + uvicorn) in a thread, for tests and benchmarks."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.engine import make_url

from bot.core.dispatch import Dispatcher
from bot.core.settings import Settings, load_settings
from bot.slack.app import build_app, http_app
from bot.slack.handoff import Handoff, InProcess, WorkerProcesses


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the bot started as `process` answers `GET /healthz` with 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the bot did not become healthy")


def sqlite_write_lock(database_url: str) -> sqlite3.Connection:
    """A connection holding the SQLite database's write lock (until ROLLBACK): the bot's
    claims wait behind it."""
    locker = sqlite3.connect(make_url(database_url).database, isolation_level=None, timeout=1)
    locker.execute("BEGIN IMMEDIATE")
    return locker


def http_settings(database_url: str, slack_url: str, folder: Path, secret: str) -> Settings:
    """Settings of an HTTP-mode bot on `database_url`, talking to the mock Slack at `slack_url`."""
    return load_settings(
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=secret,
        slack_api_url=slack_url,
        chroma_path=folder / "chroma",
    )


@dataclass
class RunningBot:
    url: str
    dispatcher: Dispatcher | None  # None when the Bolt app runs in worker processes
    handoff: Handoff


@contextmanager
def running_bot(settings: Settings, *, workers: int = 0) -> Iterator[RunningBot]:
    """`livepmo run --http --workers N` on a free port, stopped on exit: the HTTP front in a
    thread of this process, the Bolt app in this process too (0) or in `workers` children."""
    handoff: Handoff
    if workers:
        handoff, dispatcher = WorkerProcesses(settings, workers).start(), None
    else:
        app, dispatcher = build_app(settings)
        handoff = InProcess(app)
    port = free_port()
    config = uvicorn.Config(
        http_app(handoff, settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    try:
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the bot's HTTP server did not start")
            time.sleep(0.02)
        yield RunningBot(f"http://127.0.0.1:{port}", dispatcher, handoff)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        handoff.close()
