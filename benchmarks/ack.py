"""Time-to-ack in HTTP mode under concurrent load.

Starts `livepmo run --http` as a real subprocess against a local mock Slack,
then fires signed deliveries (mentions, DMs, slash commands, button clicks)
from concurrent clients and measures each request's time to the HTTP
response (the ack). Targets on a 2-core machine: p99 <= 50 ms at 250
deliveries/s from 50 concurrent clients, and >= 200 deliveries/s. The same paced load is
then sent to a Bolt app that only acks (`benchmarks.bolt_only`), reported beside it as the
baseline of this machine at this moment.

    python -m benchmarks.ack [--clients 50] [--deliveries 4000] [--workers 2]

Two phases: paced (the clients together send `--rate` deliveries a second;
time-to-ack counted from each delivery's due time) and saturated (each client
sends again as soon as it is acked: the most deliveries a second the bot acks;
its latency is then just clients / throughput). The clients run in a process of their
own, apart from the mock Slack answering the bot's replies. CPU ms per ack is the serving
process's own (the bot's front: its workers are not counted), less sensitive to other load
on the machine than latency. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tests.slack.server import free_port, wait_healthy
from tests.slack_harness import MockSlackWebAPI, SlackSigner, payloads
from tests.slack_harness.client import encode_command, encode_event, encode_interactive

SECRET = "bench-signing-secret"
KINDS = ("mention", "dm", "command", "button")


ENCODERS = {"event": encode_event, "command": encode_command, "interactive": encode_interactive}


def delivery(kind: str, n: int, response_url: str) -> tuple[str, object]:
    user = f"U0USER{n % 50:02d}"
    if kind == "mention":
        event = payloads.app_mention_event("<@UBOT> help", user=user, channel="C0BENCH")
        return "event", payloads.event_callback(event)
    if kind == "dm":
        return "event", payloads.event_callback(payloads.message_im_event("help", user=user))
    if kind == "command":
        return "command", payloads.slash_command(
            "help", user=user, channel="C0BENCH", response_url=response_url
        )
    return "interactive", payloads.block_actions(
        "bench_noop", "x", user=user, channel="C0BENCH", response_url=response_url
    )


def signed_request(port: int, signer: SlackSigner, kind: str, body: object) -> bytes:
    """The raw bytes of one signed POST /slack/events (keep-alive)."""
    data, content_type = ENCODERS[kind](body)
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": content_type,
        "Content-Length": str(len(data)),
        **signer.headers(data),
    }
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"POST /slack/events HTTP/1.1\r\n{head}\r\n".encode() + data


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response; return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        (
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length:")
        ),
        0,
    )
    if length:
        await reader.readexactly(length)
    return int(lines[0].split()[1])


async def load(
    port: int, clients: int, total: int, response_url: str, rate: float | None = None
) -> dict[str, object]:
    """`clients` keep-alive connections share `total` deliveries.

    With `rate`, delivery n is due at n/rate seconds and its latency counts from
    then (so a slow ack delays the next one's clock too: no coordinated
    omission); without it, each client sends as soon as its last was acked.
    A small hand-written HTTP/1.1 client keeps the load generator's own CPU
    cost low, so the figures measure the bot rather than the client.
    """
    signer = SlackSigner(SECRET)
    bodies = [delivery(KINDS[n % len(KINDS)], n, response_url) for n in range(total)]
    requests = [signed_request(port, signer, kind, body) for kind, body in bodies]
    counter = itertools.count()
    timings: list[float] = []
    failures: dict[str, int] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (n := next(counter)) < total:
                started = time.perf_counter()
                if rate:
                    due = begun + n / rate
                    await asyncio.sleep(max(0.0, due - started))
                    started = due
                writer.write(requests[n])
                try:
                    status = str(await read_response(reader))
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    status = type(exc).__name__
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                timings.append(time.perf_counter() - started)
                if status != "200":
                    failures[status] = failures.get(status, 0) + 1
        finally:
            writer.close()

    begun = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - begun
    timings.sort()
    return {
        "deliveries": total,
        "clients": clients,
        "failures": failures,
        "elapsed_s": round(elapsed, 2),
        "deliveries_per_s": round(total / elapsed, 1),
        "ack_p50_ms": round(statistics.median(timings) * 1000, 1),
        "ack_p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 1),
        "ack_max_ms": round(timings[-1] * 1000, 1),
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds process `pid` has used so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(*args: object) -> dict[str, object]:
    return asyncio.run(load(*args))  # type: ignore[arg-type]


def wait_for_replies(slack: MockSlackWebAPI, expected: int, patience: float = 10) -> int:
    """Wait until every reply is posted, or none has come for `patience` seconds."""
    count, last_change = 0, time.monotonic()
    while count < expected and time.monotonic() - last_change < patience:
        time.sleep(0.5)
        now = len(slack.calls("chat.postMessage")) + len(slack.calls("response_url"))
        if now != count:
            count, last_change = now, time.monotonic()
    return count


@contextmanager
def serving(
    module: list[str], env: dict[str, str], log_path: Path
) -> Iterator[tuple[int, list, int]]:
    """`python -m MODULE... PORT` on a free port until the block ends: (port, the ERROR
    and Traceback lines it logged, filled in on exit; its pid)."""
    port, errors = free_port(), []
    log = open(log_path, "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", *module, str(port)], env=env, stderr=log, text=True
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        yield port, errors, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)  # the workers finish the work acked before SIGTERM
        log.seek(0)
        errors.extend(line for line in log if " ERROR " in line or "Traceback" in line)
        print("".join(errors[:5]), file=sys.stderr, end="")
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument(
        "--rate", type=float, default=250.0, help="deliveries per second in the paced phase"
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes (`livepmo run --workers`)"
    )
    args = parser.parse_args()

    clients = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))

    def run(server: int, *load_args: object) -> dict[str, object]:
        """`load` in a process of its own (the mock Slack answering the bot's replies in
        this one must not slow the clients down: it would not slow the baseline's), with
        the CPU time the `server` process spent per delivery."""
        cpu = cpu_seconds(server)
        figures = clients.submit(run_load, *load_args).result()
        spent = cpu_seconds(server) - cpu
        return {**figures, "cpu_ms_per_delivery": round(spent * 1000 / figures["deliveries"], 2)}

    with clients, MockSlackWebAPI() as slack, tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url,
            "NO_PROXY": "127.0.0.1",
            "DATABASE_URL": args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}",
        }
        env.pop("SLACK_APP_TOKEN", None)
        reply_url = slack.response_url("bench")
        bot = ["bot.cli", "run", "--http", "--host", "127.0.0.1", "--workers", str(args.workers)]
        bot.append("--port")
        with serving(bot, env, Path(tmp) / "bot.log") as (port, errors, pid):
            run(pid, port, args.clients, 200, reply_url)
            paced = run(pid, port, args.clients, args.deliveries, reply_url, args.rate)
            time.sleep(3)
            saturated = run(pid, port, args.clients, args.deliveries, reply_url)
            drain_started = time.perf_counter()
            replies = wait_for_replies(slack, 200 + 2 * args.deliveries)
            drain_s = round(time.perf_counter() - drain_started, 1)
        bolt_only = ["benchmarks.bolt_only", "--port"]
        with serving(bolt_only, env, Path(tmp) / "baseline.log") as (port, _, pid):
            run(pid, port, args.clients, 200, reply_url)
            baseline = run(pid, port, args.clients, args.deliveries, reply_url, args.rate)
    figures = {
        "clients": args.clients,
        "workers": args.workers,
        "paced_rate_per_s": paced["deliveries_per_s"],
        "paced_ack_p50_ms": paced["ack_p50_ms"],
        "paced_ack_p99_ms": paced["ack_p99_ms"],
        "paced_ack_max_ms": paced["ack_max_ms"],
        "paced_cpu_ms_per_ack": paced["cpu_ms_per_delivery"],
        "bolt_only_rate_per_s": baseline["deliveries_per_s"],
        "bolt_only_ack_p50_ms": baseline["ack_p50_ms"],
        "bolt_only_ack_p99_ms": baseline["ack_p99_ms"],
        "bolt_only_cpu_ms_per_ack": baseline["cpu_ms_per_delivery"],
        "max_deliveries_per_s": saturated["deliveries_per_s"],
        "saturated_ack_p50_ms": saturated["ack_p50_ms"],
        "saturated_ack_p99_ms": saturated["ack_p99_ms"],
        "failures": {**paced["failures"], **saturated["failures"]},
        "replies_expected": 200 + 2 * args.deliveries,
        "replies_posted": replies,
        "backlog_drain_s": drain_s,
        "bot_errors_logged": len(errors),
    }
    figures["targets_met"] = (
        figures["paced_ack_p99_ms"] <= 50
        and figures["paced_rate_per_s"] >= 200
        and figures["max_deliveries_per_s"] >= 200
    )
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    print(json.dumps({"benchmark": "ack", **figures}))


if __name__ == "__main__":
    main()
