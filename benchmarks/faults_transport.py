"""Fault scenarios of issue 11 about the Slack transport, replayed against the real HTTP
bot (in-process, fresh SQLite or a given PostgreSQL) and a local mock Slack.

* `oversized_bodies`: four 200 MB unsigned bodies at once, then a signed command: bytes
  sent before the refusal, peak MB the process grew by, the command's ack in ms, whether
  it was answered.
* `replays`: a signed command, a button press and an event each sent three times:
  duplicates (runs beyond the first) and lost (none at all).
* `payload_command`: a slash command saying "payload": lost if never answered.
* `transient_failures`: three replies meeting Slack 500s and a read timeout: lost replies.
* `rate_limit_storm`: 20 replies in a channel answered 429 (Retry-After 90), then one in
  another channel: lost if that one is not delivered while the first still waits.
* `hung_database`: a database that accepts TCP and never answers: `/healthz` and an event's
  ack in ms; lost if the mention is never answered (with "something went wrong").
* `killed_worker`: `--workers 1`, 20 commands acked while the worker cannot claim them yet
  (its SQLite file locked, whatever `--postgres` says), then the worker killed with SIGKILL:
  duplicates and lost among their answers, and seconds until the last came.

`benchmarks.faults` calls `run()`; run alone, the last line is one JSON object:

    python -m benchmarks.faults_transport [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import httpx

from bot.core.db import migrate
from bot.core.messages import Reply
from bot.core.settings import Settings, cached_settings
from bot.slack import deliver as delivery
from bot.slack.app import web_client
from tests.knowledge.hostile import peak_memory
from tests.slack.server import RunningBot, http_settings, running_bot, sqlite_write_lock
from tests.slack_harness import MockSlackWebAPI, SlackEventsClient, payloads
from tests.slack_harness.client import encode_command, encode_event, encode_interactive
from tests.slack_harness.flood import push_unsigned_body

SECRET = "faults-signing-secret"


def _wait(check: Callable[[], Any], patience: float = 10.0) -> Any:
    deadline = time.monotonic() + patience
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def _timed_post(events: SlackEventsClient, body: bytes, content_type: str) -> float:
    """POST signed bytes; ms to the ack."""
    headers = {"Content-Type": content_type, **events.signer.headers(body)}
    started = time.perf_counter()
    events.http.post(events.path, content=body, headers=headers)
    return (time.perf_counter() - started) * 1000


def oversized_bodies(bot: RunningBot, events: SlackEventsClient, slack: MockSlackWebAPI) -> dict:
    """The bodies are pushed from child processes, so the ack measured is the bot's own."""
    spawn = get_context("spawn")
    with ProcessPoolExecutor(4, spawn) as pushers:
        list(pushers.map(abs, range(4)))  # the children are up before measuring
        with peak_memory() as peak:
            floods = [pushers.submit(push_unsigned_body, bot.url) for _ in range(4)]
            time.sleep(0.5)
            url = slack.response_url("oversized")
            ack_ms = _timed_post(
                events, *encode_command(payloads.slash_command("help", response_url=url))
            )
            refused = [flood.result() for flood in floods]
    answered = bool(_wait(lambda: slack.response_url_calls("oversized")))
    return {
        "refused": sum(status == 413 for status, _ in refused),
        "mb_sent_before_refusal": round(max(sent for _, sent in refused) / 1024 / 1024, 1),
        "peak_mb": round(peak.mb, 1),
        "ack_ms": round(ack_ms, 1),
        "lost": int(not answered),
    }


def replays(events: SlackEventsClient, slack: MockSlackWebAPI) -> dict:
    """Each delivery sent three times: how many times each ran."""
    sent = {
        "command": encode_command(
            payloads.slash_command("help", response_url=slack.response_url("replay-command"))
        ),
        "button": encode_interactive(
            payloads.block_actions(
                "no_such_action", "x", response_url=slack.response_url("replay-button")
            )
        ),
    }
    worst_ms = 0.0
    for body, content_type in sent.values():
        for _ in range(3):
            worst_ms = max(worst_ms, _timed_post(events, body, content_type))
    mention = payloads.app_mention_event("<@UBOT> help", channel="C0REPLAY")
    retried = encode_event(payloads.event_callback(mention))  # one event_id, sent three times
    for _ in range(3):
        worst_ms = max(worst_ms, _timed_post(events, *retried))
    time.sleep(1.5)
    posts = slack.calls("chat.postMessage")
    runs = {
        "command": len(slack.response_url_calls("replay-command")),
        "button": len(slack.response_url_calls("replay-button")),
        "event": len([c for c in posts if c.args["channel"] == "C0REPLAY"]),
    }
    return {
        "runs": runs,
        "duplicates": sum(max(n - 1, 0) for n in runs.values()),
        "lost": sum(n == 0 for n in runs.values()),
        "worst_ack_ms": round(worst_ms, 1),
    }


def payload_command(events: SlackEventsClient, slack: MockSlackWebAPI) -> dict:
    url = slack.response_url("payload")
    text = "help the webhook payload may exceed the limit"
    status = events.post_command(payloads.slash_command(text, response_url=url)).status_code
    answered = bool(_wait(lambda: slack.response_url_calls("payload")))
    return {"status": status, "lost": int(not answered)}


def transient_failures(settings: Settings, slack: MockSlackWebAPI) -> dict:
    """Three replies: the first meets two 500s, the second a read timeout."""
    client = web_client(settings, wait_out_rate_limits=False, timeout=1)
    slow = threading.Event()

    def answer(args: dict) -> dict:
        if args.get("channel") == "C0TWO" and not slow.is_set():
            slow.set()
            time.sleep(2)
        return {"ok": True, "channel": args.get("channel"), "ts": payloads.next_ts()}

    slack.set_answer("chat.postMessage", answer)
    slack.fail_next("chat.postMessage", status=500, times=2)
    replies = [Reply(text="transient", to_channel=c) for c in ("C0ONE", "C0TWO", "C0THREE")]
    delivery.deliver(client, replies, delivery.Origin("U0ALICE", "C0ONE", "command"))
    delivered = {c.args["channel"] for c in slack.calls("chat.postMessage") if c.ok}
    slack.reset(everything=True)
    return {
        "lost": sum(r.to_channel not in delivered for r in replies),
        "failures_injected": 3,
    }


def rate_limit_storm(events: SlackEventsClient, slack: MockSlackWebAPI) -> dict:
    slack.rate_limit("chat.postMessage", per_second=0.001, retry_after=90, per_channel=True)

    def posts(channel: str) -> list:
        return [c for c in slack.calls("chat.postMessage") if c.args["channel"] == channel]

    for _ in range(20):
        mention = payloads.app_mention_event("<@UBOT> help", channel="C0STORM")
        events.post_event(payloads.event_callback(mention))
    _wait(lambda: sum(c.ok for c in posts("C0STORM")) + delivery.held.waiting().get("C0STORM", 0)
          >= 20, patience=30)  # fmt: skip
    started = time.perf_counter()
    calm_mention = payloads.app_mention_event("<@UBOT> help", channel="C0CALM")
    events.post_event(payloads.event_callback(calm_mention))
    calm = _wait(lambda: [c for c in posts("C0CALM") if c.ok], patience=30)
    other_channel_ms = (time.perf_counter() - started) * 1000
    still_waiting = delivery.held.waiting().get("C0STORM", 0)
    delivery.held.cancel()
    slack.reset(everything=True)
    return {
        "lost": int(not calm),
        "other_channel_reply_ms": round(other_channel_ms, 1),
        "storm_replies_held": still_waiting,
    }


def hung_database(slack: MockSlackWebAPI, folder: Path) -> dict:
    server = socket.create_server(("127.0.0.1", 0))
    url = f"postgresql+psycopg://nobody@127.0.0.1:{server.getsockname()[1]}/livepmo"
    settings = http_settings(url, slack.url, folder, SECRET)
    try:
        with running_bot(settings) as bot, SlackEventsClient(bot.url, SECRET, timeout=30) as events:
            started = time.perf_counter()
            health = httpx.get(f"{bot.url}/healthz", timeout=30, trust_env=False)
            healthz_ms = (time.perf_counter() - started) * 1000
            mention = payloads.app_mention_event("<@UBOT> help", channel="C0HUNG")
            ack_ms = _timed_post(events, *encode_event(payloads.event_callback(mention)))
            told = _wait(lambda: slack.calls("chat.postEphemeral"), patience=30)  # "went wrong"
    finally:
        server.close()
    return {
        "healthz_status": health.status_code,
        "healthz_ms": round(healthz_ms, 1),
        "ack_ms": round(ack_ms, 1),
        "lost": int(not told),
    }


def killed_worker(slack: MockSlackWebAPI, folder: Path, commands: int = 20) -> dict:
    url = f"sqlite:///{folder / 'killed_worker.db'}"
    migrate(url)
    settings = http_settings(url, slack.url, folder, SECRET)
    names = [f"killed-{n}" for n in range(commands)]
    with running_bot(settings, workers=1) as bot, SlackEventsClient(bot.url, SECRET) as events:
        [pid] = bot.handoff.pids()  # type: ignore[attr-defined]
        locker = sqlite_write_lock(url)
        try:
            for name in names:
                reply_to = slack.response_url(name)
                events.post_command(payloads.slash_command("help", response_url=reply_to))
            time.sleep(0.5)  # handed to the worker, waiting for the database
            os.kill(pid, signal.SIGKILL)
            killed = time.monotonic()
        finally:
            locker.execute("ROLLBACK")
            locker.close()

        def answered() -> Counter:
            paths = [c.path.rsplit("/", 1)[1] for c in slack.calls("response_url")]
            return Counter(p for p in paths if p.startswith("killed-"))

        _wait(lambda: len(answered()) >= commands, patience=180)
        seconds = time.monotonic() - killed
        time.sleep(1.0)  # any duplicate would come now
        counts = answered()
    return {
        "acked": commands,
        "duplicates": sum(n - 1 for n in counts.values()),
        "lost": len(set(names) - set(counts)),
        "last_answer_s": round(seconds, 1) if counts else None,
    }


def run(database_url: str | None = None) -> dict[str, Any]:
    """Every scenario; the totals (`duplicates`, `lost`, `peak_mb`, `worst_ack_ms`) first."""
    scenarios: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, MockSlackWebAPI() as slack:
        folder = Path(tmp)
        url = database_url or f"sqlite:///{folder / 'faults.db'}"
        migrate(url)
        settings = http_settings(url, slack.url, folder, SECRET)
        with running_bot(settings) as bot, SlackEventsClient(bot.url, SECRET, timeout=60) as events:
            warm_up = payloads.slash_command("help", response_url=slack.response_url("warm"))
            events.post_command(warm_up)  # unmeasured
            _wait(lambda: slack.calls("response_url"))
            scenarios["oversized_bodies"] = oversized_bodies(bot, events, slack)
            scenarios["replays"] = replays(events, slack)
            scenarios["payload_command"] = payload_command(events, slack)
            scenarios["transient_failures"] = transient_failures(settings, slack)
            scenarios["rate_limit_storm"] = rate_limit_storm(events, slack)
        cached_settings.cache_clear()
        scenarios["hung_database"] = hung_database(slack, folder)
        scenarios["killed_worker"] = killed_worker(slack, folder)
    acks = [s.get(k, 0) for s in scenarios.values() for k in ("ack_ms", "worst_ack_ms")]
    return {
        "duplicates": sum(s.get("duplicates", 0) for s in scenarios.values()),
        "lost": sum(s.get("lost", 0) for s in scenarios.values()),
        "peak_mb": scenarios["oversized_bodies"]["peak_mb"],
        "worst_ack_ms": max(acks),
        **scenarios,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="run on this (migrated or empty) PostgreSQL URL")
    options = parser.parse_args()
    figures = run(options.postgres)
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
