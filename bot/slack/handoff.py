"""Handing a verified Slack request to the Bolt app, in this process or in worker processes.

The HTTP front (`bot.slack.app.http_app`) reads, verifies and parses a request, then either
`send`s it (acked at once with an empty 200: events, commands, buttons, shortcuts) or
awaits its `answer` (a form, validated and saved before its ack, and Slack's URL check).

`WorkerProcesses` runs the Bolt app, every listener and the after-ack work in spawned child
processes (niced, each with its own reply pool), so that work never competes with an ack
for the serving process's interpreter; the process that acks does no more than read,
verify, parse, enqueue and answer. A worker that dies is replaced; on shutdown each finishes
what was queued before it stops. `InProcess` dispatches in the serving process (tests,
`livepmo run --http --workers 0`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from slack_bolt import App, BoltResponse
from starlette.concurrency import run_in_threadpool

from bot.core.settings import Settings
from bot.slack.http_requests import Delivery

log = logging.getLogger(__name__)

ANSWER_DEADLINE_SECONDS = 10.0  # Slack gives up after 3 s; a lost answer must not hang
START_DEADLINE_SECONDS = 180.0  # a worker loads the app, the database and the embedder
STOP_DEADLINE_SECONDS = 60.0  # queued work finishes within this on shutdown
WORKER_NICENESS = 10  # the acking process is served first when both want a core
STOP = "stop"


class Handoff(Protocol):
    """Where the HTTP front hands a verified delivery."""

    def send(self, delivery: Delivery) -> None:
        """Dispatch it; the front has acked (or is about to ack) it already."""

    async def answer(self, delivery: Delivery) -> BoltResponse:
        """Dispatch it and return Bolt's answer: the ack's body."""

    def alive(self) -> bool:
        """False while a worker is down."""

    def close(self) -> None:
        """Stop, once the work handed over so far has been done."""


class InProcess:
    """Dispatch in the serving process: the listeners ack and hand their work to a pool."""

    def __init__(self, app: App) -> None:
        self.app = app

    def send(self, delivery: Delivery) -> None:
        self.app.dispatch(delivery.bolt_request())

    async def answer(self, delivery: Delivery) -> BoltResponse:
        return await run_in_threadpool(self.app.dispatch, delivery.bolt_request())

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to stop: the listeners' pool finishes its work before the process exits."""


class WorkerStartFailed(Exception):
    """A worker process could not build the app; `kind` names the error it hit."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class WorkerProcesses:
    """`count` worker processes sharing one queue of deliveries (the first free one takes
    the next); worker 0 also runs the scheduler when `scheduler` is set."""

    def __init__(self, settings: Settings, count: int, *, scheduler: bool = False) -> None:
        self.settings, self.count, self.scheduler = settings, count, scheduler
        self._context = multiprocessing.get_context("spawn")
        self._inbox = self._context.Queue()
        self._outbox = self._context.Queue()
        self._processes: list[Any] = []
        self._answers: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future]] = {}
        self._ids = itertools.count()
        self._stopping = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="workers", daemon=True)

    def start(self) -> WorkerProcesses:
        """Start every worker and wait until each has built its app.

        Raises:
            WorkerStartFailed: A worker could not (bad token, unreachable Slack...).
        """
        self._processes = [self._spawn(index) for index in range(self.count)]
        for _ in range(self.count):
            try:
                message = self._outbox.get(timeout=START_DEADLINE_SECONDS)
            except queue.Empty:
                self.close()
                raise WorkerStartFailed("TimeoutError", "a worker process did not start") from None
            if message[0] == "failed":
                self.close()
                raise WorkerStartFailed(message[2], message[3])
        self._supervisor.start()
        return self

    def _spawn(self, index: int) -> Any:
        verbose = logging.getLogger("bot").getEffectiveLevel() <= logging.INFO
        process = self._context.Process(
            target=serve_deliveries,
            args=(self.settings, index, self._inbox, self._outbox),
            kwargs={"scheduler": self.scheduler and index == 0, "verbose": verbose},
            name=f"livepmo-worker-{index}",
            daemon=False,
        )
        process.start()
        return process

    def send(self, delivery: Delivery) -> None:
        self._inbox.put((None, delivery))

    async def answer(self, delivery: Delivery) -> BoltResponse:
        ident, loop = next(self._ids), asyncio.get_running_loop()
        future = loop.create_future()
        self._answers[ident] = (loop, future)
        self._inbox.put((ident, delivery))
        try:
            return await asyncio.wait_for(future, ANSWER_DEADLINE_SECONDS)
        except TimeoutError:
            log.error("no worker answered a %s in time", delivery.body.get("type"))
            return BoltResponse(status=503, body="not answered in time")
        finally:
            self._answers.pop(ident, None)

    def alive(self) -> bool:
        return all(process.is_alive() for process in self._processes)

    def _supervise(self) -> None:
        """Hand answers back to the requests awaiting them; replace a worker that died."""
        while not self._stopping.is_set():
            try:
                message = self._outbox.get(timeout=1)
            except queue.Empty:
                message = None
            if message and message[0] == "answer":
                loop, future = self._answers.get(message[1], (None, None))
                if loop is not None:
                    loop.call_soon_threadsafe(_resolve, future, message[2])
            elif message and message[0] == "failed":
                log.error("worker %s could not start: %s", message[1], message[3])
            for index, process in enumerate(self._processes):
                if not process.is_alive() and not self._stopping.is_set():
                    log.error("worker %s stopped (exit code %s); starting another", index,
                              process.exitcode)  # fmt: skip
                    self._processes[index] = self._spawn(index)

    def close(self) -> None:
        """Let each worker finish what was queued before it, then stop it."""
        self._stopping.set()
        for process in self._processes:
            if process.is_alive():
                self._inbox.put(STOP)
        for process in self._processes:
            process.join(STOP_DEADLINE_SECONDS)
            if process.is_alive():
                log.error("worker %s did not stop in time; killing it", process.name)
                process.kill()
        if self._supervisor.is_alive():
            self._supervisor.join()


def _resolve(future: asyncio.Future, response: BoltResponse) -> None:
    if not future.done():
        future.set_result(response)


def serve_deliveries(
    settings: Settings,
    index: int,
    inbox: Any,
    outbox: Any,
    *,
    scheduler: bool = False,
    verbose: bool = False,
) -> None:
    """A worker process: build the app, then dispatch each delivery until told to stop (or
    the serving process is gone), finishing the work already handed to its pool.

    Signals are left to the serving process, which stops the workers once it has
    stopped taking requests.
    """
    from bot.runtime import setup_logging
    from bot.slack.app import build_app, start_scheduling

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
    setup_logging(verbose)
    work = ThreadPoolExecutor(max_workers=16, thread_name_prefix="work")
    try:
        app, dispatcher = build_app(settings, verify_requests=False, workers=work)
        if scheduler:
            start_scheduling(settings, dispatcher)
    except Exception as exc:  # noqa: BLE001 - reported to the serving process as one line
        log.debug("worker %s could not start", index, exc_info=True)
        outbox.put(("failed", index, type(exc).__name__, str(exc)))
        return
    outbox.put(("ready", index))
    answers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="answer")

    def answer(ident: int, delivery: Delivery) -> None:
        try:
            response = app.dispatch(delivery.bolt_request())
        except Exception:  # Bolt answers a listener's error itself; this is a bug of ours
            log.exception("could not answer a %s", delivery.body.get("type"))
            response = BoltResponse(status=500, body="")
        outbox.put(("answer", ident, response))

    parent = multiprocessing.parent_process()
    while True:
        try:
            item = inbox.get(timeout=1)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                break
            continue
        if item == STOP:
            break
        ident, delivery = item
        if ident is None:
            app.dispatch(delivery.bolt_request())  # the listener acks into the void
        else:
            answers.submit(answer, ident, delivery)
    answers.shutdown(wait=True)
    work.shutdown(wait=True)
