"""Shapes of status updates the parser reads (one-liners, ", but" clauses, lists, tenses)."""

from __future__ import annotations

from skills.status.parsing import parse_status_update


def test_one_line_update_with_labels_after_a_topic_is_split_into_sections() -> None:
    draft = parse_status_update("update: done - fixed the login bug; next - write the docs")
    assert draft.done == ["Fixed the login bug"]
    assert draft.next == ["Write the docs"]
    draft = parse_status_update("Update: done: login page. next: search")
    assert (draft.done, draft.next) == (["Login page"], ["Search"])


def test_comma_but_clause_that_states_a_blocker_is_its_own_item() -> None:
    draft = parse_status_update(
        "the list of repos to move is up for review, but we can't move anything until IT "
        "creates the new org"
    )
    assert draft.done == ["The list of repos to move is up for review"]
    assert draft.blockers == ["Can't move anything until IT creates the new org"]


def test_etc_followed_by_a_capital_ends_the_sentence() -> None:
    draft = parse_status_update(
        "still waiting on legal to sign off on the logo etc. Isabela's doing the draft design"
    )
    assert draft.blockers == ["Still waiting on legal to sign off on the logo etc"]
    assert draft.next == ["Isabela's doing the draft design"]


def test_still_before_a_past_verb_reports_work_done() -> None:
    draft = parse_status_update(
        "slow week. still finished the edit profile name part; edit profile image is halfway"
    )
    assert "Still finished the edit profile name part" in draft.done
    assert draft.next == ["Edit profile image is halfway"]


def test_subject_then_participle_is_done_and_cleared_to_start_is_next() -> None:
    draft = parse_status_update(
        "Railway Underpass Refurbishment can go ahead now: Fire Engineer approval received"
    )
    assert draft.done == ["Fire Engineer approval received"]
    assert draft.next == ["Railway Underpass Refurbishment can go ahead now"]


def test_planned_work_after_a_done_mark_and_done_by_a_date_are_next() -> None:
    draft = parse_status_update(
        "Redesign is on plan \u2705 design team engaged, workshops planned Nov\u2013Jan"
    )
    assert "Design team engaged" in draft.done
    assert draft.next == ["Workshops planned Nov\u2013Jan"]
    assert parse_status_update("rescoping under way, scoping done by 24/12").next[-1] == (
        "Scoping done by 24/12"
    )
    aside = parse_status_update("functional spec 60% (to be finished by Thu 13th), mockup done")
    assert aside.done[0] == "Functional spec 60% (to be finished by Thu 13th)"


def test_a_gerund_naming_a_thing_reported_up_is_done() -> None:
    draft = parse_status_update("tracking spreadsheet + one-page guide are up")
    assert draft.done == ["Tracking spreadsheet + one-page guide are up"]


def test_planning_as_a_noun_in_a_done_section_stays_done() -> None:
    draft = parse_status_update("done: planning updated from the feedback. next: find testers")
    assert draft.done == ["Planning updated from the feedback"]
    assert draft.next == ["Find testers"]


def test_a_new_clause_after_comma_but_or_so_is_its_own_item() -> None:
    draft = parse_status_update(
        "found that the IDs are hardcoded, which breaks other servers, so we need per-site "
        "config. less time this week, but I still got small bug PRs in"
    )
    assert draft.next == ["Need per-site config"]
    assert "Still got small bug PRs in" in draft.done


def test_then_after_work_done_continues_the_story_but_after_a_plan_is_next() -> None:
    story = parse_status_update("got my head around the API, then the auth section")
    assert story.done == ["Got my head around the API", "The auth section"]
    plan = parse_status_update("map fixes \u2192 then the linting PR \u2192 then pagination")
    assert plan.next == ["Map fixes", "The linting PR", "Pagination"]


def test_late_work_is_still_to_do_and_work_waiting_on_a_condition_is_blocked() -> None:
    assert parse_status_update("conda 4.10.2 is slipping by about a week").next == [
        "Conda 4.10.2 is slipping by about a week"
    ]
    draft = parse_status_update(
        "the @ipld/dag-cbor upgrade PR merges once the NaN/Infinity question is sorted"
    )
    assert draft.blockers == [
        "The @ipld/dag-cbor upgrade PR merges once the NaN/Infinity question is sorted"
    ]


def test_a_noun_phrase_between_two_done_items_is_done() -> None:
    draft = parse_status_update(
        "refined the doc outline, prototype spec proposal, walked through the KIID doc"
    )
    assert draft.done == [
        "Refined the doc outline",
        "Prototype spec proposal",
        "Walked through the KIID doc",
    ]
    assert parse_status_update("fixed the login, write the docs tomorrow").next == [
        "Write the docs tomorrow"
    ]


def test_a_code_name_in_a_list_is_its_own_item() -> None:
    draft = parse_status_update(
        "Next: more go-ipld tests (mutable maps, deeper structures), toTokenStream"
    )
    assert draft.next == ["More go-ipld tests (mutable maps, deeper structures)", "toTokenStream"]


def test_work_done_with_a_blocker_in_brackets_is_split() -> None:
    draft = parse_status_update(
        "folded in the sentinel feedback + finance reqs (Rod's feedback still pending)"
    )
    assert draft.done == ["Folded in the sentinel feedback + finance reqs"]
    assert draft.blockers == ["Rod's feedback still pending"]


def test_then_in_an_update_that_only_looks_back_is_work_done() -> None:
    draft = parse_status_update(
        "wk1: finished the puzzle feature. wk2: state for the tournament dialog, then peer "
        "coding on the tournament screens"
    )
    assert draft.next == []
    assert "Peer coding on the tournament screens" in draft.done
    ahead = parse_status_update("finished the puzzle feature, then the tournament dialog tomorrow")
    assert ahead.next == ["The tournament dialog tomorrow"]


def test_a_present_tense_that_tells_what_is_scheduled_is_next() -> None:
    draft = parse_status_update(
        "the workbook goes to the workstream board for ratification. the site goes live Friday"
    )
    assert draft.next == [
        "The workbook goes to the workstream board for ratification",
        "The site goes live Friday",
    ]


def test_a_target_day_makes_an_item_next_but_a_past_day_does_not() -> None:
    assert parse_status_update("new mainnet attempt ~Wed").next == ["New mainnet attempt ~Wed"]
    assert parse_status_update("docs due Thursday").next == ["Docs due Thursday"]
    assert parse_status_update("finished my task Tuesday evening").done == [
        "Finished my task Tuesday evening"
    ]


def test_a_checklist_box_says_done_or_not_whatever_the_words() -> None:
    draft = parse_status_update(
        "[x] Login page\n[x] Password reset\n[ ] Search\n- [ ] Billing page"
    )
    assert draft.done == ["Login page", "Password reset"]
    assert draft.next == ["Search", "Billing page"]


def test_will_do_is_a_label_for_work_ahead() -> None:
    draft = parse_status_update("Did: code review\nWill do: finish the search API")
    assert (draft.done, draft.next) == (["Code review"], ["Finish the search API"])


def test_today_then_a_future_tense_is_ahead_even_with_a_blocker_after_it() -> None:
    draft = parse_status_update(
        "Yesterday I fixed two bugs in checkout. Today I'll finish the webhook tests and start "
        "the refund flow. Blocked by missing sandbox credentials."
    )
    assert draft.done == ["Fixed two bugs in checkout"]
    assert draft.next == ["Finish the webhook tests", "Start the refund flow"]
    assert draft.blockers == ["Blocked by missing sandbox credentials"]


def test_a_header_line_with_an_emoji_opens_its_section() -> None:
    draft = parse_status_update(
        "\U0001f4cc Done\n\u2022 API pagination\n\U0001f4cc Next\n\u2022 Rate limiting\n"
        "\U0001f4cc Blockers\n\u2022 None"
    )
    assert (draft.done, draft.next, draft.blockers) == (["API pagination"], ["Rate limiting"], [])


def test_a_comma_then_an_adverb_of_degree_qualifies_the_item_before_it() -> None:
    draft = parse_status_update("Next: port the importers, most used first; then drop the old CLI")
    assert draft.next[0] == "Port the importers, most used first"


def test_it_at_the_end_of_a_short_item_names_the_topic_the_line_opens_with() -> None:
    draft = parse_status_update("billing page: layout is done :tada: still working on it")
    assert draft.next == ["Still working on billing page"]
    draft = parse_status_update("found a bug in the exporter and fixed it")
    assert draft.done == ["Found a bug in the exporter", "Fixed it"]


def test_work_ahead_said_without_will() -> None:
    draft = parse_status_update(
        "The team shipped the mobile release. We are now focusing on crash fixes. "
        "I have to rewrite the importer this week. Targeting the hiring plan next."
    )
    assert draft.done == ["The team shipped the mobile release"]
    assert draft.next == [
        "Focusing on crash fixes",
        "Rewrite the importer this week",
        "Targeting the hiring plan next",
    ]
    goal = parse_status_update("My goal for this week is to finish the parser.")
    assert goal.next == ["My goal for this week is to finish the parser"]


def test_labels_for_what_is_left_and_a_topic_with_only_its_state() -> None:
    draft = parse_status_update("Remaining: e2e tests, docs. Still to do: tag the release.")
    assert draft.next == ["e2e tests", "Docs", "Tag the release"]
    draft = parse_status_update("Data pipeline: 70% done. Validation: not started.")
    assert (draft.done, draft.next) == (["Data pipeline: 70% done"], ["Validation: not started"])


def test_blockers_said_as_a_hold_a_dependency_or_silence() -> None:
    for blocker in (
        "Deploy is on hold pending the security sign-off",
        "Dependent on the platform team shipping the new auth library",
        "Still no word from legal on the contract",
        "The vendor API keeps timing out",
    ):
        draft = parse_status_update(f"Finished the export. {blocker}.")
        assert draft.blockers == [blocker]
    assert parse_status_update("Finished the export. Project is on track.").blockers == []


def test_a_list_run_into_one_line_is_split_into_its_items() -> None:
    numbered = parse_status_update("1) fixed the crash 2) reviewed Tom's PR 3) started the notes")
    assert numbered.done == ["Fixed the crash", "Reviewed Tom's PR", "Started the notes"]
    bullets = parse_status_update("Done: crash fix \u2022 PR review \u2022 release notes started")
    assert bullets.done == ["Crash fix", "PR review", "Release notes started"]
    slashes = parse_status_update("fixed the crash / reviewed PRs / next: release notes")
    assert (slashes.done, slashes.next) == (["Fixed the crash", "Reviewed PRs"], ["Release notes"])
    alternatives = parse_status_update("built a test for the rejection / uncaught error")
    assert alternatives.done == ["Built a test for the rejection / uncaught error"]


def test_what_i_will_do_opens_the_work_ahead() -> None:
    draft = parse_status_update("What I did: refactored auth. What I'll do: add 2FA.")
    assert (draft.done, draft.next) == (["Refactored auth"], ["Add 2FA"])


def test_prose_that_sets_the_time_first_or_says_what_is_underway_or_left() -> None:
    draft = parse_status_update(
        "So far, the API endpoints are implemented and tested. The frontend integration is "
        "underway. Remaining work includes error handling. For the coming week, the goal is "
        "to add tests."
    )
    assert draft.done == ["The API endpoints are implemented and tested"]
    assert draft.next == [
        "The frontend integration is underway",
        "Remaining work includes error handling",
        "For the coming week, the goal is to add tests",
    ]
    carried = parse_status_update("Done: 18 of 21 points. Carry-over: the CSV export.")
    assert carried.next == ["The CSV export"]


def test_an_adjective_in_ing_after_is_does_not_make_work_ahead() -> None:
    draft = parse_status_update("Ran the benchmarks. The results are promising.")
    assert draft.done == ["Ran the benchmarks", "The results are promising"]


def test_a_day_before_a_label_belongs_to_it() -> None:
    draft = parse_status_update("Mon plan: pour the slab, chase building control. Fri done: survey")
    assert draft.next == ["Pour the slab", "Chase building control"]
    assert draft.done == ["Survey"]


def test_next_before_an_item_is_not_part_of_it() -> None:
    draft = parse_status_update("did the vendor call; next the load test")
    assert (draft.done, draft.next) == (["Did the vendor call"], ["The load test"])


def test_stand_up_shorthand_opens_sections_when_two_letters_are_used() -> None:
    draft = parse_status_update(
        "Y: finished the login page\nT: start the payments API\nB: waiting on the vendor for keys"
    )
    assert draft.done == ["Finished the login page"]
    assert draft.next == ["Start the payments API"]
    assert draft.blockers == ["Waiting on the vendor for keys"]
    draft = parse_status_update("y: fixed the flaky test. t: write the migration. b: none")
    assert (draft.done, draft.next, draft.blockers) == (
        ["Fixed the flaky test"],
        ["Write the migration"],
        [],
    )
    assert parse_status_update("Plan B: ship without SSO").blockers == []  # one letter is no code
    draft = parse_status_update("Y: holiday prep T: bank follow-up B: director still travelling")
    assert (draft.done, draft.next, draft.blockers) == (
        ["Holiday prep"],
        ["Bank follow-up"],
        ["Director still travelling"],
    )
