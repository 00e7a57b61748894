"""Word lists the RAID parser reads levels, dates and titles with."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# probability and impact
_GENERIC_LEVELS = {
    "very low": 1, "really low": 1, "extremely low": 1, "negligible": 1, "insignificant": 1,
    "minimal": 1, "trivial": 1, "low": 2, "minor": 2, "small": 2, "limited": 2, "medium": 3,
    "med": 3, "moderate": 3, "mid": 3, "average": 3, "high": 4, "major": 4, "significant": 4,
    "serious": 4, "big": 4, "very high": 5, "really high": 5, "extremely high": 5,
    "super high": 5, "extreme": 5, "critical": 5, "severe": 5, "catastrophic": 5, "huge": 5,
    "massive": 5, "v high": 5, "v. high": 5, "v low": 1, "v. low": 1,
}  # fmt: skip
_PROBABILITY_WORDS = {
    "rare": 1, "remote": 1, "very unlikely": 1, "highly unlikely": 1, "extremely unlikely": 1,
    "really unlikely": 1, "improbable": 2, "unlikely": 2, "not likely": 2, "possible": 3,
    "plausible": 3, "50/50": 3, "likely": 4, "probable": 4, "quite likely": 4,
    "very likely": 5, "highly likely": 5, "extremely likely": 5, "almost certain": 5,
    "almost certainly": 5, "nearly certain": 5, "near certain": 5, "certain": 5,
    "virtually certain": 5,
}  # fmt: skip

# dates
_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
}  # fmt: skip

_STRONG_CUES = _words(
    "by due until till til before deadline review reviewed revisit check check-in checkin "
    "validate confirm confirmed need needed needs target eta chase fix fixed deliver delivered "
    "ready complete completed done expected scheduled planned land lands revisit reassess "
    "decision decide sort resolve close finish finished than go-live launch milestone cutover "
    "cut-over kickoff kick-off w/c commencing agreed decided approved signed"
)
_WEAK_CUES = _words("on for at in from")
_DECIDED_CUES = _words("agreed decided approved signed decision confirmed")
_NEGATIVE_CUES = _words("since last past ago was were")
_NAMED_DAY_CUES = _words("black cyber good easter ash holy")  # "Black Friday" ...
# Dates of events that are not the entry's date: "reported on 3 Nov", "effective 1 Jan".
_EVENT_CUES = _words(
    "reported raised logged opened noticed spotted flagged effective occurred happened "
    "started began dated incident since sent received published announced"
)
_FILLER_CUES = _words("the a an this that its our their from of")
_MASKABLE_CUES = _WEAK_CUES | _words(
    "by due until till til before deadline review reviewed revisit reassess check check-in "
    "checkin validate confirm need needed needs eta target chase expected scheduled planned "
    "to be it them that this one back the latest sorted signed off done no not later than"
)

_NO_DATE = _words("tbc tbd tba none n/a na unknown unset -")

# titles
_JUNK_WORDS = _words(
    "owner owns own pls please can you could this one to thanks imo review tbc tbd fyi it "
    "the a an and is new raised by risk risks issue issues problem blocker assumption "
    "dependency dep"
)
_DANGLING = _words(
    "a an the and or of to in on for by with at from into that which so as if see via"
)
_TRAILING_STOP = _words(
    "a an the and or of to in on for by with at is are be was were that which so as if from any "
    "all some every each could may might will would can should must "
    "into its their our we"
)
