"""`/pmo` typed in #C0APOLLO through the real HTTP endpoint, for the Slack end-to-end tests."""

CHANNEL = "C0APOLLO"


def command(events, slack, text: str, user: str = "U0ALICE") -> str:
    """Send `/pmo text` and return the text posted to its response URL."""
    from tests.slack_harness import payloads

    answered = len(slack.calls("response_url"))
    url = slack.response_url(f"cmd-{answered}")
    events.post_command(payloads.slash_command(text, user=user, channel=CHANNEL, response_url=url))
    return slack.wait_for("response_url", count=answered + 1)[-1].args["text"]
