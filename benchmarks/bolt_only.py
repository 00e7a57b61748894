"""A Bolt app that acks everything and does nothing, served like the bot: the baseline
`benchmarks.ack` measures beside Live PMO in the same run.

    python -m benchmarks.bolt_only --port N   (SLACK_SIGNING_SECRET, SLACK_API_URL set)
"""

from __future__ import annotations

import argparse
import os
import re

import uvicorn
from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ANY = re.compile(".*")


def bolt_only_app(signing_secret: str, api_url: str) -> Starlette:
    app = App(
        signing_secret=signing_secret,
        client=WebClient(token="xoxb-baseline", base_url=api_url),
        process_before_response=True,
    )

    def just_ack(ack: Ack) -> None:
        ack()

    for kind in (app.event, app.command, app.action, app.shortcut, app.view):
        kind(ANY)(just_ack)

    async def events(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = bolt_only_app(os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_API_URL"])
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
