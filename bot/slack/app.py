"""Building the Bolt app and serving it over HTTP (Starlette + uvicorn) or Socket Mode."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core import learned
from bot.core.db import get_engine
from bot.core.dispatch import Dispatcher
from bot.core.settings import Settings
from bot.slack.deliver import keep_threads_in
from bot.slack.listeners import register_listeners
from bot.slack.people import SlackPeople

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> WebClient:
    """A Web API client on `SLACK_API_URL` that waits out 429s and retries dropped connections."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(settings: Settings, *, verify_token: bool = True) -> tuple[App, Dispatcher]:
    """The Bolt app with every listener, and the dispatcher it drives."""
    from skills import registry

    client = web_client(settings)
    keep_threads_in(settings.database_url)  # replies from listeners thread through it
    app = App(
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        request_verification_enabled=bool(settings.slack_signing_secret),
        token_verification_enabled=verify_token,
        process_before_response=True,
    )
    dispatcher = Dispatcher(settings, registry(), SlackPeople(client, settings.livepmo_timezone))
    learned.warm_up()  # the sentence embedder loads while the bot connects
    workers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="work")
    register_listeners(app, dispatcher, workers)
    return app, dispatcher


def http_app(app: App, settings: Settings) -> Starlette:
    """`POST /slack/events` for everything Slack sends, `GET /healthz` for probes.

    Bolt's work (signature check, ack) runs on a worker thread so one slow
    request never holds up the others.
    """
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    async def events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    def database_ok() -> bool:
        try:
            with get_engine(settings.database_url).connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check: database unreachable: %s", exc)
            return False

    async def healthz(_: Request) -> Response:
        ok = await run_in_threadpool(database_ok)
        body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unreachable"}
        return JSONResponse(body, status_code=200 if ok else 503)

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def start_scheduling(settings: Settings, dispatcher: Dispatcher) -> None:
    """The background scheduler, posting through its own paced Slack client."""
    from bot.scheduling import job_kinds
    from bot.slack.poster import SlackPoster
    from scheduler.runner import start_scheduler

    poster = SlackPoster(web_client(settings), database_url=settings.database_url)
    start_scheduler(settings.database_url, dispatcher.people, poster, kinds=list(job_kinds()))


def serve_http(settings: Settings, *, host: str, port: int) -> None:
    import uvicorn

    app, dispatcher = build_app(settings)
    start_scheduling(settings, dispatcher)
    log.info("HTTP mode on %s:%s (POST /slack/events, GET /healthz)", host, port)
    uvicorn.run(
        http_app(app, settings), host=host, port=port, log_level="warning", access_log=False
    )


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
