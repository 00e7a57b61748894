"""A scripted OpenAI-compatible server on 127.0.0.1, for tests and benchmarks.

Each `POST /v1/chat/completions` takes the next scripted step (or `default` when the
script is empty) and records the request body. Steps:

* `text("...", pause=0.01)` — a chat completion (streamed as server-sent events when asked
  to, word by word, `pause` seconds apart);
* `tool("raid.add", {...})` — a tool call (an operation name's dots become `__`);
* `status(429, retry_after=30)`, `status(500)` — an error response;
* `hang(5)` — answer only after 5 seconds (for timeouts);
* `trickle("...", 4)` — a completion sent a few bytes at a time over 4 seconds, each
  piece well within any read timeout (streamed: its words, as far apart);
* `text("...", usage=False)` — a completion from a server that reports no token usage;
* `garbage()` — 200 with a body that is not JSON;
* `refusal("...")` — a refusal (structured outputs' way of saying no);
* `cut("...", status(500))` — streamed, the words and then the failure mid-stream (an error
  event for a status, the bad line for `garbage()`, silence for `hang(s)`); unstreamed, the
  failure alone.

The real `ChatOpenAI` talks to it through `url` (`OPENAI_BASE_URL`).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}


@dataclass
class Step:
    kind: str
    content: str = ""
    name: str = ""
    arguments: Any = None
    code: int = 200
    retry_after: int | None = None
    seconds: float = 0.0
    pause: float = 0.0
    then: Step | None = None
    usage: bool = True


def text(content: str, pause: float = 0.0, usage: bool = True) -> Step:
    return Step("text", content=content, pause=pause, usage=usage)


def trickle(content: str, seconds: float, pieces: int = 20) -> Step:
    return Step("trickle", content=content, seconds=seconds, pause=seconds / pieces)


def tool(operation: str, arguments: dict[str, Any] | str) -> Step:
    return Step("tool", name=operation.replace(".", "__"), arguments=arguments)


def status(code: int, retry_after: int | None = None) -> Step:
    return Step("status", code=code, retry_after=retry_after)


def hang(seconds: float) -> Step:
    return Step("hang", seconds=seconds)


def garbage() -> Step:
    return Step("garbage")


def refusal(content: str = "I can't help with that.") -> Step:
    return Step("refusal", content=content)


def cut(content: str, failure: Step, pause: float = 0.0) -> Step:
    return Step("cut", content=content, pause=pause, then=failure)


@dataclass
class MockOpenAI:
    """The server; use as a context manager. `requests` are the JSON bodies received."""

    default: Step = field(default_factory=lambda: text("I don't know."))
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.steps: deque[Step] = deque()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *steps: Step) -> MockOpenAI:
        with self.lock:
            self.steps.extend(steps)
        return self

    def next_step(self, body: dict[str, Any]) -> Step:
        with self.lock:
            self.requests.append(body)
            return self.steps.popleft() if self.steps else self.default

    def __enter__(self) -> MockOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(message: dict[str, Any], finish: str = "stop", usage: bool = True) -> dict[str, Any]:
    return {
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "mock",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": USAGE if usage else None,
    }


def message_of(step: Step) -> tuple[dict[str, Any], str]:
    if step.kind == "tool":
        arguments = (
            step.arguments if isinstance(step.arguments, str) else json.dumps(step.arguments)
        )
        call = {
            "id": "call_1",
            "type": "function",
            "function": {"name": step.name, "arguments": arguments},
        }
        return {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
    if step.kind == "refusal":
        return {"role": "assistant", "content": None, "refusal": step.content}, "stop"
    return {"role": "assistant", "content": step.content}, "stop"


def _handler(mock: MockOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            step = mock.next_step(body)
            if step.kind == "cut" and body.get("stream"):
                return self.send_stream({"content": step.content}, "stop", body, step)
            if step.kind == "cut" and step.then:
                step = step.then
            if step.kind == "hang":
                time.sleep(step.seconds)
                step = text("Too late.")
            if step.kind == "status":
                headers = {"Retry-After": str(step.retry_after)} if step.retry_after else {}
                error = {"error": {"message": "scripted", "type": "scripted", "code": None}}
                return self.send_json(step.code, error, headers)
            if step.kind == "garbage":
                return self.send_raw(200, b"{this is not json", "application/json")
            message, finish = message_of(step)
            if body.get("stream"):
                return self.send_stream(message, finish, body, step)
            if step.kind == "trickle":
                return self.send_slowly(json.dumps(completion(message, finish)).encode(), step)
            return self.send_json(200, completion(message, finish, step.usage))

        def send_slowly(self, data: bytes, step: Step) -> None:
            """The body in pieces, `step.pause` seconds apart."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            size = max(1, round(len(data) * step.pause / step.seconds))
            with contextlib.suppress(OSError):  # the client may have given up
                for start in range(0, len(data), size):
                    self.wfile.write(data[start : start + size])
                    self.wfile.flush()
                    time.sleep(step.pause)

        def send_json(self, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self.send_raw(code, json.dumps(data).encode(), "application/json", headers)

        def send_raw(
            self, code: int, data: bytes, kind: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def send_stream(
            self, message: dict[str, Any], finish: str, body: dict[str, Any], step: Step
        ) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            words = (message.get("content") or "").split(" ")
            deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
            deltas += [{"content": w if i == 0 else " " + w} for i, w in enumerate(words)]
            if message.get("tool_calls"):
                deltas = [
                    {"role": "assistant", "tool_calls": [{"index": 0, **message["tool_calls"][0]}]}
                ]
            for delta in deltas:
                self.event({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                time.sleep(step.pause)
            if step.then:
                return self.break_off(step.then)
            self.event({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
            if (body.get("stream_options") or {}).get("include_usage") and step.usage:
                self.event({"choices": [], "usage": USAGE})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def break_off(self, failure: Step) -> None:
            """A stream failing midway: an error event, a line that is not JSON, or silence."""
            if failure.kind == "status":
                error = {"message": "scripted", "type": "server_error", "code": failure.code}
                self.wfile.write(f"data: {json.dumps({'error': error})}\n\n".encode())
            elif failure.kind == "garbage":
                self.wfile.write(b"data: {this is not json\n\n")
            self.wfile.flush()
            time.sleep(failure.seconds)
            self.close_connection = True

        def event(self, data: dict[str, Any]) -> None:
            chunk = {
                "id": "chatcmpl-mock",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "mock",
                **data,
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

    return Handler


def main() -> None:
    """Serve on a port until interrupted, answering every request with `default` ("I don't
    know."): the benchmarks' `--llm` runs end to end against it, measuring plumbing (calls,
    tokens, latency, fallbacks), never quality."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    mock = MockOpenAI()
    mock.server.server_close()
    mock.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(mock))
    print(f"OPENAI_BASE_URL=http://127.0.0.1:{port}/v1", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        mock.server.serve_forever()


if __name__ == "__main__":
    main()
