"""Offline parsing of free-text status updates (skills.status.parsing)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from benchmarks import status_parsing as bench
from skills.status import parsing
from skills.status.parsing import StatusDraft, parse_status_update


def test_labelled_sections_become_items() -> None:
    draft = parse_status_update(
        "Done: experimented with rotating objects inside a single actor\n"
        "Next: figure out the orientation problem, then the wrecking ball simulation\n"
        "Blocked: rotation matrix gives the wrong orientation"
    )
    assert draft.done == ["Experimented with rotating objects inside a single actor"]
    assert draft.next == ["Figure out the orientation problem", "The wrecking ball simulation"]
    assert draft.blockers == ["Rotation matrix gives the wrong orientation"]
    assert draft.rag is None and draft.percent is None


def test_header_lines_carry_on_to_their_bullets() -> None:
    draft = parse_status_update(
        "Week 7 update\nDone:\n- `--data-encoding` arg PR merged\n- fixed Jenkins on Windows\n"
        "Next:\n• release 0.4\nBlockers:\n• none"
    )
    assert draft.done == ["--data-encoding arg PR merged", "Fixed Jenkins on Windows"]
    assert draft.next == ["Release 0.4"]
    assert draft.blockers == []


def test_emoji_sections() -> None:
    draft = parse_status_update(
        ":white_check_mark: implemented the space filling model + opened a PR for it\n"
        ":soon: next week: write the tutorial and review the ribbon docs\n"
        ":no_entry: stuck: the reader subclass fails to load files; no workaround yet"
    )
    assert draft.done == ["Implemented the space filling model", "Opened a PR for it"]
    assert draft.next == ["Write the tutorial", "Review the ribbon docs"]
    assert draft.blockers == ["The reader subclass fails to load files", "No workaround yet"]


def test_unicode_emoji_sections_and_status_circle() -> None:
    draft = parse_status_update(
        "\U0001f7e2 on track\n\u2705 shipped v2.1\n\U0001f51c start v2.2 planning\n\u26d4 none"
    )
    assert (draft.done, draft.next, draft.blockers) == (
        ["Shipped v2.1"],
        ["Start v2.2 planning"],
        [],
    )
    assert draft.rag == "green"


def test_prose_update() -> None:
    draft = parse_status_update(
        "Finished the login page, tomorrow I'll start on search. No blockers. "
        "We're on track, about 60% done."
    )
    assert draft == StatusDraft(
        done=["Finished the login page"], next=["Start on search"], rag="green", percent=60
    )


def test_prose_is_sorted_by_tense_and_cues() -> None:
    draft = parse_status_update(
        "analysis of the survey results, was working on multiple pictures, "
        "will work on search in bounding box next. struggling because the setup is a mess"
    )
    assert draft.done == ["Analysis of the survey results", "Was working on multiple pictures"]
    assert draft.next == ["Work on search in bounding box next"]
    assert draft.blockers == ["Struggling because the setup is a mess"]


def test_plan_sequence_with_arrows_is_all_next() -> None:
    draft = parse_status_update("map fixes \u2192 then the linting PR \u2192 then pagination")
    assert draft.done == []
    assert draft.next == ["Map fixes", "The linting PR", "Pagination"]


def test_standup_questions_are_section_headers() -> None:
    draft = parse_status_update(
        "*What did you do yesterday?*\nFixed the export bug\n"
        "*What will you do today?*\nWrite tests for the importer\n"
        "*Anything blocking you?*\nNo"
    )
    assert draft == StatusDraft(
        done=["Fixed the export bug"], next=["Write tests for the importer"]
    )


@pytest.mark.parametrize(
    "blockers_line",
    [
        "Blockers: none",
        "blockers: n/a",
        "Blocked: `null`",
        "blockers: no, didn't get stuck this week",
        "Blocked: not blocked, just not enough hours in the day!",
        "Blockers: -",
        "No blockers.",
        "nothing blocking this week",
        "haven't faced any blocking issues",
        "blockers: a few exams, but should be fine for the deadline",
    ],
)
def test_no_blockers_means_an_empty_list(blockers_line: str) -> None:
    draft = parse_status_update(f"Done: fixed the parser\nNext: release\n{blockers_line}")
    assert draft.blockers == []
    assert draft.done == ["Fixed the parser"]


def test_explicit_blocker_statement_wins_over_prose_cues() -> None:
    draft = parse_status_update("waiting on the vendor for the keys, wrote the docs. no blockers")
    assert draft.blockers == []
    assert "Wrote the docs" in draft.done


@pytest.mark.parametrize(
    ("text", "blockers"),
    [
        ("a bit blocked by @kumavis not responding", ["A bit blocked by @kumavis not responding"]),
        (
            "need feedback on go-unixfs#41 and go-ipfs#5626",
            ["Need feedback on go-unixfs#41 and go-ipfs#5626"],
        ),
        (
            "release blog in progress but waiting on CNCF for content",
            ["Waiting on CNCF for content"],
        ),
        ("was stuck on the OAuth redirect but the mentors helped me solve it", []),
        ("wrote some of it while stuck at the airport", []),
        ("users couldn't sign up on Safari, patched it this morning", []),
        ("moved the client to non-blocking IO", []),
    ],
)
def test_blockers_in_prose(text: str, blockers: list[str]) -> None:
    assert parse_status_update(text).blockers == blockers


def test_blocker_section_splits_on_semicolons() -> None:
    draft = parse_status_update(
        "blocked (@Stebalien) - type mismatch issues with vendor/; also need a gx option (gx#205)"
    )
    assert draft.blockers == ["Type mismatch issues with vendor/", "Need a gx option (gx#205)"]


def test_a_blocker_section_splits_into_sentences_and_leaves_the_status_out() -> None:
    draft = parse_status_update(
        "done: wired the SSO, next: load tests. blocked: no staging creds. we are slipping a bit"
    )
    assert (draft.blockers, draft.rag) == (["No staging creds"], "amber")
    prose = parse_status_update("the test env is still down so we are a bit behind")
    assert (prose.blockers, prose.rag) == (["The test env is still down"], "amber")


@pytest.mark.parametrize(
    ("text", "rag"),
    [
        ("Status: amber - vendor API delayed. Done: schema migration.", "amber"),
        ("Docs status: :red_circle: red\n- merged master into dev", "red"),
        ("Release notes: yellow (greenish yellow?)\n\u2022 ran krel", "amber"),
        ("comms is yellow \U0001f7e1 release blog draft in progress", "amber"),
        ("RBM :large_green_circle: beta.2 was released yesterday", "green"),
        ("Status: not on track this week, only read one paper", "red"),
        ("on track? I think so. next: ML assignment", "green"),
        ("- on track: sure, I am on it", "green"),
        ("On track: no. Next: rerun the baseline", "red"),
        ("We're slipping a bit, half the team was out", "amber"),
        ("Sprint goal at risk: two devs out sick", "amber"),
        ("Overall we're blocked overall by the security review", "red"),
        ("Enhancements :large_green_circle: 42 tracked, 3 at risk", "green"),
    ],
)
def test_stated_overall_status(text: str, rag: str) -> None:
    assert parse_status_update(text).rag == rag


@pytest.mark.parametrize(
    "text",
    [
        "Done: fixed the red button bug and the green theme\nNext: dark mode",
        "CI is green now, merged the fix",
        "42 enhancements tracked, 3 at risk, expecting updates on the at-risk ones",
        "keep the release on track by cutting scope",
        "Yesterday: reviewed PRs\nToday: more reviews\nBlockers: none",
        ":large_green_circle: login works\n:red_circle: search is broken",
    ],
)
def test_no_status_is_invented(text: str) -> None:
    assert parse_status_update(text).rag is None


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("PR is about 60% done", 60),
        ("progress: 75%. completed the ETL jobs", 75),
        ("daemon DHT features for the golang client (80%), recovery", 80),
        ("tutorial PR is about 60% done. next: finish the remaining 40%", 60),
        ("40% left on the migration", 60),
        ("coverage went from 40% to 55%", None),
        ("functional spec 60%, parser 99%, dashboard 50%", None),
        ("got the build 30% faster by caching deps", None),
        ("we are 100% sure the bug is in the parser", None),
        ("sprint is 50% complete; velocity down 10%", 50),
        ("no numbers here", None),
    ],
)
def test_percent(text: str, percent: int | None) -> None:
    assert parse_status_update(text).percent == percent


@pytest.mark.parametrize("text", ["", "   \n\t", "\U0001f642", ":tada:", "- \n*", None, 42])
def test_empty_or_odd_input_gives_an_empty_draft(text: object) -> None:
    assert parse_status_update(text) == StatusDraft()  # type: ignore[arg-type]


def test_huge_input_is_parsed() -> None:
    block = (
        "Done: fixed the login bug, then reviewed PRs; "
        "next: write docs and then test. Blockers: waiting on ops. "
    )
    text = block * (40_000 // len(block) + 1)
    assert len(text) >= 40_000
    draft = parse_status_update(text)  # timed by `benchmarks.status_parsing --stress`
    assert draft.done == ["Fixed the login bug", "Reviewed PRs"]
    assert draft.next == ["Write docs", "Test"]
    assert draft.blockers == ["Waiting on ops"]


def test_only_the_first_max_input_chars_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = parsing._parse
    monkeypatch.setattr(parsing, "_parse", lambda text: read.append(len(text)) or real(text))
    parse_status_update("Done: shipped it. " * 10_000 + "Blockers: waiting on legal")
    assert read == [parsing.MAX_INPUT_CHARS]


@pytest.mark.parametrize(
    "text",
    [
        "(" * 40_000,
        "x, " * 13_000,
        "a" * 40_000,
        ": " * 20_000,
        "50% " * 10_000,
        "a / b " * 7_000,
        "1) x " * 8_000,
    ],
)
def test_pathological_input_gives_bounded_items(text: str) -> None:
    draft = parse_status_update(text)  # timed by `benchmarks.status_parsing --stress`
    items = draft.done + draft.next + draft.blockers
    assert all(len(item) <= parsing.MAX_ITEM_CHARS for item in items)
    assert sum(len(item) for item in items) <= len(text)


def test_a_parser_bug_never_raises(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str) -> StatusDraft:
        raise RuntimeError("boom")

    monkeypatch.setattr(parsing, "_parse", broken)
    with caplog.at_level(logging.ERROR, logger=parsing.__name__):
        assert parse_status_update("Done: something") == StatusDraft()
    assert "status parsing failed" in caplog.text


def test_fuzzy_match_thresholds() -> None:
    assert bench.fuzzy_match("Set up task tracker", "Partially set up the task tracker")
    assert not bench.fuzzy_match("Set up task tracker", "Reviewed the IPLD changes")
    long_item = (
        "worked on the task tracker, reviewed budgets, planned hiring, wrote grant reports, "
        "interviewed designers, migrated the wiki and updated onboarding documents"
    )
    assert not bench.fuzzy_match("Set up task tracker", long_item)


def test_fuzzy_match_spells_abbreviations_and_numbers_one_way() -> None:
    reference = "Created git repo with three branches, readme and license"
    assert bench.fuzzy_match(reference, "Git repo w/ 3 branches")
    assert not bench.fuzzy_match(reference, "Git repo w/ 3 branches", normalise=False)
    assert bench.fuzzy_match("Updated i18n documentation", "i18n docs")
    assert bench.fuzzy_match("Fixed starter URL in init and imports", "Starter url fix")
    assert not bench.fuzzy_match("Updated i18n documentation", "Exec summary updated w/ feedback")
    assert not bench.fuzzy_match("Database registration", "Registered for the DevOps meetup")
    aside = "RuleExecutor (rules only return validationErrors)"
    assert bench.fuzzy_match("Implemented RuleExecutor", aside)
    assert not bench.fuzzy_match("Implemented RuleExecutor", aside, normalise=False)
    other = "Rules refactored onto the Rules interface (RuleExecutor next)"
    assert not bench.fuzzy_match("Implemented RuleExecutor", other)


def test_benchmark_prints_figures_as_last_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "text": "Done: fixed the parser\nNext: release 1.0\nBlocked: waiting on legal",
            "done": ["Fixed parser"],
            "next": ["Release 1.0"],
            "blockers": ["Waiting on legal review"],
            "rag": None,
            "percent": None,
        },
        {
            "text": "Status: green. Shipped search, about 80% done. No blockers.",
            "done": ["Shipped search"],
            "next": [],
            "blockers": [],
            "rag": "green",
            "percent": 80,
        },
    ]
    path = tmp_path / "status.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    assert bench.main([str(path)]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["updates"] == 2
    assert figures["blocker_f1"] == 1.0
    assert figures["rag_accuracy"] == 1.0 and figures["rag_invented_rate"] == 0.0
    assert figures["percent_exact"] == 1.0
    assert figures["done_recall"] == 1.0 and figures["next_recall"] == 1.0


# --------------------------------------------------------------------------- issue 12


@pytest.mark.parametrize(
    ("text", "rag"),
    [
        ("slipping: the data import is taking longer than planned", "amber"),
        ("we're at risk for Friday, the payment provider hasn't sent the keys", "amber"),
        ("green-ish. wrapped up the onboarding flow, starting on billing tomorrow", "green"),
        ("RED - lost two devs to the incident, nothing shipped", "red"),
        ("Amber. Docs half done", "amber"),
        ("finished the report. overall we're on track", "green"),
        ("Status: 3 projects green, 2 amber, 1 red", None),
        ("Portfolio: GREEN 4, AMBER 2, RED 1", None),
        ("the CI is RED again, fixing flaky tests", None),
        ("Red team finished the exercise, writing it up next", None),
        ("closed two tickets, next the export", None),
    ],
)
def test_overall_status_in_free_words(text: str, rag: str | None) -> None:
    assert parse_status_update(text).rag == rag


def test_at_risk_ending_a_checkin_answer_is_the_status_not_part_of_a_blocker() -> None:
    draft = parse_status_update(
        "Done: tests. Next: release. Blockers: waiting for QA sign-off — at risk"
    )
    assert draft.rag == "amber"
    assert draft.blockers == ["Waiting for QA sign-off"]


def test_updates_in_unusual_shapes() -> None:
    checklist = parse_status_update(
        "- [x] wrote the migration\n- [x] reviewed PR 42\n- [ ] deploy to staging"
    )
    assert checklist.done == ["Wrote the migration", "Reviewed PR 42"]
    assert checklist.next == ["Deploy to staging"]
    standup = parse_status_update(
        "Yesterday: fixed the login bug\nToday: pairing on search\nBlockers: none"
    )
    assert (standup.done, standup.next, standup.blockers) == (
        ["Fixed the login bug"],
        ["Pairing on search"],
        [],
    )
    paragraph = parse_status_update(
        "Spent the week on the report generator, it now handles PDFs. Still waiting on legal "
        "to sign off the data sharing agreement. Next week I will start on exports."
    )
    assert paragraph.blockers == ["Still waiting on legal to sign off the data sharing agreement"]
    assert paragraph.next == ["Start on exports"]
    emoji = parse_status_update(":white_check_mark: shipped v2.1\n:soon: docs\n:construction: none")
    assert (emoji.done, emoji.next, emoji.blockers) == (["Shipped v2.1"], ["Docs"], [])


@pytest.mark.parametrize(
    ("text", "rag", "blockers"),
    [
        ("Housing redesign is progressing as planned, workshops booked", "green", []),
        ("Payroll project is amber — waiting on the pensions provider", "amber", 1),
        ("Intranet: amber this month", "amber", []),
        ("Portals moved green → amber, the launch missed its date", "amber", []),
        ("still red but should move out of red shortly", "red", []),
        ("migration is happening and on track to finish by January", "green", []),
        ("the supplier negotiations are dragging", None, 1),
        ("the equipment delivery is delayed by the courier, chasing them daily", None, 1),
        ("the upgrade merges once the licensing question is sorted", None, 1),
        ("it was waiting on the location decision, which is now agreed", None, []),
        ("still waiting to hear back about the venue", None, 1),
    ],
)
def test_statuses_and_blockers_said_in_other_words(
    text: str, rag: str | None, blockers: list | int
) -> None:
    draft = parse_status_update(text)
    assert draft.rag == rag
    assert len(draft.blockers) == (blockers if isinstance(blockers, int) else 0)


@pytest.mark.parametrize(
    ("text", "done", "planned"),
    [
        ("the project plan is being updated", [], ["The project plan is being updated"]),
        ("dates need rescheduling", [], ["Dates need rescheduling"]),
        ("spreadsheet and guide are up", ["Spreadsheet and guide are up"], []),
        ("workshops planned for January", [], ["Workshops planned for January"]),
        ("cutover finished as planned", ["Cutover finished as planned"], []),
    ],
)
def test_work_under_way_or_to_do_without_a_future_tense(
    text: str, done: list[str], planned: list[str]
) -> None:
    draft = parse_status_update(text)
    assert (draft.done, draft.next) == (done, planned)


def test_colons_cut_topics_and_reasons_off_items() -> None:
    draft = parse_status_update(
        "Billing revamp: wrote the invoice templates. "
        "Import took longer than we hoped: the vendor files were malformed"
    )
    assert draft.done == [
        "Wrote the invoice templates",
        "Import took longer than we hoped",
        "The vendor files were malformed",
    ]
    kept = parse_status_update("Fixed: the login bug. Sprint report draft: sent to Ana")
    assert kept.done == ["Fixed: the login bug", "Sent to Ana"]
    numbered = parse_status_update("wk3: Jira \u2192 Linear migration finished")
    assert numbered.done == ["Jira \u2192 Linear migration finished"]


@pytest.mark.parametrize(
    ("text", "done", "planned"),
    [
        ("Done: report\nNext: slides", ["Report"], ["Slides"]),
        ("Done: login page, status report", ["Login page", "Status report"], []),
        ("Done: overall layout", ["Overall layout"], []),
        ("Done: steerco report. Next: vendor update", ["Steerco report"], ["Vendor update"]),
        ("Next: sprint 5 planning", [], ["Sprint 5 planning"]),
    ],
)
def test_an_explicit_label_keeps_items_named_like_a_status_or_a_report(
    text: str, done: list[str], planned: list[str]
) -> None:
    draft = parse_status_update(text)
    assert (draft.done, draft.next) == (done, planned)
    assert draft.rag is None


def test_an_explicit_label_still_drops_a_bare_status_or_period_heading() -> None:
    draft = parse_status_update("Done: on track\nNext: Week 8\nNext: ship search")
    assert (draft.done, draft.next, draft.rag) == ([], ["Ship search"], "green")


@pytest.mark.parametrize(
    "text",
    ["Done: green build on CI", "Done: red button fixed", "Got the green light from legal"],
)
def test_a_colour_word_describing_an_item_is_not_the_overall_status(text: str) -> None:
    draft = parse_status_update(text)
    assert draft.rag is None
    assert len(draft.done) == 1


def test_status_and_overall_labels_give_the_status_not_an_item() -> None:
    draft = parse_status_update(
        "Done: vega wireframes\nNext: usability test\nBlockers: n/a\nOverall: on track"
    )
    assert (draft.done, draft.next, draft.blockers) == (
        ["Vega wireframes"],
        ["Usability test"],
        [],
    )
    assert draft.rag == "green"
    risk = parse_status_update("Status: at risk. Done: migration. Next: cutover")
    assert (risk.done, risk.next, risk.rag) == (["Migration"], ["Cutover"], "amber")


def test_a_numbered_list_run_into_one_line_is_cut_at_each_number() -> None:
    draft = parse_status_update(
        "1. finished api spec 2. started sdk 3. blocked: waiting on security review"
    )
    assert draft.done == ["Finished api spec", "Started sdk"]
    assert draft.blockers == ["Waiting on security review"]
    two_lists = parse_status_update("Done: 1. api 2. sdk. Next: 1. docs 2. release")
    assert (two_lists.done, two_lists.next) == (["Api", "Sdk"], ["Docs", "Release"])
    # a number that starts no 1, 2, 3 run stays with its item
    assert parse_status_update("upgraded to node 2. next: tests").done == ["Upgraded to node 2"]


@pytest.mark.parametrize(
    "says_none", ["blocked on nothing", "not blocked", "nothing blocking", "nothing's blocking me"]
)
def test_saying_nothing_blocks_gives_no_blocker(says_none: str) -> None:
    draft = parse_status_update(f"did the data model. next: api. {says_none}")
    assert (draft.done, draft.next, draft.blockers) == (["Did the data model"], ["Api"], [])
