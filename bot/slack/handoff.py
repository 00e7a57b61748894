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
import atexit
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
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

    async def send(self, delivery: Delivery) -> None:
        """Dispatch it (the front has acked it): on the event loop, so it must not block."""

    async def answer(self, delivery: Delivery) -> BoltResponse:
        """Dispatch it and return Bolt's answer: the ack's body."""

    def alive(self) -> bool:
        """False while a worker is down."""

    def close(self) -> None:
        """Stop, once the work handed over so far has been done."""


class InProcess:
    """Dispatch in the serving process: the listeners ack and hand their work to a pool."""

    def __init__(self, app: App, work: ThreadPoolExecutor | None = None) -> None:
        self.app, self.work = app, work

    async def send(self, delivery: Delivery) -> None:
        self.app.dispatch(delivery.bolt_request())  # the listeners only hand work to a pool

    async def answer(self, delivery: Delivery) -> BoltResponse:
        return await run_in_threadpool(self.app.dispatch, delivery.bolt_request())

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        """Wait for the work handed to the listeners' pool `work`, if it was given."""
        if self.work is not None:
            self.work.shutdown(wait=True)


class WorkerStartFailed(Exception):
    """A worker process could not build the app; `kind` names the error it hit."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class WorkerProcesses:
    """`count` worker processes, each with its own queue of deliveries, taking turns; worker 0
    also runs the scheduler when `scheduler` is set.

    A queue per worker (not one shared) so that a worker killed while reading or writing
    one cannot leave a lock held that the others wait on; what a dead worker had queued is
    lost with it (acked, never claimed), as it would be with the process that acked it.
    """

    def __init__(self, settings: Settings, count: int, *, scheduler: bool = False) -> None:
        self.settings, self.scheduler = settings, scheduler
        self.context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self, index) for index in range(count)]
        self._turns = itertools.cycle(self._workers)
        self._answers: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future]] = {}
        self._ids = itertools.count()
        self.stopping = threading.Event()

    def start(self) -> WorkerProcesses:
        """Start every worker and wait until each has built its app.

        Raises:
            WorkerStartFailed: A worker could not (bad token, unreachable Slack...).
        """
        for worker in self._workers:
            worker.spawn()
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        try:
            for worker in self._workers:
                worker.wait_until_ready(deadline)
        except WorkerStartFailed:
            self.close()
            raise
        for worker in self._workers:
            worker.supervisor.start()
        atexit.register(self.close)  # before multiprocessing's own exit hook joins them
        return self

    async def send(self, delivery: Delivery) -> None:
        next(self._turns).inbox.put((None, delivery))  # pickled and written by its own thread

    async def answer(self, delivery: Delivery) -> BoltResponse:
        ident, loop = next(self._ids), asyncio.get_running_loop()
        future = loop.create_future()
        self._answers[ident] = (loop, future)
        next(self._turns).inbox.put((ident, delivery))
        try:
            return await asyncio.wait_for(future, ANSWER_DEADLINE_SECONDS)
        except TimeoutError:
            log.error("no worker answered a %s in time", delivery.body.get("type"))
            return BoltResponse(status=503, body="not answered in time")
        finally:
            self._answers.pop(ident, None)

    def resolve(self, ident: int, response: BoltResponse) -> None:
        """Hand a worker's answer to the request awaiting it (if it still is)."""
        loop, future = self._answers.get(ident, (None, None))
        if loop is not None:
            loop.call_soon_threadsafe(_resolve, future, response)

    def alive(self) -> bool:
        return all(worker.process.is_alive() for worker in self._workers)

    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._workers]

    def close(self) -> None:
        """Let each worker finish what was queued before it, then stop it (once)."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        for worker in self._workers:
            if worker.process is not None and worker.process.is_alive():
                worker.inbox.put(STOP)
        for worker in self._workers:
            worker.stop()


class _Worker:
    """One worker process, its two queues, and the thread reading its answers."""

    def __init__(self, pool: WorkerProcesses, index: int) -> None:
        self.pool, self.index = pool, index
        self.process: Any = None
        self.supervisor = threading.Thread(target=self.supervise, name=f"worker-{index}")
        self.supervisor.daemon = True

    def spawn(self) -> None:
        context, verbose = self.pool.context, log_verbosely()
        self.inbox, self.outbox = context.Queue(), context.Queue()
        self.process = context.Process(
            target=serve_deliveries,
            args=(self.pool.settings, self.index, self.inbox, self.outbox),
            kwargs={"scheduler": self.pool.scheduler and self.index == 0, "verbose": verbose},
            name=f"livepmo-worker-{self.index}",
        )
        self.process.start()

    def wait_until_ready(self, deadline: float) -> None:
        while True:
            try:
                message = self.outbox.get(timeout=0.5)
            except queue.Empty:
                code = self.process.exitcode
                if code is not None:
                    reason = f"a worker process exited with code {code} as it started"
                    raise WorkerStartFailed("ChildProcessError", reason) from None
                if time.monotonic() > deadline:
                    reason = "a worker process did not start in time"
                    raise WorkerStartFailed("TimeoutError", reason) from None
                continue
            if message[0] == "ready":
                return
            raise WorkerStartFailed(message[1], message[2])

    def supervise(self) -> None:
        """Hand answers back to the requests awaiting them; replace the process if it dies."""
        while not self.pool.stopping.is_set():
            try:
                message = self.outbox.get(timeout=1)
            except queue.Empty:
                if not self.process.is_alive() and not self.pool.stopping.is_set():
                    log.error("worker %s stopped (exit code %s); starting another",
                              self.index, self.process.exitcode)  # fmt: skip
                    self.spawn()
                continue
            if message[0] == "answer":
                self.pool.resolve(message[1], message[2])
            elif message[0] == "ready":
                log.info("worker %s is back", self.index)
            elif message[0] == "failed":
                log.error("worker %s could not start: %s", self.index, message[2])

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.join(STOP_DEADLINE_SECONDS)
        if self.process.is_alive():
            log.error("worker %s did not stop in time; killing it", self.index)
            self.process.kill()
        if self.supervisor.is_alive():
            self.supervisor.join()


def log_verbosely() -> bool:
    """Whether this process logs at INFO (`livepmo -v`): a worker logs as its parent."""
    return logging.getLogger("bot").getEffectiveLevel() <= logging.INFO


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
        outbox.put(("failed", type(exc).__name__, str(exc)))
        return
    outbox.put(("ready",))
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
