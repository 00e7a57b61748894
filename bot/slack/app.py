"""Building the Bolt app and serving it over HTTP (Starlette + uvicorn) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core import learned
from bot.core.db import get_engine
from bot.core.dispatch import Dispatcher
from bot.core.settings import Settings
from bot.slack.deliver import SLACK_TIMEOUT_SECONDS, keep_threads_in
from bot.slack.handoff import Handoff, InProcess, WorkerProcesses
from bot.slack.http_requests import BodyTooLarge, Delivery, is_signed, read_capped_body
from bot.slack.listeners import register_listeners
from bot.slack.pacing import CappedRateLimitRetryHandler, transient_failure_retries
from bot.slack.people import SlackPeople

log = logging.getLogger(__name__)

HEALTH_DEADLINE_SECONDS = 1.5  # /healthz answers within this, whatever the database does


def web_client(
    settings: Settings, *, wait_out_rate_limits: bool = True, timeout: int | None = None
) -> WebClient:
    """A Web API client on `SLACK_API_URL` that retries transient failures.

    With `wait_out_rate_limits` (the scheduler's paced poster), a 429 is waited out in the
    calling thread for at most `CappedRateLimitRetryHandler.cap` seconds; without it (the
    reply workers) a 429 raises at once and `deliver` holds that channel's replies instead.
    """
    handlers = transient_failure_retries()
    if wait_out_rate_limits:
        handlers.append(CappedRateLimitRetryHandler(max_retry_count=5))
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout or SLACK_TIMEOUT_SECONDS,
        retry_handlers=handlers,
    )


def build_app(
    settings: Settings,
    *,
    verify_token: bool = True,
    verify_requests: bool = True,
    workers: Executor | None = None,
) -> tuple[App, Dispatcher]:
    """The Bolt app with every listener, and the dispatcher it drives; the after-ack work
    runs on `workers` (default: a new pool of 16 threads). Without `verify_requests`, Bolt
    takes the signature as checked (a worker process, fed by the HTTP front)."""
    from skills import registry

    client = web_client(settings, wait_out_rate_limits=False)
    keep_threads_in(settings.database_url)  # replies from listeners thread through it
    app = App(
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        request_verification_enabled=verify_requests and bool(settings.slack_signing_secret),
        token_verification_enabled=verify_token,
        process_before_response=True,
    )
    dispatcher = Dispatcher(settings, registry(), SlackPeople(client, settings.livepmo_timezone))
    learned.warm_up()  # the sentence embedder loads while the bot connects
    workers = workers or ThreadPoolExecutor(max_workers=16, thread_name_prefix="work")
    register_listeners(app, dispatcher, workers)
    return app, dispatcher


def http_app(handoff: Handoff, settings: Settings) -> Starlette:
    """`POST /slack/events` for everything Slack sends, `GET /healthz` for probes.

    A request is refused cheaply before Bolt sees it (`bot.slack.http_requests`): over
    1 MB, 413 without reading the rest; unsigned or stale, 401 before any parsing; signed
    but not a body Slack sends, 400. Anything else is acked with an empty 200 and handed to
    the Bolt app (`handoff`) once the ack is sent, except a form submission (validated and
    saved before its ack) and Slack's URL check, whose answer is awaited from the app.
    """
    from slack_bolt.adapter.starlette.handler import to_starlette_response

    verifier = SignatureVerifier(settings.slack_signing_secret or "")
    verify = bool(settings.slack_signing_secret)

    async def events(request: Request) -> Response:
        try:
            data = await read_capped_body(request)
        except BodyTooLarge:
            return Response("request too large", status_code=413, headers={"Connection": "close"})
        if verify and not is_signed(verifier, data, request.headers):
            return Response("invalid request", status_code=401)
        try:
            delivery = Delivery.parse(data, request.headers, request.url.query)
        except ValueError:
            log.warning("refused a signed request whose body is not a Slack payload")
            return Response("malformed request", status_code=400)
        if delivery.answered_before_ack:
            return to_starlette_response(await handoff.answer(delivery))
        return Response(status_code=200, background=BackgroundTask(handoff.send, delivery))

    def database_answers() -> None:
        with get_engine(settings.database_url).connect() as connection:
            connection.execute(text("SELECT 1"))

    async def database_problem() -> str | None:
        try:
            await asyncio.wait_for(run_in_threadpool(database_answers), HEALTH_DEADLINE_SECONDS)
            return None
        except TimeoutError:
            return f"the database did not answer within {HEALTH_DEADLINE_SECONDS:g} s"
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

    async def healthz(_: Request) -> Response:
        database = await database_problem()
        if database is None and handoff.alive():
            return JSONResponse({"status": "ok", "database": "ok"})
        reason = database or "a worker process stopped (another is starting)"
        log.warning("health check: %s", reason)
        state = {"status": "degraded", "database": "unreachable" if database else "ok"}
        return JSONResponse({**state, "reason": reason}, status_code=503)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(handoff.close)  # acked work is done before the process exits

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def start_scheduling(settings: Settings, dispatcher: Dispatcher) -> None:
    """The background scheduler, posting through its own paced Slack client; the Homes of
    the people a post reached are refreshed after it."""
    from bot.scheduling import job_kinds
    from bot.slack.poster import SlackPoster
    from bot.slack.scheduled_homes import refreshing_homes
    from scheduler.runner import start_scheduler

    client = web_client(settings)
    poster = SlackPoster(client, database_url=settings.database_url)
    start_scheduler(
        settings.database_url,
        dispatcher.people,
        refreshing_homes(poster, dispatcher, client),
        kinds=list(job_kinds()),
    )


def serve_http(settings: Settings, *, host: str, port: int, workers: int = 2) -> None:
    """Serve HTTP; the Bolt app, the after-ack work and the scheduler run in `workers`
    child processes (none: all in this process). On SIGTERM or Ctrl-C, the work already
    acked is done before the process exits."""
    import uvicorn

    handoff: Handoff
    if workers:
        handoff = WorkerProcesses(settings, workers, scheduler=True).start()
    else:
        work = ThreadPoolExecutor(max_workers=16, thread_name_prefix="work")
        app, dispatcher = build_app(settings, workers=work)
        start_scheduling(settings, dispatcher)
        handoff = InProcess(app, work)
    log.info("HTTP mode on %s:%s (POST /slack/events, GET /healthz)", host, port)
    try:
        uvicorn.run(
            http_app(handoff, settings), host=host, port=port, log_level="warning", access_log=False
        )
    finally:
        handoff.close()  # if uvicorn never started (the lifespan closes it otherwise)


def socket_mode_handler(settings: Settings) -> tuple[SocketModeHandler, Dispatcher]:
    """A Socket Mode connection for the bot; `.start()` blocks, `.connect()` does not."""
    app, dispatcher = build_app(settings)
    handler = SocketModeHandler(app, settings.slack_app_token, web_client=web_client(settings))
    return handler, dispatcher


def serve_socket_mode(settings: Settings) -> None:
    log.info("Socket Mode: connecting")
    handler, dispatcher = socket_mode_handler(settings)
    start_scheduling(settings, dispatcher)
    handler.start()
