"""Reading RAID entries from what people type in Slack (clock pinned to Mon 23 Nov 2026)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.learned import Prediction
from skills.raid.parsing import (
    TITLE_MAX_WORDS,
    RaidDraft,
    parse_date_phrase,
    parse_level,
    parse_levels,
    parse_raid_message,
)
from skills.raid.parsing.kind import _classify
from skills.raid.parsing.type_cues import cues
from skills.raid.scoring import RaidType, Severity

NOW = datetime.fromisoformat("2026-11-23T09:00:00+00:00")  # a Monday
LONDON = ZoneInfo("Europe/London")
BOT = "<@U0BOT0001>"


def parse(text: str, **kwargs: object) -> RaidDraft:
    return parse_raid_message(text, now=NOW, tz=LONDON, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the whole message


def test_full_risk_message() -> None:
    draft = parse(
        f"{BOT} log a risk: vendor may slip the go-live, owner <@U04F2KQ8V1M>, review Friday, "
        "likelihood high impact medium"
    )
    assert draft.type is RaidType.RISK
    assert draft.type_source == "explicit"
    assert draft.title == "Vendor may slip the go-live"
    assert draft.owner == "U04F2KQ8V1M"
    assert draft.date == date(2026, 11, 27)
    assert (draft.probability, draft.impact) == (4, 3)
    assert draft.score == 12 and draft.severity is Severity.HIGH
    assert draft.problems == [] and not draft.missing_title


def test_description_keeps_the_details_but_not_the_command() -> None:
    draft = parse(f"{BOT} log a risk: vendor may slip, owner <@U1ABCDEF>. review Friday")
    assert draft.description == "vendor may slip, owner <@U1ABCDEF>. review Friday"


def test_dependency_with_a_deadline() -> None:
    draft = parse("new dependency: the data team must deliver the extract by 15 Dec")
    assert draft.type is RaidType.DEPENDENCY
    assert draft.title == "The data team must deliver the extract"
    assert draft.date == date(2026, 12, 15)
    assert draft.owner is None


# --------------------------------------------------------------------------- type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("raid add risk platform tools malfunction... unlikely (2)", RaidType.RISK),
        ("Risk that we don't secure planning consent", RaidType.RISK),
        ("there's a risk the supplier goes bust", RaidType.RISK),
        ("issue: the login page is broken on Safari", RaidType.ISSUE),
        ("blocker: test environment down since Friday", RaidType.ISSUE),
        ("Problem: the printer keeps jamming", RaidType.ISSUE),
        ("we're assuming the budget is approved", RaidType.ASSUMPTION),
        ("assumption: users will have SSO accounts", RaidType.ASSUMPTION),
        ("the business case assumes all staff are available", RaidType.ASSUMPTION),
        ("dep: supplier test environment", RaidType.DEPENDENCY),
        ("go-live depends on the network upgrade", RaidType.DEPENDENCY),
        ("waiting on legal to approve the DPA", RaidType.DEPENDENCY),
        ("blocked until the security team signs off the pen test", RaidType.DEPENDENCY),
        ("only possible if they fix their technical issue. tracking as a dep", RaidType.DEPENDENCY),
        ("Assumption: standard reports are enough (see risk 8)", RaidType.ASSUMPTION),
        ("risk: might not get resource. not a blocker yet", RaidType.RISK),
    ],
)
def test_type_from_words(text: str, expected: RaidType) -> None:
    draft = parse(text)
    assert draft.type is expected
    assert draft.type_source == "explicit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the vendor might not deliver the hardware in time", RaidType.RISK),
        ("tools that are free today could start costing money", RaidType.RISK),
        ("the staging database is down and nobody can deploy", RaidType.ISSUE),
        ("the portal upgrade failed its load test", RaidType.ISSUE),
        (
            "marketing approval is still outstanding and it's holding up the templates",
            RaidType.ISSUE,
        ),
        ("we can't finalise the requirements until the client gives feedback", RaidType.DEPENDENCY),
        ("pilot only happens once the platform team delivers", RaidType.DEPENDENCY),
        ("the office move can't start until there's a decision on the lease", RaidType.DEPENDENCY),
        ("we expect the client to provide test accounts", RaidType.ASSUMPTION),
    ],
)
def test_type_guessed_from_the_sentence(text: str, expected: RaidType) -> None:
    draft = parse(text)
    assert draft.type is expected
    assert draft.type_source == "guess"


def test_default_type_wins_over_a_guess_but_not_over_a_keyword() -> None:
    guessed = parse("the vendor might slip", default_type=RaidType.ISSUE)
    assert (guessed.type, guessed.type_source) == (RaidType.ISSUE, "default")
    named = parse("risk: the vendor might slip", default_type=RaidType.ISSUE)
    assert (named.type, named.type_source) == (RaidType.RISK, "explicit")


class _Leaning:
    """A stand-in type model that leans towards one type with a given probability."""

    def __init__(self, label: str, p: float) -> None:
        self.label, self.p = label, p

    def predict(self, text: str) -> Prediction:
        rest = (1 - self.p) / (len(RaidType) - 1)
        table = {t.value: (self.p if t.value == self.label else rest) for t in RaidType}
        return Prediction(self.label, self.p, table)


@pytest.mark.parametrize(
    ("text", "model", "expected", "source"),
    [
        # a type word late in the message is a hint; a confident model outweighs it
        ("Eva to collect the figures, we depend on them", ("action", 0.8), "action", "guess"),
        # an early type word counts KEYWORD_PRIOR times: it beats a model that is unsure
        ("dependency on the print supplier for the leaflets", ("risk", 0.5), "dependency",
         "explicit"),
        # a label decides whatever the model thinks
        ("risk: Eva to collect the figures", ("action", 0.99), "risk", "explicit"),
        # a type named with a purpose is what a task creates: the model decides, even unsure
        ("Jo: write it up and open an issue to track it", ("action", 0.4), "action", "guess"),
        ("open an issue to follow up with legal", ("action", 0.4), "action", "guess"),
        # "to the …" is no purpose: still a label
        ("log a risk to the register: the vendor may slip", ("action", 0.9), "risk", "explicit"),
    ],
)  # fmt: skip
def test_type_words_weigh_against_the_model(
    text: str, model: tuple[str, float], expected: str, source: str
) -> None:
    reading = _classify(text, None, False, types=lambda: _Leaning(*model))  # type: ignore[arg-type,return-value]
    assert (reading.type.value, reading.source) == (expected, source)


@pytest.mark.parametrize(
    ("text", "expected", "source"),
    [
        # a likelihood is a risk's: it outweighs a model sure of another type, and a type word
        ("build server keeps running out of disk, likely, medium impact", "risk", "likelihood"),
        ("we could see the disk issue again on release day, likely", "risk", "likelihood"),
        # a label still decides
        ("issue: build server keeps running out of disk, likely, medium impact", "issue",
         "explicit"),
    ],
)  # fmt: skip
def test_a_stated_likelihood_makes_it_a_risk(text: str, expected: str, source: str) -> None:
    reading = _classify(text, None, True, types=lambda: _Leaning("issue", 0.95))  # type: ignore[arg-type,return-value]
    assert (reading.type.value, reading.source) == (expected, source)


def test_a_date_ahead_in_a_decision_is_set_aside_not_refused() -> None:
    draft = parse("decision: go with vendor B, <@U0OWNER01> to sign by Wednesday next week")
    assert draft.type is RaidType.DECISION and draft.status == "decided"
    assert draft.problems == []  # the item is saved; the date is the signing's, not the decision's
    assert draft.date is None


# --------------------------------------------------------------------------- owner


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("risk: budget cut. owner <@U05RL9C2ZK8>, review 12 Dec", "U05RL9C2ZK8"),
        ("risk: budget cut. <@U04F2KQ8V1M> owns this one", "U04F2KQ8V1M"),
        ("risk: budget cut. <@U02HX7T3N9Q|sam> can you own?", "U02HX7T3N9Q"),
        ("issue: build broken. <@U03LS2D7H5W> on it, due 2026-12-09", "U03LS2D7H5W"),
        ("dep - design before build. <@U07HJ2M5P9R>", "U07HJ2M5P9R"),
        ("thanks <@U03ZP6M4B2D> for spotting — approval is still outstanding", None),
        ("cc <@U0A1B2C3D4> — risk: hiring freeze", None),
        ("Issue raised by <@U0A1B2C3D4>: the test rig is broken", None),
        ("risk: venue. thanks <@U0AAAAAA1>! <@U0BBBBBB2> to own", "U0BBBBBB2"),
        ("risk: venue. <@U0AAAAAA1> <@U0BBBBBB2> fyi", None),
        (f"{BOT} log a risk: the venue may cancel", None),
        (f"{BOT} risk: the venue may cancel, <@U0CCCCCC3> to chase", "U0CCCCCC3"),
        ("<@U0DDDDDD4> can you own this risk: supplier insolvency", "U0DDDDDD4"),
        ("risk: the venue may cancel", None),
    ],
)
def test_owner(text: str, owner: str | None) -> None:
    assert parse(text).owner == owner


def test_known_bot_id_is_never_the_owner() -> None:
    draft = parse("risk: venue may cancel <@U0BOT0001>", bot_user_id="U0BOT0001")
    assert draft.owner is None


def test_owner_written_as_plain_text() -> None:
    assert parse("dep: supplier test environment. owner supplier lead, due Friday").owner_name == (
        "supplier lead"
    )
    draft = parse("@pmo log a risk: vendor may slip, owner @bob, review Friday")
    assert (draft.owner, draft.owner_name) == (None, "bob")


@pytest.mark.parametrize(
    ("text", "owner_name", "title"),
    [
        ("ACTION: Sam to send the contract to legal", "Sam", "Send the contract to legal"),
        ("action: Legal team will review the NDA", "Legal team", "Review the NDA"),
        ("action: we to review the plan", None, "We to review the plan"),
        ("risk: Sam to leave in March", None, "Sam to leave in March"),  # only an action's doer
    ],
)
def test_an_actions_doer_named_at_its_start_owns_it(
    text: str, owner_name: str | None, title: str
) -> None:
    draft = parse(text)
    assert (draft.owner_name, draft.title) == (owner_name, title)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("review Friday", date(2026, 11, 27)),
        ("review next Monday", date(2026, 11, 30)),
        ("review next Friday", date(2026, 12, 4)),
        ("fix by Wednesday next week", date(2026, 12, 2)),
        ("review end of next week", date(2026, 12, 4)),
        ("review in 2 weeks", date(2026, 12, 7)),
        ("review in a fortnight", date(2026, 12, 7)),
        ("due end of month", date(2026, 11, 30)),
        ("review 15 Dec", date(2026, 12, 15)),
        ("review on 3rd December", date(2026, 12, 3)),
        ("review Dec 10", date(2026, 12, 10)),
        ("needed by 15/01", date(2027, 1, 15)),
        ("review 15 Jan", date(2027, 1, 15)),
        ("needed end of Jan", date(2027, 1, 31)),
        ("validate by 2026-12-11", date(2026, 12, 11)),
        ("need a fix by tomorrow", date(2026, 11, 24)),
        ("can you chase by EOD tomorrow?", date(2026, 11, 24)),
        ("API keys from partner, eod friday", date(2026, 11, 27)),
        ("needs doing within 10 working days", date(2026, 12, 7)),
        ("review mid-December", date(2026, 12, 15)),
        ("review end of Q1", date(2027, 3, 31)),
        ("review on the 15th", date(2026, 12, 15)),
    ],
)
def test_date_phrases(phrase: str, expected: date) -> None:
    draft = parse(f"risk: supplier may slip. {phrase}")
    assert draft.date == expected
    assert draft.problems == []


@pytest.mark.parametrize(
    "text",
    [
        "issue: as of today none of the reports are working",
        "issue: the build is broken since Friday",
        "issue: sprint 14 overran by 3 days",
        "dependency: onboarding has to finish before the licence expires in January",
        "risk (rare, 1/5): people leave",
        "tools that are free today might start costing money",
        "issue: delay in receiving the 1st draft",
        "risk: the SDK 11.2.1 bump may break the build",
    ],
)
def test_text_that_is_not_the_entry_date(text: str) -> None:
    assert parse(text).date is None


def test_the_cued_date_beats_an_incidental_one() -> None:
    draft = parse("dep: on-boarding before the licence expires in January. needed by 8 Jan.")
    assert draft.date == date(2027, 1, 8)


def test_relative_dates_use_the_users_timezone() -> None:
    late_sunday_utc = datetime.fromisoformat("2026-11-22T23:30:00+00:00")
    in_auckland = parse_raid_message(
        "risk: x. review tomorrow", now=late_sunday_utc, tz=ZoneInfo("Pacific/Auckland")
    )
    assert in_auckland.date == date(2026, 11, 24)  # already Monday 23rd there
    in_london = parse_raid_message("risk: x. review tomorrow", now=late_sunday_utc, tz=LONDON)
    assert in_london.date == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("risk: exam clash. review by 31 Nov", "31 Nov"),
        ("log a risk: scope creep. due fridya", "fridya"),
        ("risk: cut-over clash. review date: sometime soon", "sometime soon"),
        ("risk: venue. validate by 2026-13-45", "2026-13-45"),
    ],
)
def test_unreadable_dates_are_reported(text: str, shown: str) -> None:
    draft = parse(text)
    assert draft.date is None
    assert any(shown in problem for problem in draft.problems)


# --------------------------------------------------------------------------- probability / impact


@pytest.mark.parametrize(
    ("text", "probability", "impact"),
    [
        ("risk: GitLab outage. P1 I5", 1, 5),
        ("risk: the audit may find gaps. p3 i4", 3, 4),
        ("risk: the i5 laptops arrive late", None, None),
        ("risk: disk failure. 3x4 (LxI)", 3, 4),
        ("risk: disk failure. 3x4 (IxL)", 4, 3),
        ("risk: supplier slip. likelihood 4/5", 4, None),
        ("risk: supplier slip. P/I: high/medium", 4, 3),
        ("risk: supplier slip. high/medium", 4, 3),
        ("risk: supplier slip, likelihood high impact medium", 4, 3),
        ("risk: skills gap. medium likelihood, high impact", 3, 4),
        ("risk: staff leave. impact medium, probability low", 2, 3),
        ("risk: labs unavailable. L low / I low", 2, 2),
        ("risk: budget. L: medium, I: low", 3, 2),
        ("risk: supplier goes bust. Very unlikely but extreme impact if it happens.", 1, 5),
        ("risk: grant clawback. Almost certain and very high impact.", 5, 5),
        ("risk: coordination. I'd say likely. Review Friday", 4, None),
        ("raid add risk: tools malfunction. unlikely (2)", 2, None),
        ("risk: costs. prob 3, impact 5", 3, 5),
        ("risk: budget. likelihood 2, severity 4", 2, 4),
        ("issue: nobody can build. impact high", None, 4),
        ("issue: reports down. sev high", None, 4),
        ("issue: minor delay, so low impact for now", None, 2),
        ("assumption: the API stays fast. If not, impact is very high", None, 5),
        ("risk: pilot drop-out. 50% chance, impact 3", 3, 3),
        ("risk: storms. likelihood: medium-high; impact: severe", 4, 5),
        ("Issue (RED): resource shortfall", None, None),
        ("risk: it's a Priority 2 project and the PM may leave", None, None),
        ("risk: the vendor might only possibly deliver", None, None),
    ],
)
def test_probability_and_impact(text: str, probability: int | None, impact: int | None) -> None:
    draft = parse(text)
    assert (draft.probability, draft.impact) == (probability, impact)
    assert draft.problems == []


@pytest.mark.parametrize(
    ("text", "probability", "impact", "named"),
    [
        ("risk: data centre move. likelihood 6, impact 3", None, 3, "Probability '6'"),
        ("risk: funding. Impact: 9", None, None, "Impact '9'"),
        ("risk: funding. P0 I2", None, 2, "Probability '0'"),
        ("risk: funding. 7x2", None, 2, "Probability '7'"),
    ],
)
def test_levels_outside_the_scale_are_reported(
    text: str, probability: int | None, impact: int | None, named: str
) -> None:
    draft = parse(text)
    assert (draft.probability, draft.impact) == (probability, impact)
    assert any(named in problem and "1-5" in problem for problem in draft.problems)


@pytest.mark.parametrize(
    "text", ["issue: outage with impact 200 users", "issue: outage. impact 2 weeks of delay"]
)
def test_amounts_after_an_impact_word_are_not_levels(text: str) -> None:
    draft = parse(text)
    assert draft.impact is None and draft.problems == []


def test_a_range_of_levels_rounds_up() -> None:
    assert parse("risk: slip. impact 3-4").impact == 4
    assert parse("risk: slip. likelihood low-medium").probability == 3


# --------------------------------------------------------------------------- title


TITLES = [
    (
        "Risk: labs become unavailable, so we lose access. L low / I low.",
        "Labs become unavailable, so we lose access",
    ),
    (
        "risk: GitLab disruption — repo integrity compromised. P1 I5",
        "GitLab disruption — repo integrity compromised",
    ),
    ("FYI we're assuming Nomad is integrated with Vault 🔐", "Nomad is integrated with Vault"),
    (
        "thanks <@U03ZP6M4B2D> for spotting — marketing approval is outstanding",
        "Marketing approval is outstanding",
    ),
    ("dependency on the OpenAI API rate limits. medium impact", "The OpenAI API rate limits"),
    (
        "there's a risk that upgrading to v3.1 surfaces bugs. <@U06KD1S9XJ7> owner",
        "Upgrading to v3.1 surfaces bugs",
    ),
    (
        "risk: we might miss the 3 Dec steering committee",
        "We might miss the 3 Dec steering committee",
    ),
]


@pytest.mark.parametrize(("text", "title"), TITLES)
def test_title_is_the_cleaned_problem_statement(text: str, title: str) -> None:
    assert parse(text).title == title


def test_titles_drop_slack_formatting_links_and_emoji() -> None:
    draft = parse(
        "🚨 risk: *vendor* _may_ slip the `go-live` 😬 see <https://jira.example.com/X-1|X-1>, "
        "review 12/05"
    )
    assert draft.title == "Vendor may slip the go-live"
    assert draft.date == date(2027, 5, 12)  # day first; 12 May 2026 has passed


def test_non_latin_titles_are_kept() -> None:
    assert parse("risk: सर्वर बंद हो सकता है").title == "सर्वर बंद हो सकता है"


def test_long_titles_are_cut_to_a_usable_length() -> None:
    draft = parse(
        "log a risk: the colour filter plus average pixel position approach is not finding the "
        "localisation stickers accurately and they interfere with each other"
    )
    assert 3 <= len(draft.title.split()) <= TITLE_MAX_WORDS
    assert draft.title.startswith("The colour filter")
    assert not draft.missing_title


@pytest.mark.parametrize(
    "text",
    ["", "   ", "log a risk", BOT, f"{BOT} new risk:", "🔥🔥🔥", "Review Friday", "P4 I3"],
)
def test_missing_title(text: str) -> None:
    draft = parse(text)
    assert draft.missing_title and draft.title == ""


# --------------------------------------------------------------------------- odd input


@pytest.mark.parametrize(
    "text",
    [
        "<@U",
        "<@>",
        "((((((",
        "1/2/3/4/5/6",
        "31/02/2026",
        "P99 I99 99x99",
        "\x00\x01\x02",
        "🦄" * 500,
        "issue:" + "\n" * 50,
        "risk " * 2000,
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    draft = parse(text)
    assert isinstance(draft, RaidDraft)
    assert isinstance(draft.problems, list)


def test_huge_message_is_parsed_whole() -> None:
    filler = "The vendor may not deliver the extract on time because of staffing issues. " * 540
    text = f"{BOT} log a risk: vendor slip. {filler} owner <@U0OWNER01>, review Friday, P4 I3"
    assert len(text) > 40_000
    draft = parse(text)  # timed by `benchmarks.raid_parsing --stress`
    assert draft.title == "Vendor slip"
    assert draft.owner == "U0OWNER01"
    assert draft.date == date(2026, 11, 27)
    assert (draft.probability, draft.impact) == (4, 3)
    assert len(draft.description) > 40_000


# --------------------------------------------------------------------------- update helpers


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("high", 4),
        ("High", 4),
        ("very high", 5),
        ("vh", 5),
        ("M", 3),
        ("4", 4),
        ("4/5", 4),
        ("8/10", 4),
        ("medium-high", 4),
        ("severe", 5),
        ("unlikely", 2),
        ("P4", 4),
        ("likelihood: low", 2),
        ("6", None),
        ("0", None),
        ("banana", None),
        ("", None),
    ],
)
def test_parse_level(typed: str, expected: int | None) -> None:
    assert parse_level(typed) == expected


def test_parse_level_for_impact_refuses_likelihood_words() -> None:
    assert parse_level("unlikely", kind="impact") is None
    assert parse_level("70%", kind="probability") == 4
    assert parse_level("70%", kind="impact") is None


def test_parse_levels_reads_both() -> None:
    assert parse_levels("P4 I3") == (4, 3, [])
    probability, impact, problems = parse_levels("likelihood 9")
    assert (probability, impact) == (None, None) and len(problems) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("next friday", date(2026, 12, 4)),
        ("Friday", date(2026, 11, 27)),
        ("by 2026-12-15", date(2026, 12, 15)),
        ("15 Dec", date(2026, 12, 15)),
        ("in 2 weeks", date(2026, 12, 7)),
        ("end of month", date(2026, 11, 30)),
        ("tomorrow", date(2026, 11, 24)),
        ("the 15th", date(2026, 12, 15)),
        ("none", None),
        ("whenever", None),
        ("", None),
        ("x" * 5000, None),
    ],
)
def test_parse_date_phrase(typed: str, expected: date | None) -> None:
    assert parse_date_phrase(typed, now=NOW, tz=LONDON) == expected


@pytest.mark.parametrize(
    ("text", "title", "mitigation"),
    [
        (
            "Risk: data migration may fail. Mitigation - dry run in staging. P3 I4",
            "Data migration may fail",
            "Dry run in staging",
        ),
        (
            "supplier insolvency; contingency: keep two weeks of stock; owner <@U1>",
            "Supplier insolvency",
            "Keep two weeks of stock",
        ),
        (
            "risk: key engineer leaving, mitigation is knowledge transfer sessions, review 1 Dec",
            "Key engineer leaving",
            "Knowledge transfer sessions",
        ),
        ("risk: the audit may find gaps, mitigation: TBD", "The audit may find gaps", None),
        ("issue: we are still waiting on response - legal team", None, None),
        (
            "risk: the response from the vendor was slow",
            "The response from the vendor was slow",
            None,
        ),
    ],
)
def test_a_labelled_response_is_read_apart_from_the_title(
    text: str, title: str | None, mitigation: str | None
) -> None:
    draft = parse(text)
    assert draft.mitigation == mitigation
    if title is not None:
        assert draft.title == title
    assert "itigation" not in draft.title and "ontingency" not in draft.title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the vendor may not deliver in time", {"cue:hedge"}),
        ("Priya to send the budget by Thursday", {"cue:doer", "cue:task"}),
        ("agreed in the call: we go with vendor B", {"cue:settled"}),
        ("can't start the migration until the schema docs arrive", {"cue:waits", "cue:fault"}),
        ("we assume the rooms are free in the evenings", {"cue:premise"}),
        ("new office furniture", {"cue:none"}),
    ],
)
def test_speech_act_cues_the_type_model_reads(text: str, expected: set[str]) -> None:
    assert set(cues(text)) == expected
