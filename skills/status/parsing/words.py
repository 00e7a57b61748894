"""Word lists the status parser sorts items with."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# leading verbs and tense
_BASE_VERBS = _words(
    "add address analyse analyze apply ask attend automate begin benchmark brush build catch "
    "change check clarify clean close collect complete configure connect continue create debug "
    "decide define deploy design discuss document draft drop explore figure file finalise "
    "finalize find finish fix follow get go handle help implement improve integrate investigate "
    "keep land learn look make meet merge migrate move open organise organize outline plan "
    "polish port prepare present profile prototype publish push reach rebase refactor release "
    "remove rename reply research resolve respond restructure review rework rewrite run "
    "schedule send ship sort start study submit support sync take talk test tidy track try "
    "tweak update upgrade validate verify work wrap write hand recap park onboard coordinate "
    "train pair demo estimate triage do target focus expect pick kick chase"
)
_IRREGULAR_PAST = _words(
    "did made wrote built found ran got spun took began met led sent spent brought bought "
    "thought saw gave went came became kept left lost won held paid told said heard knew broke "
    "chose drew drove forgot rode sold stood taught threw understood woke fought caught dealt "
    "felt hung laid meant slept spoke shot rewrote rebuilt reran undid overcame withdrew fell "
    "grew flew struck was were had"
)
_NOT_PAST = _words("need feed seed speed bed red shed embed proceed exceed")
_SKIP = _words(
    "and also then so but plus just finally already mostly partially basically successfully "
    "really actually first eventually mainly quickly i we i've we've have has been a bit more "
    "some further yesterday today tonight this last week wk morning afternoon"
)
_FUTURE_LEAD = _words(
    "will shall gonna going plan planning want hope hoping intend aim need should must "
    "hopefully next tomorrow todo"
)
_PROGRESSIVE_AUX = _words("am are is i'm we're still now currently")
_DETERMINERS = _words(
    "the a an it its them this that these those some my our his her their all on up out into "
    "to for with about over through from in off"
)

# splitting into items
_STOP = _words("and or the a an of to in on for with at by from it is are was be")

# subjects that are not the overall status ("the button is red", "CI is green")
_ARTICLES = _words("the a an this that it my his her their")
_TECH_SUBJECTS = _words(
    "ci build builds test tests pipeline checks suite light button badge dashboard text font "
    "color colour background"
)
