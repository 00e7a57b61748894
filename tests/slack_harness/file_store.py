"""Files of the mock workspace: ``files.info``, downloads and the v2 upload flow."""

from __future__ import annotations

import copy
import json
import mimetypes
import threading
from dataclasses import dataclass, field
from typing import Any

from .ids import BOT_USER_ID, DEFAULT_USER, TEAM_ID, WORKSPACE_URL, Sequence
from .limits import error


@dataclass
class StoredFile:
    """A file the bot can look up and download."""

    id: str
    name: str
    content: bytes
    mimetype: str
    title: str = ""
    user: str = DEFAULT_USER
    channels: list[str] = field(default_factory=list)
    created: int = 1700000000


class FileStore:
    """Files by id, plus the uploads announced by ``files.getUploadURLExternal``."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.lock = threading.Lock()
        self.files: dict[str, StoredFile] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self._ids = Sequence()

    def add(self, stored: StoredFile) -> None:
        """Register (or replace) a file."""
        with self.lock:
            self.files[stored.id] = stored

    def download_path(self, file_id: str, name: str) -> str:
        """Path of ``url_private_download`` on the mock server."""
        return f"/files-pri/{TEAM_ID}-{file_id}/download/{name}"

    def to_json(self, stored: StoredFile) -> dict[str, Any]:
        """The ``file`` object Slack returns (and puts in message ``files``)."""
        filetype = stored.name.rsplit(".", 1)[-1].lower() if "." in stored.name else "binary"
        return {
            "id": stored.id,
            "created": stored.created,
            "timestamp": stored.created,
            "name": stored.name,
            "title": stored.title or stored.name,
            "mimetype": stored.mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": stored.user,
            "user_team": TEAM_ID,
            "mode": "hosted",
            "editable": False,
            "is_external": False,
            "is_public": bool(stored.channels),
            "size": len(stored.content),
            "url_private": f"{self.base}/files-pri/{TEAM_ID}-{stored.id}/{stored.name}",
            "url_private_download": self.base + self.download_path(stored.id, stored.name),
            "permalink": f"{WORKSPACE_URL}files/{stored.user}/{stored.id}/{stored.name}",
            "channels": list(stored.channels),
            "comments_count": 0,
        }

    def file_json(self, file_id: str) -> dict[str, Any]:
        """The ``file`` object of a registered file."""
        with self.lock:
            return self.to_json(self.files[file_id])

    def find(self, file_id: str) -> StoredFile | None:
        """A registered file by id."""
        with self.lock:
            return self.files.get(file_id)

    def info(self, args: dict[str, Any]) -> dict[str, Any]:
        """Answer of ``files.info``."""
        stored = self.find(str(args.get("file", "")))
        if stored is None:
            return error("file_not_found")
        return {
            "ok": True,
            "file": self.to_json(stored),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

    def get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        """Answer of ``files.getUploadURLExternal``: an upload URL on this server."""
        filename, length = args.get("filename"), args.get("length")
        if not filename or length in (None, ""):
            return error("invalid_arguments")
        file_id = f"F{self._ids.next():010d}"
        with self.lock:
            self.pending[file_id] = {
                "filename": str(filename),
                "length": int(length),
                "content": None,
            }
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        """Store the bytes POSTed to an upload URL; False for an unknown id."""
        with self.lock:
            if file_id not in self.pending:
                return False
            self.pending[file_id]["content"] = content
            return True

    def complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        """Answer of ``files.completeUploadExternal``: files become registered."""
        files = args.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not isinstance(files, list) or not files:
            return error("invalid_arguments")
        channel = args.get("channel_id") or args.get("channels")
        channels = [c for c in str(channel).split(",") if c] if channel else []
        done = []
        with self.lock:
            for item in files:
                pending = self.pending.get(item.get("id", ""))
                if pending is None or pending["content"] is None:
                    return error("file_not_found")
                stored = StoredFile(
                    id=item["id"],
                    name=pending["filename"],
                    content=pending["content"],
                    mimetype=mimetypes.guess_type(pending["filename"])[0]
                    or "application/octet-stream",
                    title=item.get("title") or pending["filename"],
                    user=BOT_USER_ID,
                    channels=channels,
                )
                del self.pending[item["id"]]
                self.files[stored.id] = stored
                done.append(self.to_json(stored))
        return {"ok": True, "files": copy.deepcopy(done)}
