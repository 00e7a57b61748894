"""How long a person waits when the model fails: ack to offline reply, through Slack.

    python -m benchmarks.llm_fallback [--rounds 5] [--timeout 1.0] [--retries 1]

`livepmo run --http` in-process against a mock Slack Web API and the scripted
OpenAI-compatible mock (`tests.llm.mock_openai`) failing in one mode at a time: HTTP 500,
no answer (a timeout), 429 with `Retry-After: 30`, a body that is not JSON. For each mode
two mentions are posted: "how's apollo looking overall" (a routing call, then the offline
summary) and "ask who approves a change request?" (a written answer, streamed: its first
sentence is shown, then the stream breaks off the same way, except a 429, which comes
before any text; the extractive answer takes the draft's place). The time from the Events
API ack to the final reply (the message with blocks, posted or edited in) is measured (the
model's rest after a failure is cleared before each round, so each meets the failure
itself). The last line is one JSON object: per question and mode the p50 and max seconds
(target: under 3 s with the settings given).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.core import clock
from bot.core.db import migrate, session_scope
from bot.core.projects import get_project
from bot.core.settings import load_settings
from bot.llm.client import language_model
from skills.kb import service
from tests.kb.conftest import HANDBOOK
from tests.llm.mock_openai import MockOpenAI, cut, garbage, hang, status
from tests.slack.server import running_bot
from tests.slack_harness import MockSlackWebAPI, SlackEventsClient, payloads

SECRET = "bench-signing-secret"
CHANNEL = "C0APOLLO"
MODES = {
    "server_error": status(500),
    "timeout": hang(30),
    "rate_limited": status(429, retry_after=30),
    "malformed": garbage(),
}
STARTED = "A change request is approved by the change advisory board [1]. The board"
QUESTIONS = {
    "summary": ("how's apollo looking overall", MODES),
    "ask": (
        "ask who approves a change request?",
        {m: step if m == "rate_limited" else cut(STARTED, step) for m, step in MODES.items()},
    ),
}


def ack_to_reply(events: SlackEventsClient, slack: MockSlackWebAPI, words: str) -> float:
    """Seconds from the ack of a mention saying `words` to its reply: a message with blocks
    posted, or edited into the draft."""
    seen = len(slack.calls())
    event = payloads.app_mention_event(f"<@UBOT> {words}", user="U0ALICE", channel=CHANNEL)
    events.post_event(payloads.event_callback(event))
    acked = time.monotonic()
    while time.monotonic() < acked + 60:
        if any(
            c.method in ("chat.postMessage", "chat.update") and "blocks" in c.args
            for c in slack.calls()[seen:]
        ):
            return time.monotonic() - acked
        time.sleep(0.005)
    raise TimeoutError(f"no reply to {words!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=1.0, help="LIVEPMO_LLM_TIMEOUT")
    parser.add_argument("--retries", type=int, default=1, help="LIVEPMO_LLM_RETRIES")
    args = parser.parse_args(argv)
    clock.pin("2026-11-23T09:00:00+00:00")
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder, MockSlackWebAPI() as slack, MockOpenAI() as llm:
        slack.set_user("U0ALICE", tz="Europe/London", real_name="Alice")
        settings = load_settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            slack_bot_token="xoxb-bench",
            slack_app_token="xapp-bench",
            slack_signing_secret=SECRET,
            slack_api_url=slack.url,
            chroma_path=Path(folder) / "chroma",
            openai_api_key="sk-bench",
            openai_base_url=llm.url,
            livepmo_llm_timeout=args.timeout,
            livepmo_llm_retries=args.retries,
        )
        migrate(settings.database_url)
        (Path(folder) / "docs").mkdir()
        (Path(folder) / "docs" / "handbook.md").write_text(HANDBOOK)
        with running_bot(settings) as bot, SlackEventsClient(bot.url, SECRET) as events:
            bot.dispatcher.invoke(
                "project.create", {"key": "apollo", "name": "Apollo"}, user="U0ALICE",
                channel=CHANNEL,
            )  # fmt: skip
            with session_scope(settings.database_url) as session:
                project = get_project(session, "apollo")
            service.ingest_paths(settings, project, [Path(folder) / "docs"])
            warm = payloads.app_mention_event("<@UBOT> summary", user="U0ALICE", channel=CHANNEL)
            events.post_event(payloads.event_callback(warm))  # start-up costs stay out
            slack.wait_for("chat.postMessage", count=1, timeout=60)
            for question, (words, modes) in QUESTIONS.items():
                for mode, step in modes.items():
                    llm.default = step
                    waits = []
                    for _ in range(args.rounds):
                        model = language_model(settings)
                        if model is not None:
                            model.resting_until = 0.0  # each round meets the failure afresh
                        waits.append(ack_to_reply(events, slack, words))
                    name = f"{question}_{mode}"
                    figures[name] = {
                        "s_p50": round(statistics.median(waits), 3),
                        "s_max": round(max(waits), 3),
                    }
                    print(f"{name:<20} p50 {figures[name]['s_p50']} s, max {max(waits):.3f} s")
    result = {
        "benchmark": "llm_fallback",
        "timeout_s": args.timeout,
        "retries": args.retries,
        "ack_to_reply": figures,
        "target_s": 3.0,
        "within_target": all(f["s_max"] < 3.0 for f in figures.values()),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
