"""Modals and Home tabs: ``views.open``, ``views.push``, ``views.update``, ``views.publish``."""

from __future__ import annotations

import copy
import threading
from typing import Any

from . import blockkit
from .ids import APP_ID, BOT_ID, TEAM_ID, Sequence
from .limits import error


class Views:
    """Views the app opened (by id) and Home tabs it published (by user)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_id: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self._ids = Sequence()

    def _json(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{self._ids.next():010d}"
        return {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"1700000000.{view_id[-8:]}",
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "external_id": view.get("external_id", ""),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }

    def open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            return error(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] missing trigger_id"]}
            )
        view = args.get("view")
        problems = blockkit.view_errors(view)
        if problems:
            return error("invalid_arguments", response_metadata={"messages": problems})
        body = self._json(view)  # type: ignore[arg-type]
        with self.lock:
            self.by_id[body["id"]] = body
        return {"ok": True, "view": copy.deepcopy(body)}

    def update(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        problems = blockkit.view_errors(view)
        if problems:
            return error("invalid_arguments", response_metadata={"messages": problems})
        with self.lock:
            view_id = args.get("view_id")
            if not view_id and args.get("external_id"):
                found = [
                    v["id"] for v in self.by_id.values() if v["external_id"] == args["external_id"]
                ]
                view_id = found[0] if found else None
            if not view_id:
                return error("not_found")
            body = self._json(view, view_id)  # type: ignore[arg-type]
            self.by_id[view_id] = body
        return {"ok": True, "view": copy.deepcopy(body)}

    def publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id, view = args.get("user_id"), args.get("view")
        if not isinstance(user_id, str) or not user_id:
            return error(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] missing user_id"]}
            )
        problems = blockkit.view_errors(view)
        if problems:
            return error("invalid_arguments", response_metadata={"messages": problems})
        with self.lock:
            previous = self.home.get(user_id)
            body = self._json(view, previous["id"] if previous else None)  # type: ignore[arg-type]
            self.home[user_id] = body
        return {"ok": True, "view": copy.deepcopy(body)}
