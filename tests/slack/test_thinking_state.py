"""The thinking state while a slow reply is worked out: an assistant thread's status, else
the working reaction on the message."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.core.messages import Message
from bot.slack.listeners import THINKING, WORKING, thinking_status, working_reaction


class Client:
    """Records the Web API calls `working_reaction` makes; `refuse` names ones that fail."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refuse = refuse

    def __getattr__(self, method: str):  # noqa: ANN204
        def call(**kwargs: Any) -> dict[str, Any]:
            self.calls.append((method, kwargs))
            if method in self.refuse:
                response = SlackResponse(
                    client=None, http_verb="POST", api_url=method, req_args={},
                    data={"ok": False, "error": "not_allowed"}, headers={}, status_code=200,
                )  # fmt: skip
                raise SlackApiError("refused", response)
            return {"ok": True}

        return call


def slow_reply(client: Client, message: Message) -> None:
    """A reply slower than the half second after which the thinking state shows."""
    working = working_reaction(client, message)  # type: ignore[arg-type]
    with working:
        working.timer.join()


ASSISTANT = Message("what is the plan?", "U0ALICE", "D0ALICE", "dm", is_dm=True, ts="2.0",
                    thread_ts="1.0")  # fmt: skip
CHANNEL = Message("what is the plan?", "U0ALICE", "C0APOLLO", "mention", ts="2.0")


def test_an_assistant_thread_shows_its_status() -> None:
    client = Client()
    slow_reply(client, ASSISTANT)
    assert client.calls == [
        (
            "assistant_threads_setStatus",
            {"channel_id": "D0ALICE", "thread_ts": "1.0", "status": THINKING},
        )
    ]


def test_elsewhere_or_when_refused_the_message_gets_the_working_reaction() -> None:
    refusing = Client(("assistant_threads_setStatus",))
    for client, message in ((Client(), CHANNEL), (refusing, ASSISTANT)):
        slow_reply(client, message)
        methods = [m for m, _ in client.calls]
        assert methods[-2:] == ["reactions_add", "reactions_remove"]
        assert client.calls[-2][1]["name"] == WORKING
    assert not thinking_status(Client(), CHANNEL)  # type: ignore[arg-type]
