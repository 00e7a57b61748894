"""A document is named by one title everywhere (the add reply, `kb list`), escaped exactly
once: a Slack title of `<!channel>` shows as text, never as a mention, never as "&lt;"."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.settings import Settings
from skills.kb.models import KbDocument
from skills.kb.views import documents_text
from tests.kb.conftest import HANDBOOK
from tests.slack.commands import CHANNEL, command
from tests.slack.conftest import bot, events, slack, slack_settings  # noqa: F401
from tests.slack_harness import payloads

TITLE = "<!channel> *title*"
SHOWN = "&lt;!channel&gt; *title*"  # what Slack renders as the literal title


def test_a_linked_title_is_escaped_once() -> None:
    document = KbDocument(
        id=7,
        scope="project-apollo",
        source="slack:F0TITLE",
        title=TITLE,
        file_type="markdown",
        content_hash="0" * 64,
        modified_at=datetime(2026, 3, 1, tzinfo=UTC),
        link="https://example.slack.com/files/U0ALICE/F0TITLE/handbook.md",
        chunk_count=2,
    )
    listed = documents_text([document], "the `apollo` documents")
    assert f"`#7` <https://example.slack.com/files/U0ALICE/F0TITLE/handbook.md|{SHOWN}>" in listed
    assert "&amp;" not in listed and "<!channel>" not in listed


def test_a_shared_file_is_added_and_listed_under_its_slack_title(
    events,  # noqa: F811
    slack,  # noqa: F811
    slack_settings: Settings,  # noqa: F811
) -> None:
    assert "Created project" in command(events, slack, "project create apollo Apollo")
    slack.add_file("F0TITLE", "handbook.md", HANDBOOK.encode(), title=TITLE, channels=[CHANNEL])
    shared = payloads.file_shared_event("F0TITLE", user="U0ALICE", channel=CHANNEL)
    events.post_event(payloads.event_callback(shared))
    [added] = slack.wait_for("chat.postMessage", 1)
    assert added.args["text"].startswith(f"Added *{SHOWN}* (")
    listed = command(events, slack, "kb list")
    assert f"|{SHOWN}>" in listed and "Delivery handbook" not in listed
    events.post_event(payloads.event_callback(dict(shared, event_ts=payloads.next_ts())))
    again = slack.wait_for("chat.postMessage", 2)[-1]
    assert again.args["text"].startswith(f"*{SHOWN}* is already up to date.")
    every_text = [call.args.get("text", "") for call in slack.calls("chat.postMessage")]
    assert not any("<!channel>" in text or "&amp;" in text for text in [*every_text, listed])
