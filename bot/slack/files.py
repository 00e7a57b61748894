"""Files shared in Slack: looked up with `files.info` and downloaded with the bot token.

The download URL comes from `files.info` (so it follows `SLACK_API_URL` in tests and
offline runs). A file we will not read becomes an `error` the skill reports, never
an exception. Documents are downloaded for the knowledge base; spreadsheets too when they
come with a message (`cost import`, `milestone import`), which gets them in `ctx.files`.
"""

from __future__ import annotations

import logging
import urllib.request
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from knowledge.documents import DocumentLoadError
from knowledge.loaders import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, check_size

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30
SPREADSHEET_EXTENSIONS = (".csv", ".xlsx")


def readable(name: str) -> bool:
    """True for the document types the knowledge base reads."""
    return name.lower().endswith(SUPPORTED_EXTENSIONS)


def share_ts(info: dict[str, Any], channel: str) -> str | None:
    """The ts of the message that shared the file in `channel` (to reply in its thread)."""
    for kind in ("public", "private"):
        shares = (info.get("shares") or {}).get(kind, {}).get(channel) or []
        if shares:
            return shares[0].get("ts")
    return None


def download(url: str, token: str | None, max_bytes: int) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        data = response.read(max_bytes + 1)
    return data


def fetch_file(
    client: WebClient,
    file_id: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    also: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`files.info` plus the bytes: `{id, name, title, permalink, timestamp, content}`,
    with `error` (a sentence for the person) instead of `content` when it cannot be had.
    `readable` says whether the knowledge base reads it; other files are downloaded only
    when their name ends with one of `also` (e.g. the spreadsheet extensions)."""
    info = client.files_info(file=file_id)["file"]
    item: dict[str, Any] = {
        "id": info["id"],
        "name": info.get("name") or info["id"],
        "title": info.get("title"),
        "permalink": info.get("permalink"),
        "timestamp": info.get("timestamp") or info.get("created"),
        "info": info,
    }
    item["readable"] = readable(item["name"])
    if not (item["readable"] or item["name"].lower().endswith(also)):
        return item
    try:
        check_size(item["name"], int(info.get("size") or 0), max_bytes)
        url = info.get("url_private_download") or info.get("url_private")
        if not url:
            raise DocumentLoadError(item["name"], "has no download link (is it an external file?).")
        item["content"] = download(url, client.token, max_bytes)
        check_size(item["name"], len(item["content"]), max_bytes)
    except DocumentLoadError as exc:
        item["error"] = exc.user_message
    except (OSError, SlackApiError) as exc:
        log.warning("could not download file %s: %s", file_id, exc)
        item["error"] = f"{item['name']} couldn't be downloaded from Slack; please share it again."
    return item


def fetch_message_files(client: WebClient, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The files a message carries, each fetched with its bytes (documents and spreadsheets)
    so the operation the message asks for can read them; one Slack will not show us is
    reported as an `error` on it."""
    fetched = []
    for shared in files:
        file_id = shared.get("id")
        if not file_id:
            continue
        try:
            fetched.append(fetch_file(client, file_id, also=SPREADSHEET_EXTENSIONS))
        except SlackApiError as exc:
            log.warning("files.info failed for %s: %s", file_id, exc.response.get("error"))
            name = shared.get("name") or file_id
            fetched.append({"id": file_id, "name": name, "error": f"I can't open {name}."})
    return fetched
