"""Offline Slack for tests and benchmarks: mock Web API, Socket Mode server, signed requests."""

from .calls import Call, UploadedFile
from .client import AsyncSlackEventsClient, SlackEventsClient
from .ids import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID
from .signing import SlackSigner
from .socket_mode import Ack, MockSocketModeServer
from .web_api import FILE_DOWNLOAD, RESPONSE_URL, UPLOAD, MockSlackWebAPI

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "FILE_DOWNLOAD",
    "RESPONSE_URL",
    "TEAM_ID",
    "UPLOAD",
    "Ack",
    "AsyncSlackEventsClient",
    "Call",
    "MockSlackWebAPI",
    "MockSocketModeServer",
    "SlackEventsClient",
    "SlackSigner",
    "UploadedFile",
]
