"""A worker process of `WorkerProcesses` (`bot/slack/handoff.py`): it builds the Bolt app,
dispatches each delivery it is handed, and tells the serving process when an acked
delivery is done, so that one it never finishes is handed to its replacement.

A delivery is done once its dispatch has returned and the work its listener handed to the
pool (`TrackedWork`) has finished: with `process_before_response` the listener runs in the
dispatching thread, so the work it submits is told apart by a context variable.
"""

from __future__ import annotations

import contextvars
import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltResponse

from bot.core.settings import Settings
from bot.slack.http_requests import Delivery

log = logging.getLogger(__name__)

WORKER_NICENESS = 10  # the acking process is served first when both want a core
STOP = "stop"
SEND, ANSWER = "send", "answer"  # acked before the handoff / answered by the worker

_delivery: contextvars.ContextVar[int | None] = contextvars.ContextVar("delivery", default=None)


class TrackedWork(Executor):
    """A thread pool that knows which delivery each piece of work is for, and calls
    `done(ident)` once a delivery's dispatch (`dispatching`) and all its work have finished.

    Work submitted by that work counts for the same delivery (the context is carried).
    """

    def __init__(self, pool: ThreadPoolExecutor, done: Callable[[int], None]) -> None:
        self.pool, self.done = pool, done
        self._open: Counter[int] = Counter()
        self._lock = threading.Lock()

    def dispatching(self, ident: int, dispatch: Callable[[], Any]) -> Any:
        """Run `dispatch` as delivery `ident`: what it submits is counted as its work."""
        self._begin(ident)
        token = _delivery.set(ident)
        try:
            return dispatch()
        finally:
            _delivery.reset(token)
            self._end(ident)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        ident = _delivery.get()
        if ident is None:
            return self.pool.submit(fn, *args, **kwargs)
        self._begin(ident)
        try:
            future = self.pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)
        except BaseException:
            self._end(ident)
            raise
        future.add_done_callback(lambda _: self._end(ident))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def _begin(self, ident: int) -> None:
        with self._lock:
            self._open[ident] += 1

    def _end(self, ident: int) -> None:
        with self._lock:
            self._open[ident] -= 1
            finished = self._open[ident] <= 0
            if finished:
                del self._open[ident]
        if finished:
            self.done(ident)


def dispatch_acked(app: Any, delivery: Delivery) -> None:
    """Dispatch a delivery the front has acked (the listener acks into the void)."""
    try:
        app.dispatch(delivery.bolt_request())
    except Exception:  # Bolt handles a listener's error itself; this is a bug of ours
        log.exception("could not dispatch a %s", delivery.body.get("type"))


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
    pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="work")
    work = TrackedWork(pool, lambda ident: outbox.put(("done", ident)))
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
        kind, ident, delivery = item
        if kind == SEND:
            work.dispatching(ident, lambda d=delivery: dispatch_acked(app, d))
        else:
            answers.submit(answer, ident, delivery)
    answers.shutdown(wait=True)
    work.shutdown(wait=True)
