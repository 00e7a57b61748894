"""Decoding of the request bodies slack_sdk sends: form, JSON and multipart."""

from __future__ import annotations

import contextlib
import json
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from .calls import UploadedFile

# Form fields Slack defines as JSON strings; decoded so tests see the same
# shape whichever encoding the client chose.
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files", "user_auth_blocks"})


def _header_params(value: str, header: str = "content-type") -> Message:
    msg = Message()
    msg[header] = value
    return msg


def parse_query(query: str) -> dict[str, Any]:
    """Query or form-encoded text to a dict (repeated keys become lists)."""
    args: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in args:
            prior = args[key]
            args[key] = [*prior, value] if isinstance(prior, list) else [prior, value]
        else:
            args[key] = value
    return args


def parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """``multipart/form-data`` to a dict; file parts become ``UploadedFile``."""
    boundary = _header_params(content_type).get_param("boundary")
    if not isinstance(boundary, str):
        return {}
    args: dict[str, Any] = {}
    for part in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""), "content-disposition")
        name = disposition.get_param("name", header="content-disposition")
        filename = disposition.get_param("filename", header="content-disposition")
        if not isinstance(name, str):
            continue
        if isinstance(filename, str):
            mimetype = headers.get("content-type", "application/octet-stream")
            args[name] = UploadedFile(filename, mimetype, content)
        else:
            args[name] = content.decode("utf-8", "replace")
    return args


def decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-string values of the fields in ``JSON_FIELDS``."""
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args


def parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """Any body slack_sdk or bolt sends, to a dict of arguments."""
    if not body:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            return {"_raw": body}
        return decode_json_fields(decoded) if isinstance(decoded, dict) else {"_json": decoded}
    if kind == "multipart/form-data":
        return decode_json_fields(parse_multipart(body, content_type))
    if kind in ("application/x-www-form-urlencoded", ""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return {"_raw": body}
        return decode_json_fields(parse_query(text))
    return {"_raw": body}
