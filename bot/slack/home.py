"""The App Home in Slack. The Hub skill builds the view (`hub.home`, transport-neutral, so the
console shows the very same Home); this module publishes it with `views.publish`:

* when the person opens the tab;
* after a button pressed in it: a modal opens, messages meant for others go out, and the Home
  is published again with what the button did (or why it could not) at its top;
* after any request, for the asker, everyone it messaged and, when it was made in a project's
  channel, the project's PMs (their portfolio), when they have opened their Home before and
  what it shows has changed (`hub.home` with `refresh` decides);
* after the scheduler posts, for everyone it messaged and the members of a project it posted
  in: a check-in now waiting, a reminder, the last weekly summary (`bot.slack.scheduled_homes`).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.core.db import session_scope
from bot.core.dispatch import Dispatcher
from bot.core.messages import Action, Reply
from bot.core.models import Role
from bot.core.projects import members_of, project_for_channel
from bot.core.text import shorten
from bot.slack.deliver import Origin, deliver

MAX_NOTICE = 600


def publish_home(
    dispatcher: Dispatcher, client: WebClient, user: str, team: str | None = None, **args: Any
) -> None:
    """Build `user`'s Home through the `hub.home` operation and publish it."""
    replies = dispatcher.invoke("hub.home", args, user=user, team=team)
    deliver(client, [r for r in replies if r.home is not None], Origin(user, None, "home"))


def from_home(body: dict[str, Any]) -> bool:
    """Whether a button was pressed in the App Home (not in a message or a modal)."""
    return (body.get("view") or {}).get("type") == "home"


def modal_view_id(body: dict[str, Any]) -> str | None:
    """The id of the modal a button was pressed in, if it was."""
    view = body.get("view") or {}
    return view.get("id") if view.get("type") == "modal" else None


def answer_home_press(
    dispatcher: Dispatcher, client: WebClient, pressed: Action, replies: list[Reply]
) -> None:
    """Modals open, replies addressed to someone go, files go to the presser by DM, and the
    rest becomes the notice at the top of their re-published Home."""
    origin = Origin(pressed.user, None, "home", trigger_id=pressed.trigger_id)
    if any(r.home is not None for r in replies):  # the button was the Home's own (paging)
        deliver(client, replies, origin)
        return
    notices = []
    for reply in replies:
        if reply.upload and not (reply.to_user or reply.to_channel):
            reply.to_user = pressed.user
            notices.append(f"{reply.text.splitlines()[0]} (sent to your messages with me)")
        elif not (reply.modal or reply.to_user or reply.to_channel):
            notices.append(shorten(reply.text.splitlines()[0] if reply.text else "", MAX_NOTICE))
    deliver(client, [r for r in replies if r.modal or r.to_user or r.to_channel], origin)
    notice = "\n".join(n for n in notices if n)
    if notice:
        publish_home(dispatcher, client, pressed.user, pressed.team, notice=notice, opened=True)
    else:  # only a modal opened: the Home changes only if something else did
        publish_home(dispatcher, client, pressed.user, pressed.team, refresh=True)


def channel_members(database_url: str, channels: set[str], role: Role | None = None) -> set[str]:
    """The members (or those with `role`) of the projects these channels belong to."""
    found: set[str] = set()
    if channels:
        with session_scope(database_url) as session:
            for channel in channels:
                project = project_for_channel(session, channel)
                if project is not None:
                    found.update(m.user_id for m in members_of(session, project, role))
    return found


def refresh_homes(
    dispatcher: Dispatcher,
    client: WebClient,
    user: str,
    replies: list[Reply],
    team: str | None = None,
    channel: str | None = None,
) -> None:
    """Re-publish the Homes a request may have changed (see the module docstring)."""
    touched = {user} | {r.to_user for r in replies if r.to_user}
    if channel:
        touched |= channel_members(dispatcher.settings.database_url, {channel}, Role.PM)
    for person in sorted(touched):
        publish_home(dispatcher, client, person, team if person == user else None, refresh=True)
