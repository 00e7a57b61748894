"""`deliver` threads replies by `thread_key`: the opener's ts is recorded, later posts use it."""

from bot.core import threads
from bot.core.messages import Reply
from bot.slack import deliver as deliver_module
from bot.slack.deliver import Origin, deliver

KEY = "checkin:apollo:2026-11-23"


class FakeClient:
    """Records chat.postMessage calls and answers with a new ts each time."""

    def __init__(self) -> None:
        self.posts: list[dict] = []

    def chat_postMessage(self, **args):  # noqa: ANN003, ANN201, N802 - Slack's name
        self.posts.append(args)
        return {"ok": True, "channel": args["channel"], "ts": f"1700000000.{len(self.posts):06d}"}


def post(client: FakeClient, database_url: str | None, *replies: Reply) -> None:
    deliver(client, list(replies), Origin("", None, "scheduler"), database_url=database_url)  # type: ignore[arg-type]


def test_a_keyed_reply_goes_top_level_until_its_thread_is_opened(sqlite_only_url) -> None:
    client = FakeClient()
    post(client, sqlite_only_url, Reply(text="early", to_channel="C0APOLLO", thread_key=KEY))
    opener = Reply(text="report", to_channel="C0APOLLO", thread_key=KEY, starts_thread=True)
    post(client, sqlite_only_url, opener)
    post(client, sqlite_only_url, Reply(text="late", to_channel="C0APOLLO", thread_key=KEY))
    assert [p.get("thread_ts") for p in client.posts] == [None, None, "1700000000.000002"]
    assert threads.find(sqlite_only_url, KEY) == ("C0APOLLO", "1700000000.000002")


def test_a_thread_is_only_joined_in_its_own_channel(sqlite_only_url) -> None:
    threads.remember(sqlite_only_url, KEY, "C0APOLLO", "1700000000.000009")
    client = FakeClient()
    post(client, sqlite_only_url, Reply(text="moved", to_channel="C0NEW", thread_key=KEY))
    post(client, sqlite_only_url, Reply(text="dm", to_user="U0BOB", thread_key=KEY))
    post(client, sqlite_only_url, Reply(text="here", to_channel="C0APOLLO", thread_key=KEY))
    assert [p.get("thread_ts") for p in client.posts] == [None, None, "1700000000.000009"]


def test_without_a_database_nothing_is_threaded_or_recorded(monkeypatch) -> None:
    monkeypatch.setattr(deliver_module, "_threads_database", None)
    client = FakeClient()
    opener = Reply(text="report", to_channel="C0APOLLO", thread_key=KEY, starts_thread=True)
    post(client, None, opener, Reply(text="more", to_channel="C0APOLLO", thread_key=KEY))
    assert [p.get("thread_ts") for p in client.posts] == [None, None]


def test_listeners_use_the_database_the_app_was_built_with(monkeypatch, sqlite_only_url) -> None:
    monkeypatch.setattr(deliver_module, "_threads_database", None)
    deliver_module.keep_threads_in(sqlite_only_url)  # what build_app does
    client = FakeClient()
    opener = Reply(text="report", to_channel="C0APOLLO", thread_key=KEY, starts_thread=True)
    post(client, None, opener, Reply(text="more", to_channel="C0APOLLO", thread_key=KEY))
    assert [p.get("thread_ts") for p in client.posts] == [None, "1700000000.000001"]
