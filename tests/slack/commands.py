"""For the Slack end-to-end tests: `/pmo` typed in #C0APOLLO through the real HTTP
endpoint, and the scheduler run at a pinned moment against the mock Web API."""

from collections.abc import Callable
from datetime import datetime

CHANNEL = "C0APOLLO"


def command(events, slack, text: str, user: str = "U0ALICE") -> str:
    """Send `/pmo text` and return the text posted to its response URL."""
    from tests.slack_harness import payloads

    answered = len(slack.calls("response_url"))
    url = slack.response_url(f"cmd-{answered}")
    events.post_command(payloads.slash_command(text, user=user, channel=CHANNEL, response_url=url))
    return slack.wait_for("response_url", count=answered + 1)[-1].args["text"]


def scheduler_at(slack, settings, bot=None) -> Callable[[datetime], list]:
    """`run_at(moment)`: pin the clock, run what is due, return the messages it posted
    (with `bot`, refreshing the Homes a post reached, as the running bot does)."""
    from bot.core import clock
    from bot.scheduling import run_due
    from bot.slack.app import web_client
    from bot.slack.people import SlackPeople
    from bot.slack.poster import SlackPoster
    from bot.slack.scheduled_homes import refreshing_homes

    client = web_client(settings)
    people = SlackPeople(client, "Europe/London")
    poster = SlackPoster(client, database_url=settings.database_url)
    if bot is not None:
        poster = refreshing_homes(poster, bot.dispatcher, client)

    def run_at(moment: datetime) -> list:
        clock.pin(moment)
        before = len(slack.calls("chat.postMessage"))
        run_due(settings.database_url, people, poster, now=moment)
        return slack.calls("chat.postMessage")[before:]

    return run_at
