"""RAID entries as teams write them: six types, owners outside Slack, dates that are not the
entry's, decisions, titles with emoji and links (clock pinned to Mon 23 Nov 2026)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.learned import set_shared_embedder, shared_embedder
from bot.core.people import Person, StaticPeople
from skills.raid.parsing import RaidDraft, parse_raid_message, resolve_owner
from skills.raid.scoring import RaidType

NOW = datetime.fromisoformat("2026-11-23T09:00:00+00:00")  # a Monday
LONDON = ZoneInfo("Europe/London")


def parse(text: str, **kwargs: object) -> RaidDraft:
    return parse_raid_message(text, now=NOW, tz=LONDON, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=["embedded", "lexical"])
def type_model(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run with the sentence embedder (when the model is here) and with lexical features only."""
    embed = shared_embedder()
    if request.param == "embedded" and embed is None:
        pytest.skip("no embedding model (set LIVEPMO_EMBEDDING_MODEL_DIR)")
    if request.param == "lexical":
        set_shared_embedder(None)
    yield request.param
    set_shared_embedder(embed)


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Priya to send the revised budget to finance by Thursday", RaidType.ACTION),
        ("please book the venue walkthrough for next week", RaidType.ACTION),
        ("we agreed to go with the second hosting supplier", RaidType.DECISION),
        ("the board approved moving the go-live to March", RaidType.DECISION),
        ("the supplier could go bust before the kit is delivered", RaidType.RISK),
        ("the test server has been down since Tuesday", RaidType.ISSUE),
        ("staff will be released from their day jobs for the training", RaidType.ASSUMPTION),
        ("we can't start the fit-out until the landlord hands over the keys", RaidType.DEPENDENCY),
    ],
)
def test_the_type_model_reads_sentences_without_type_words(
    type_model: str, text: str, expected: RaidType
) -> None:
    draft = parse(text)
    assert (draft.type, draft.type_source) == (expected, "guess")
    assert 0 < (draft.type_probability or 0) <= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("risk: we agreed to go with the second hosting supplier", RaidType.RISK),
        ("Action: chase the landlord for the keys", RaidType.ACTION),
        ("Decision - the pilot runs in two regions", RaidType.DECISION),
        ("log an action: circulate the minutes", RaidType.ACTION),
        ("new decision: code freeze from 15 Dec", RaidType.DECISION),
        ("Rsik — vendor slips the delivery", RaidType.RISK),
        ("Isue: the printer is broken", RaidType.ISSUE),
    ],
)
def test_type_words_still_win(text: str, expected: RaidType) -> None:
    draft = parse(text)
    assert (draft.type, draft.type_source) == (expected, "explicit")


def test_a_mitigating_action_does_not_make_an_action() -> None:
    draft = parse("risk: the vendor may slip. mitigation action: weekly calls")
    assert draft.type is RaidType.RISK


# --------------------------------------------------------------------------- owners


def test_owner_me_is_the_sender() -> None:
    assert parse("risk: vendor may slip, owner me", sender="U0ALICE").owner == "U0ALICE"
    assert parse("issue: build broken — I'll take it", sender="U0ALICE").owner == "U0ALICE"
    assert parse("risk: vendor may slip, owner me").owner is None  # no sender known


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("dependency: contract signature, owner: Legal team, due Friday", "Legal team"),
        ("issue: invoices late. owned by Acme Ltd", "Acme Ltd"),
        ("risk: vendor may slip, owner jo.bloggs@acme.org", "jo.bloggs@acme.org"),
        ("risk: vendor may slip, owner <mailto:jo@acme.org|jo@acme.org>", "jo@acme.org"),
    ],
)
def test_owners_outside_slack_are_kept_as_text(text: str, name: str) -> None:
    draft = parse(text)
    assert (draft.owner, draft.owner_name) == (None, name)
    assert name.split("@")[0].split()[0].lower() not in draft.title.lower()


def test_a_name_or_email_becomes_the_slack_user_the_directory_knows() -> None:
    people = StaticPeople("UTC")
    people.add(Person("U0JO", "Jo Bloggs", "UTC", email="jo@acme.org"))
    people.add(Person("U0JOE", "Joe Black", "UTC"))
    by_mail = resolve_owner(parse("risk: vendor may slip, owner jo@acme.org"), people)
    assert (by_mail.owner, by_mail.owner_name) == ("U0JO", None)
    by_name = resolve_owner(parse("risk: vendor may slip, owner Jo Bloggs"), people)
    assert by_name.owner == "U0JO"
    unknown = resolve_owner(parse("risk: vendor may slip, owner: Legal team"), people)
    assert (unknown.owner, unknown.owner_name) == (None, "Legal team")


@pytest.mark.parametrize(
    "text",
    [
        "issue: the export is broken. cc <@U0BOB>",
        "thanks <@U0BOB> for flagging: the export is broken",
        "dependency: the vendor's test rig. send the contacts to <@U0BOB>",
        "risk: the export may break, raised by <@U0BOB>",
    ],
)
def test_people_who_are_not_the_owner(text: str) -> None:
    assert parse(text).owner is None


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("issue: the export broke, reported on 17 Nov", None),
        (
            "issue: the feed stopped, raised at the 12 Nov standup, fix by Friday",
            date(2026, 11, 27),
        ),
        ("dependency: the new tariff, effective 1 Jan", None),
        ("action: send the minutes by Wednesday", date(2026, 11, 25)),
    ],
)
def test_dates_that_are_not_the_entrys_date(text: str, expected: date | None) -> None:
    assert parse(text).date == expected


def test_a_decision_taken_is_dated_in_the_past_with_who_and_why() -> None:
    draft = parse(
        "decision: going with vendor B for hosting, agreed on Friday by <@U0CEO> because of "
        "the lower exit costs"
    )
    assert draft.type is RaidType.DECISION
    assert draft.status == "decided"
    assert draft.date == date(2026, 11, 20)  # last Friday, not the next one
    assert draft.decided_by == "U0CEO" and draft.owner == "U0CEO"
    assert draft.rationale == "The lower exit costs"
    assert draft.title == "Going with vendor B for hosting"


def test_who_decided_named_in_words_leaves_the_title() -> None:
    draft = parse("log decision: we go with Postgres, decided by the steerco")
    assert (draft.title, draft.decided_by) == ("We go with Postgres", "the steerco")


def test_a_decision_still_to_take_is_proposed_and_dated_ahead() -> None:
    draft = parse("decision: should we move the launch? need a decision by Friday")
    assert draft.status is None  # proposed, the type's first status
    assert draft.date == date(2026, 11, 27)


def test_a_decision_taken_is_not_dated_by_the_events_it_sets() -> None:
    assert parse("decision: scope frozen, agreed 3 Nov").date == date(2026, 11, 3)
    assert parse("decision: the launch moves to 12 Jan").date is None


# --------------------------------------------------------------------------- titles


def test_titles_keep_emoji_shortcodes_and_link_text() -> None:
    assert parse("issue: the build is on :fire: again").title == "The build is on :fire: again"
    linked = parse("risk: <https://jira.example.com/browse/ATL-12|ATL-12> may slip")
    assert linked.title == "ATL-12 may slip"
    assert linked.external_ref == "https://jira.example.com/browse/ATL-12"


def test_a_typo_in_the_type_word_is_not_the_title() -> None:
    assert parse("Rsik — vendor slips the delivery").title == "Vendor slips the delivery"


def test_register_ids_are_the_external_reference() -> None:
    assert parse("R-014: data centre contract may lapse").external_ref == "R-014"
    assert parse("issue: printer jams, ticket OPS-311").external_ref == "OPS-311"
    assert parse("issue: printer jams again").external_ref is None


# --------------------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("risk: API breaks. 40% likely, severe impact", (3, 5)),
        ("risk: vendor slips. Likelihood H / Impact M", (4, 3)),
        ("risk: vendor slips. probability 90%, impact v high", (5, 5)),
        ("risk: vendor slips. low likelihood, medium impact", (2, 3)),
    ],
)
def test_probability_and_impact_in_words_letters_and_percentages(
    text: str, levels: tuple[int, int]
) -> None:
    draft = parse(text)
    assert (draft.probability, draft.impact) == levels


def test_an_action_that_opens_with_its_owner() -> None:
    draft = parse("<@U0BOB> to send us the assessment sheet by Friday")
    assert (draft.type, draft.owner, draft.date) == (RaidType.ACTION, "U0BOB", date(2026, 11, 27))
    assert draft.title == "Send us the assessment sheet"
    assert parse("<@U0BOB> will write up the incident timeline").owner == "U0BOB"
    assert parse("<@U0BOT> log a risk: vendor may slip").owner is None  # the bot, addressed
