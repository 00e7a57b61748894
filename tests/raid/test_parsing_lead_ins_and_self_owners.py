"""RAID messages that name their owner in words about the writer ("owner can be me"), that open
with talk about logging ("just to flag for the log:", "can someone log that"), or that name a
person as part of what they say ("only <@U1> knows the batch jobs"); clock pinned to Mon 23
Nov 2026."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.console.chat import ConsoleSession
from bot.console.runner import console_dispatcher
from bot.core.db import session_scope
from bot.core.people import Person, StaticPeople
from bot.core.settings import Settings
from bot.slack.people import SlackPeople
from skills.raid.models import RaidItem
from skills.raid.parsing import RaidDraft, parse_raid_message, resolve_owner
from skills.raid.scoring import RaidType
from tests.helpers import BOB, CHANNEL, PM
from tests.slack_harness import MockSlackWebAPI

NOW = datetime.fromisoformat("2026-11-23T09:00:00+00:00")  # a Monday
LONDON = ZoneInfo("Europe/London")
SENDER = "U0SENDER1"


def parse(text: str, **kwargs: object) -> RaidDraft:
    return parse_raid_message(text, now=NOW, tz=LONDON, sender=SENDER, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the writer owns it


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Hello, I think there is risk that the Oracle licence will be expire before "
            "migration. Owner can be me.",
            "The Oracle licence will be expire before migration",
        ),
        (
            "pls add action for me: update terraform modules for new vpc by wed",
            "Update terraform modules for new vpc",
        ),
        (
            "The vendor may not deliver the API on time. Please record this as a risk with me "
            "as owner.",
            "The vendor may not deliver the API on time",
        ),
        ("owner will be me, risk: vendor may slip the go-live", "Vendor may slip the go-live"),
        ("issue: build broken, I'm the owner", "Build broken"),
        ("issue: build broken, I can take this one", "Build broken"),
        (
            "put me down as owner - supplier contract renewal is late",
            "Supplier contract renewal is late",
        ),
        (
            "make me owner of this one: SSO certificates expire in January",
            "SSO certificates expire in January",
        ),
        ("action for myself - book the pen test for January", "Book the pen test for January"),
        (
            "Log an action for me to pull together lessons learned from the pilot",
            "Pull together lessons learned from the pilot",
        ),
    ],
)
def test_the_writer_named_owner_in_words_owns_it(text: str, title: str) -> None:
    draft = parse(text)
    assert (draft.owner, draft.owner_name, draft.title) == (SENDER, None, title)


@pytest.mark.parametrize(
    ("text", "owner_name"),
    [
        ("risk: vendor may slip. owner should be Sam", "Sam"),
        ("risk: vendor may slip. owner will be the supplier lead", "the supplier lead"),
        ("risk: vendor may slip. owner can't be decided yet", None),
        ("risk: vendor may slip, owner is TBC", None),
    ],
)
def test_an_owner_linked_by_a_verb_is_the_name_after_it(text: str, owner_name: str | None) -> None:
    draft = parse(text)
    assert (draft.owner, draft.owner_name, draft.title) == (None, owner_name, "Vendor may slip")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "risk: the migration could lead me to miss the deadline",
            "The migration could lead me to miss the deadline",
        ),
        (  # logged on my behalf: not mine, and not part of the title
            "can you log this for me: the vendor is late on the API",
            "The vendor is late on the API",
        ),
    ],
)
def test_me_in_other_roles_is_no_owner(text: str, title: str) -> None:
    draft = parse(text)
    assert (draft.owner, draft.owner_name, draft.title) == (None, None, title)


# --------------------------------------------------------------------------- lead-ins


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Just to flag for the log: the business has still not confirmed the freeze window "
            "for december",
            "The business has still not confirmed the freeze window for december",
        ),
        ("One for the log - the office wifi drops every afternoon", "The office wifi drops"),
        ("For visibility: the SOC2 audit starts next week", "The SOC2 audit starts"),
        ("just wanted to flag the vendor is late on the API", "Vendor is late on the API"),
        (
            "can someone please log an issue - printers are down on floor 3",
            "Printers are down on floor 3",
        ),
        ("Issue today: the crane didn't turn up, crew sat idle", "The crane didn't turn up"),
        (
            "actions from standup: Zoe fixes the flaky login test",
            "Zoe fixes the flaky login test",
        ),
        ("I think the vendor will slip the go-live", "The vendor will slip the go-live"),
        (
            "Hi, I believe there's a risk the hardware arrives late",
            "The hardware arrives late",
        ),
    ],
)
def test_talk_about_logging_before_the_entry_is_not_its_title(text: str, title: str) -> None:
    assert parse(text).title.startswith(title)


def test_a_decision_labelled_with_where_it_was_taken() -> None:
    draft = parse(
        "Decision from steerco this morning: we go with blue/green cutover, not big bang."
    )
    assert draft.type is RaidType.DECISION
    assert draft.title == "We go with blue/green cutover, not big bang"
    assert (draft.decided_by, draft.status) == ("steerco", "decided")
    today = parse("decision from today's call: we'll use the foundation's CI, not our own runners")
    assert today.title == "We'll use the foundation's CI, not our own runners"
    assert today.decided_by is None  # "today's call" says when, not who


def test_a_label_naming_its_subject_keeps_it() -> None:
    """Only where or when it came up is cut: "in production" says what the issue is about."""
    draft = parse("issue in production: checkout fails for EU cards")
    assert draft.title == "Issue in production — checkout fails for EU cards"
    assert parse("Risk from the new regulation: we may need to re-certify").title == (
        "Risk from the new regulation"
    )


@pytest.mark.parametrize(
    ("text", "raid_type", "title"),
    [
        ("blocked: waiting on DBA team for read replica", RaidType.ISSUE, "Waiting on DBA team"),
        ("blocker: waiting for the security sign-off", RaidType.ISSUE, "Waiting for the security"),
        ("risk: we depend on a single supplier for chips", RaidType.RISK, "We depend on a single"),
        ("waiting on legal to approve the DPA", RaidType.DEPENDENCY, "Legal to approve the DPA"),
        (
            "can someone log that we're assuming the vendor keeps the price",
            RaidType.ASSUMPTION,
            "The vendor keeps the price",
        ),
        ("risk: we're assuming the vendor keeps the price", RaidType.RISK, "We're assuming the"),
    ],
)
def test_words_that_say_a_type_are_cut_only_from_that_types_titles(
    text: str, raid_type: RaidType, title: str
) -> None:
    draft = parse(text)
    assert draft.type is raid_type
    assert draft.title.startswith(title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("pls add vendor may slip the go-live", "Vendor may slip the go-live"),
        ("raid add SSO outage on the portal", "SSO outage on the portal"),
        ("raid add risk platform tools may malfunction", "Platform tools may malfunction"),
        ("raid add it's possible the regulator asks again", "It's possible the regulator asks"),
        ("add: vendor may slip", "Vendor may slip"),
        ("Add to risks: movers quote excludes IT kit", "Movers quote excludes IT kit"),
        ("log the vendor delay on the API", "Vendor delay on the API"),
        ("PMO to refresh the forecast", "Refresh the forecast"),  # the PMO does it
    ],
)
def test_command_words_are_not_the_title(text: str, title: str) -> None:
    assert parse(text).title.startswith(title)


def test_the_register_a_message_goes_on_names_its_type() -> None:
    draft = parse("put this on the risk register: staff turnover is high")
    assert (draft.type, draft.type_source, draft.title) == (
        RaidType.RISK,
        "explicit",
        "Staff turnover is high",
    )


# --------------------------------------------------------------------------- people in the text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "risk - key person dependency, only <@U0CHEN01> knows the legacy batch jobs",
            "Key person dependency, only <@U0CHEN01> knows the legacy batch jobs",
        ),
        (
            "risk - only <@U0CHEN01> has admin access to the firewall",
            "Only <@U0CHEN01> has admin access to the firewall",
        ),
        ("risk: <@U0CHEN01> may leave in March", "<@U0CHEN01> may leave in March"),
        ("risk that <@U0CHEN01> leaves before the handover", "<@U0CHEN01> leaves before the"),
    ],
)
def test_a_person_the_entry_is_about_stays_in_the_title_and_owns_nothing(
    text: str, title: str
) -> None:
    draft = parse(text)
    assert (draft.owner, draft.owner_name) == (None, None)
    assert draft.title.startswith(title)


@pytest.mark.parametrize(
    "text",
    [
        "could <@U0CHEN01> pick up the supplier call tomorrow and report back",
        "Reminder <@U0CHEN01> send the signed timesheets to finance before the 5th",
        "next step: <@U0CHEN01> writes the migration runbook and shares it in #ops",
        "the vendor may slip <@U0CHEN01> review friday",
        "dep - design before build. <@U0CHEN01>",
        "risk: vendor may slip, <@U0CHEN01> has agreed to chase them",  # "has" helping a verb
        "action: then <@U0CHEN01> writes the runbook",  # in an action the subject does it
    ],
)
def test_a_person_asked_or_added_to_the_entry_still_owns_it(text: str) -> None:
    assert parse(text).owner == "U0CHEN01"


def test_people_in_a_title_are_written_by_name() -> None:
    people = StaticPeople("Europe/London", {"U0CHEN01": Person("U0CHEN01", "Chen Li", "UTC")})
    draft = parse("risk - key person dependency, only <@U0CHEN01> knows the legacy batch jobs")
    named = resolve_owner(draft, people).title
    assert named == "Key person dependency, only Chen Li knows the legacy batch jobs"
    unknown = resolve_owner(parse("risk: <@U0NOBODY1> may leave in March"), people).title
    assert unknown == "<@U0NOBODY1> may leave in March"  # nobody to name: the mention stays


def test_in_chat_the_owner_is_the_writer_and_a_colleague_is_named(settings: Settings) -> None:
    with MockSlackWebAPI() as slack:
        slack.set_user(BOB, real_name="Bob Jones", email="bob@example.org")
        directory = SlackPeople(WebClient(token="xoxb-test", base_url=slack.url), "UTC")
        chat = ConsoleSession(console_dispatcher(settings, directory), user=PM, channel=CHANNEL)
        chat.send(f"/pmo project create apollo Apollo --member <@{BOB}>")
        chat.send("raid add risk: the Oracle licence may expire before migration. Owner can be me.")
        chat.send(f"raid add risk - key person dependency, only <@{BOB}> knows the batch jobs")
    with session_scope(settings.database_url) as session:
        saved = {i.key: i for i in session.exec(select(RaidItem))}
    assert (saved["APOLLO-R1"].owner, saved["APOLLO-R1"].owner_name) == (PM, None)
    assert saved["APOLLO-R2"].owner is None
    assert saved["APOLLO-R2"].title == "Key person dependency, only Bob Jones knows the batch jobs"
