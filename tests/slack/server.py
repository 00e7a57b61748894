"""Run Live PMO's real HTTP server (Starlette + uvicorn) in a thread, for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from bot.core.dispatch import Dispatcher
from bot.core.settings import Settings, load_settings
from bot.slack.app import build_app, http_app
from bot.slack.handoff import InProcess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    dispatcher: Dispatcher


@contextmanager
def running_bot(settings: Settings) -> Iterator[RunningBot]:
    """`livepmo run --http` in-process on a free port, stopped on exit."""
    app, dispatcher = build_app(settings)
    port = free_port()
    config = uvicorn.Config(
        http_app(InProcess(app), settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the bot's HTTP server did not start")
        time.sleep(0.02)
    try:
        yield RunningBot(f"http://127.0.0.1:{port}", dispatcher)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
