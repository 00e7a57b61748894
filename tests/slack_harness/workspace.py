"""State of the mock workspace and the canned Web API answers built from it."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from . import blockkit
from .ids import (
    APP_ID,
    BOT_ID,
    BOT_NAME,
    BOT_USER_ID,
    DEFAULT_TZ,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    WORKSPACE_URL,
    Sequence,
    dm_channel_for,
    ts_from,
)
from .limits import error
from .views import Views

Answer = Callable[[dict[str, Any]], dict[str, Any]]
BOT_TS_BASE = 1700000000


@dataclass
class User:
    """A workspace member as ``users.info`` describes it."""

    id: str
    real_name: str
    tz: str = DEFAULT_TZ
    is_admin: bool = False
    is_bot: bool = False
    email: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``user`` object, with the offset of ``tz`` right now."""
        now = datetime.now(ZoneInfo(self.tz))
        offset = now.utcoffset()
        name = self.real_name.lower().replace(" ", ".")
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": name,
            "team": TEAM_ID,
        }
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": profile,
        }


@dataclass
class Channel:
    """A conversation as ``conversations.info`` describes it."""

    id: str
    name: str
    members: list[str] = field(default_factory=lambda: [BOT_USER_ID])
    is_private: bool = False

    def to_json(self) -> dict[str, Any]:
        """The ``channel`` object."""
        is_im = self.id.startswith("D")
        info: dict[str, Any] = {
            "id": self.id,
            "created": 1600000000,
            "is_im": is_im,
            "is_channel": not is_im and not self.is_private,
            "is_group": not is_im and self.is_private,
            "is_private": self.is_private or is_im,
            "is_archived": False,
            "is_member": BOT_USER_ID in self.members or is_im,
            "context_team_id": TEAM_ID,
        }
        if is_im:
            info["user"] = next((m for m in self.members if m != BOT_USER_ID), "U" + self.id[1:])
        else:
            info.update(name=self.name, name_normalized=self.name, num_members=len(self.members))
        return info


class Workspace:
    """Users, channels, messages, views and reactions, with the answers over them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users: dict[str, User] = {BOT_USER_ID: User(BOT_USER_ID, "Live PMO", is_bot=True)}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.views = Views()
        self.reactions: set[tuple[str, str, str]] = set()
        self._ts = Sequence()
        self.answers: dict[str, Answer] = {
            "api.test": lambda args: {"ok": True, "args": args},
            "auth.test": self._auth_test,
            "team.info": lambda _: {
                "ok": True,
                "team": {"id": TEAM_ID, "name": TEAM_NAME, "domain": TEAM_DOMAIN},
            },
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._post_message,
            "chat.update": self._update_message,
            "chat.delete": lambda a: {"ok": True, "channel": a.get("channel"), "ts": a.get("ts")},
            "chat.postEphemeral": self._post_ephemeral,
            "chat.getPermalink": self._permalink,
            "views.open": self.views.open,
            "views.push": self.views.open,
            "views.update": self.views.update,
            "views.publish": self.views.publish,
            "reactions.add": self._add_reaction,
            "reactions.remove": self._remove_reaction,
        }

    # -- configuration -------------------------------------------------------

    def user(self, user_id: str) -> User:
        """The configured user, or a default one named after its id."""
        with self.lock:
            return self.users.get(user_id) or User(user_id, f"User {user_id}")

    def channel(self, channel_id: str) -> Channel:
        """The configured channel, or a default one named after its id."""
        with self.lock:
            if channel_id in self.channels:
                return self.channels[channel_id]
            if channel_id.startswith("D"):
                return Channel(channel_id, channel_id, [BOT_USER_ID, "U" + channel_id[1:]], True)
            return Channel(channel_id, channel_id.lower())

    def next_ts(self) -> str:
        """A fresh bot message timestamp: 1700000000.000100, .000200, ..."""
        return ts_from(BOT_TS_BASE, self._ts.next())

    def add_message(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message (``ts`` required) in a channel's history."""
        with self.lock:
            self.messages.setdefault(channel, []).append(message)
            return message

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The stored message of ``channel`` at ``ts``."""
        with self.lock:
            return next((m for m in self.messages.get(channel, []) if m.get("ts") == ts), None)

    def _resolve_channel(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            return None
        if value[0] in "UW":
            return dm_channel_for(value)
        if value[0] in "CGD" and len(value) > 1 and value.upper() == value:
            return value
        name = value.lstrip("#")
        with self.lock:
            return next((c.id for c in self.channels.values() if c.name == name), None)

    # -- answers ---------------------------------------------------------------

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user")
        if not isinstance(user_id, str) or not user_id:
            return error("user_not_found")
        return {"ok": True, "user": self.user(user_id).to_json()}

    def _users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email") or "").casefold() or "-"
        with self.lock:
            found = [u for u in self.users.values() if (u.email or "").casefold() == email]
        return {"ok": True, "user": found[0].to_json()} if found else error("users_not_found")

    def _users_list(self, _: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            members = [u.to_json() for u in self.users.values()]
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        return (
            {"ok": True, "channel": self.channel(channel).to_json()}
            if channel
            else error("channel_not_found")
        )

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        if not channel:
            return error("channel_not_found")
        members = self.channel(channel).members
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = members[start : start + limit]
        cursor = str(start + limit) if start + limit < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = args.get("users")
        if isinstance(users, list):
            users = ",".join(users)
        if not isinstance(users, str) or not users:
            return error("users_list_not_supplied")
        first = users.split(",")[0].strip()
        return {
            "ok": True,
            "no_op": True,
            "already_open": True,
            "channel": {"id": dm_channel_for(first)},
        }

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        if not channel:
            return error("channel_not_found")
        with self.lock:
            top = [
                m for m in self.messages.get(channel, []) if m.get("thread_ts", m["ts"]) == m["ts"]
            ]
        limit = int(args.get("limit") or 100)
        newest_first = sorted(top, key=lambda m: float(m["ts"]), reverse=True)
        return {
            "ok": True,
            "messages": copy.deepcopy(newest_first[:limit]),
            "has_more": len(newest_first) > limit,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts = args.get("ts")
        with self.lock:
            stored = self.messages.get(channel or "", [])
            thread = [m for m in stored if m["ts"] == ts or m.get("thread_ts") == ts]
        if not channel or not thread:
            return error("thread_not_found")
        thread.sort(key=lambda m: float(m["ts"]))
        return {"ok": True, "messages": copy.deepcopy(thread), "has_more": False}

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        if not channel:
            return error("channel_not_found")
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            return error("no_text")
        if isinstance(text, str) and len(text) > blockkit.MAX_MESSAGE_TEXT:
            return error("msg_too_long")
        problems = blockkit.blocks_errors(blocks)
        if problems:
            return error("invalid_blocks", errors=problems)
        ts = self.next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "text": text or "",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "ts": ts,
            "team": TEAM_ID,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key):
                message[key] = args[key]
        self.add_message(channel, message)
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def share_files(self, channel: str, files: list[dict[str, Any]], args: dict[str, Any]) -> None:
        """The message sharing uploaded `files` in `channel` (Slack ignores the blocks of
        a share that has an initial comment)."""
        resolved = self._resolve_channel(channel)
        if not resolved:
            return
        comment = args.get("initial_comment")
        message: dict[str, Any] = {
            "type": "message",
            "text": comment or "",
            "files": copy.deepcopy(files),
            "upload": True,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": self.next_ts(),
            "team": TEAM_ID,
        }
        if args.get("blocks") and not comment:
            message["blocks"] = args["blocks"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self.add_message(resolved, message)

    def _update_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts = args.get("ts")
        if not channel or not isinstance(ts, str):
            return error("channel_not_found" if not channel else "message_not_found")
        problems = blockkit.blocks_errors(args.get("blocks"))
        if problems:
            return error("invalid_blocks", errors=problems)
        with self.lock:
            message = self.find_message(channel, ts)
            if message is None:  # lenient: tests often act on messages they never posted
                message = self.add_message(
                    channel, {"type": "message", "user": BOT_USER_ID, "ts": ts}
                )
            for key in ("text", "blocks", "attachments"):
                if key in args:
                    message[key] = args[key]
            message["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
            body = copy.deepcopy(message)
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": body.get("text", ""),
            "message": body,
        }

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not self._resolve_channel(args.get("channel")):
            return error("channel_not_found")
        if not args.get("user"):
            return error("user_not_in_channel")
        problems = blockkit.blocks_errors(args.get("blocks"))
        if problems:
            return error("invalid_blocks", errors=problems)
        return {"ok": True, "message_ts": self.next_ts()}

    def _permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts = args.get("message_ts")
        if not channel or not isinstance(ts, str):
            return error("channel_not_found" if not channel else "message_not_found")
        link = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _reaction_key(self, args: dict[str, Any]) -> tuple[str, str, str] | dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts, name = args.get("timestamp"), args.get("name")
        if not channel:
            return error("channel_not_found")
        if not isinstance(ts, str) or not isinstance(name, str) or not name:
            return error("invalid_arguments")
        return channel, ts, name.strip(":")

    def _add_reaction(self, args: dict[str, Any]) -> dict[str, Any]:
        key = self._reaction_key(args)
        if isinstance(key, dict):
            return key
        with self.lock:
            if key in self.reactions:
                return error("already_reacted")
            self.reactions.add(key)
        return {"ok": True}

    def _remove_reaction(self, args: dict[str, Any]) -> dict[str, Any]:
        key = self._reaction_key(args)
        if isinstance(key, dict):
            return key
        with self.lock:
            if key not in self.reactions:
                return error("no_reaction")
            self.reactions.discard(key)
        return {"ok": True}
