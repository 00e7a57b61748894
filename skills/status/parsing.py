"""Offline parsing of free-text status updates into done / next / blockers.

Team members answer a check-in with free text: labelled sections ("Done: ...",
"Next - ...", "blockers: none"), emoji sections (:white_check_mark: / :soon: /
:no_entry:), stand-up questions ("What did you do yesterday?") or plain prose
("Finished the login page, tomorrow I'll start on search. No blockers.").
:func:`parse_status_update` turns any of these into a :class:`StatusDraft`. It is
rule-based, deterministic, roughly linear in the input and never raises, so it
can serve as the offline path and as the fallback of an LLM path.

How an update is read:

1. Emoji become section markers (done / next / blockers), status markers
   (coloured circles) or plain boundaries.
2. Lines are cut into chunks at section labels: a label word at a line or
   sentence boundary followed by ``:``, `` - ``, ``?`` or a section emoji. A
   header line ("Done:") carries on to the lines under it.
3. Chunks are cut into items at sentences, ``;``, commas, arrows, ``then``, and
   at ``+``/``and`` when a new verb phrase follows. Unlabelled items are sorted by
   their leading verb and cue words (past tense -> done; "will", "next week",
   "in progress", imperatives -> next; "stuck on", "waiting on", "need feedback"
   -> blockers, unless the update has an explicit blockers section or says it
   has none).
4. The overall status (RAG) and the completion percentage are only read when
   the update states them; otherwise they stay ``None``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

DONE, NEXT, BLOCKERS, OTHER = "done", "next", "blockers", "other"
THIS_WEEK, TODAY, UNLABELLED = "this_week", "today", "unlabelled"
MAX_ITEM_CHARS = 200
MAX_INPUT_CHARS = 100_000


@dataclass
class StatusDraft:
    """What a status update says; ``rag`` and ``percent`` stay None unless stated."""

    done: list[str] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    rag: str | None = None  # "green" | "amber" | "red"
    percent: int | None = None  # overall completion, 0-100

    @property
    def has_blockers(self) -> bool:
        return bool(self.blockers)


def parse_status_update(text: str) -> StatusDraft:
    """Parse one free-text status update; never raises (a failure gives an empty draft)."""
    if not isinstance(text, str) or not text.strip():
        return StatusDraft()
    try:
        return _parse(text[:MAX_INPUT_CHARS])
    except Exception:  # a parser bug must never lose the user's update
        logger.exception("status parsing failed on a %d-character update", len(text))
        return StatusDraft()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ----------------------------------------------------------------------------- emoji

_SECTION_EMOJI = {
    DONE: "white_check_mark heavy_check_mark ballot_box_with_check \u2705 \u2714 \u2611",
    NEXT: "soon dart calendar spiral_calendar_pad spiral_calendar date arrow_right point_right "
    "fast_forward next_track_button \U0001f51c \U0001f3af \U0001f4c5 \U0001f5d3 \u27a1 "
    "\U0001f449 \u23e9 \u23ed",
    BLOCKERS: "no_entry no_entry_sign construction octagonal_sign stop_sign warning sos bricks "
    "\u26d4 \U0001f6ab \U0001f6a7 \U0001f6d1 \u26a0 \U0001f198 \U0001f9f1",
}
_CIRCLE_EMOJI = {
    "G": "large_green_circle green_circle \U0001f7e2",
    "A": "large_yellow_circle yellow_circle large_orange_circle orange_circle "
    "\U0001f7e1 \U0001f7e0",
    "R": "red_circle large_red_circle \U0001f534",
}
# Markers: §D§ §N§ §B§ start a section, §G§ §A§ §R§ are status circles, §X§ is a boundary.
_EMOJI_MARK = {
    n: f" \u00a7{s[0].upper()}\u00a7 " for s, v in _SECTION_EMOJI.items() for n in _words(v)
}
_EMOJI_MARK |= {n: f" \u00a7{c}\u00a7 " for c, v in _CIRCLE_EMOJI.items() for n in _words(v)}
_MARK_SECTION = {"\u00a7D\u00a7": DONE, "\u00a7N\u00a7": NEXT, "\u00a7B\u00a7": BLOCKERS}
_ANY_MARK = re.compile(r"\u00a7[A-Z]\u00a7")
_SHORTCODE = re.compile(r":(?=[a-z0-9_+'-]*[a-z])[a-z0-9_+'-]{1,40}:")
_UNICODE_EMOJI = re.compile(
    "(?:[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u23e9-\u23fa\u231a\u231b]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]*\u200d?)+"
)
_EMOTICON = re.compile(
    r"(?<!\S)(?::-?[)(DPp]|;-?\)|\\o/|x-?D|<3)(?!\S)|\b(?:lol|haha+|lmao)\b", re.I
)
_MARKDOWN_PAIR = re.compile(r"(?<![\w.])([*_~`]{1,2})(?=\S)([^\n]*?\S)\1(?!\w)")
_TOPIC_BEFORE_CIRCLE = re.compile(r"^([^\n\u00a7]{1,30}?)\s*\u00a7[GAR]\u00a7(?=\s*\w)", re.M)


def _emoji_to_mark(match: re.Match[str]) -> str:
    token = match.group(0)
    name = token.strip(":").lower() if token.startswith(":") else token.replace("\ufe0f", "")
    return _EMOJI_MARK.get(name, " \u00a7X\u00a7 ")


def _drop_topic(match: re.Match[str]) -> str:
    """Drop a short topic before a status circle ("RBM :large_green_circle: beta.2 ...")."""
    topic = match.group(1)
    if len(topic.split()) > 4 or _LABEL.search(topic):
        return match.group(0)
    return " " + match.group(0)[len(topic) :]


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a7", " ")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\u2019", "'")
    text = _SHORTCODE.sub(_emoji_to_mark, text)
    text = _UNICODE_EMOJI.sub(_emoji_to_mark, text)
    text = _EMOTICON.sub(" ", text)
    text = _MARKDOWN_PAIR.sub(r"\2", text)
    text = _TOPIC_BEFORE_CIRCLE.sub(_drop_topic, text)
    text = re.sub(r"\s*\u00a7X\u00a7\s*$", "", text, flags=re.M)  # decorative line ends
    return re.sub(r"[ \t]+", " ", text)


# ---------------------------------------------------------------------------- labels

_LABELS = {
    DONE: "done|did|completed|complete|accomplished|accomplishments|achievements|finished|"
    "yesterday|last week|last sprint|last time|last|previously|past week|worked on|shipped|"
    "progress|wins|highlights|what i did",
    NEXT: "next steps|next step|next up|next week|next sprint|next|up next|coming up|upcoming|"
    "tomorrow|plans|plan|planned|todo|to do|to-do|goals|goal|focus|in progress|wip|doing|"
    "working on|priorities|coming week|today's plan|today's goals|today's focus|tomorrow's plan|"
    "this week's plan|this week's goals",
    THIS_WEEK: "this week|this sprint",
    TODAY: "today",
    BLOCKERS: "blockers|blocker|blocked|blocking|stuck on|stuck|impediments|impediment|issues|"
    "issue|obstacles|obstacle|problems|problem|roadblocks|challenges|waiting on|waiting for|"
    "need help|help needed|needs|need|asks|ask|any blockers|anything blocking",
    UNLABELLED: "status|overall status|overall|health",
    OTHER: "rag|on track|risks|risk|notes|note|fyi|eta",
}
_LABEL_SECTION = {w: s for s, v in _LABELS.items() for w in v.split("|")}
_LABEL = re.compile(
    r"\b(?P<label>"
    + "|".join(sorted(map(re.escape, _LABEL_SECTION), key=len, reverse=True))
    + r")(?P<qual>(?:[ /-]+[^\s:\u00a7.,;]{1,20}){0,3}?)"
    r"(?:\s*[:\uff1a](?=\s|$)|\s+[-\u2013\u2014](?=\s)|(?=\s*\u00a7[DNB]\u00a7)"
    r"|(?P<soft>,?\s+is\b|(?=,?\s+(?:i|we)(?:'ll|\s+will|\s+plan|\s+am going|\s+want)\b))"
    r"|(?P<ask>\s*\?))",
    re.I,
)
_RESOLVED_QUALIFIER = re.compile(r"fixed|solved|resolved|closed|removed|cleared|done", re.I)
_QUESTIONS = {
    DONE: r"what\s+(?:did|have|has)\s+(?:you|i|we|the\s+team)\s+(?:\w+\s+){0,2}?(?:do|done|"
    r"work\w*|accomplish\w*|complet\w*|finish\w*|achiev\w*|get\s+done)\b[^?\n]{0,40}\?",
    NEXT: r"what\s+(?:will|are|do)\s+(?:you|i|we)\s+(?:do|doing|work(?:ing)?\s+on|plan(?:ning)?|"
    r"going\s+to\s+do|focus(?:ing)?\s+on)\b[^?\n]{0,40}\?|what(?:'s|\s+is|\s+are)\s+"
    r"(?:coming\s+up|next|planned|the\s+plan)[^?\n]{0,40}\?|(?:plans?|goals?)\s+for\s+"
    r"(?:today|tomorrow|the\s+week|next\s+week)\s*\?",
    BLOCKERS: r"(?:is\s+|are\s+there\s+)?(?:any|anything)\s+(?:blockers?|blocking|impediments?|"
    r"obstacles?|issues|problems|in\s+your\s+way|stopping)[^?\n]{0,40}\?|what'?s\s+blocking"
    r"[^?\n]{0,40}\?|(?:are|were)\s+you\s+(?:blocked|stuck)[^?\n]{0,40}\?|did\s+(?:you|i|we)\s+"
    r"(?:get\s+stuck|face\s+any|have\s+any|run\s+into|hit\s+any)[^?\n]{0,40}\?|where\s+did\s+"
    r"(?:you|i|we)\s+get\s+stuck[^?\n]{0,30}\?",
    OTHER: r"(?:are\s+(?:you|we)\s+)?on\s+track\s*\?|how\s+(?:are|is)\s+(?:things|it|the\s+project)"
    r"\s+going\s*\?",
}
_QUESTION = re.compile("|".join(f"(?P<{s}>{q})" for s, q in _QUESTIONS.items()), re.I)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25e6\u25aa\u2023\u00b7>]+|\d{1,2}[.)]|\[[ xX]?\])\s+")
_HEADING_WORDS = re.compile(
    r"\b(?:weeks?|wk|sprint|day|update|report|stand-?up|status|summary|retro|check-?in|"
    r"four-up)\b|\bwk\d",
    re.I,
)
_HEADING_FRAGMENT = re.compile(
    r"\b(?:weeks?|wk|sprint|day)\s*#?\d|\b(?:update|report|stand-?up|four-up)\b|\bwk\d", re.I
)


def _at_boundary(line: str, start: int) -> bool:
    """True when a label at ``start`` opens a line, sentence, clause or emoji section."""
    before = line[:start].rstrip()
    if not before or re.fullmatch(r"(?:\s|\u00a7[A-Z]\u00a7|[-*\u2022])*", before):
        return True
    if before.endswith(("-", "\u2013", "\u2014")):
        return before[:-1].endswith(" ")
    return before.endswith((".", "!", "?", ";", ",", "\u00a7"))


def _chunks(line: str) -> list[tuple[str | None, str, bool]]:
    """Split one line into (section or None, text, had_label) chunks."""
    cuts: list[tuple[int, int, str]] = []
    for m in _LABEL.finditer(line):
        section = _LABEL_SECTION[m.group("label").lower()]
        if m.group("soft") is not None and section not in (NEXT, THIS_WEEK, TODAY):
            continue
        if m.group("ask") is not None and section not in (BLOCKERS, OTHER):
            continue
        if section == BLOCKERS and _RESOLVED_QUALIFIER.search(m.group("qual")):
            section = DONE  # "Issues fixed: ..."
        if _at_boundary(line, m.start()):
            cuts.append((m.start(), m.end(), section))
    for m in _QUESTION.finditer(line):
        if _at_boundary(line, m.start()):
            cuts.append((m.start(), m.end(), m.lastgroup or OTHER))
    for m in re.finditer(r"\u00a7[DNB]\u00a7", line):
        cuts.append((m.start(), m.end(), _MARK_SECTION[m.group(0)]))
    cuts.sort(key=lambda cut: (cut[0], -cut[1]))
    out: list[tuple[str | None, str, bool]] = []
    pos, section, labelled = 0, None, False
    for start, end, new_section in cuts:
        if start < pos:
            continue
        out.append((section, line[pos:start], labelled))
        pos, section, labelled = end, new_section, True
    out.append((section, line[pos:], labelled))
    return [c for c in out if c[2] or c[1].strip(" \u00a7X-*\u2022")]


def _is_heading(line: str) -> bool:
    """A first line like "Week 7 update", "Advanced Search" or "async update:"."""
    plain = _ANY_MARK.sub(" ", line).strip()
    words = plain.split()
    if not words or plain.endswith(":"):
        return True
    if len(words) <= 7 and _HEADING_WORDS.search(plain) and not re.search(r"[.;]\s", plain):
        return _lead(plain)[0] not in ("past", "future")
    if len(words) > 3 or re.search(r"[.!?,;]", plain):
        return False
    return all(w[:1].isupper() for w in words) or _lead(plain)[0] is None


def _sections(text: str) -> list[tuple[str, str]]:
    """Cut the normalised text into (section, text) chunks, in order."""
    lines = text.split("\n")
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    if len(non_empty) > 1:
        first = lines[non_empty[0]]
        if _chunks(_BULLET.sub("", first))[0][0] is None and _is_heading(first):
            lines[non_empty[0]] = ""
    result: list[tuple[str, str]] = []
    header: str | None = None  # section of the last header-only label line ("Done:")
    for line in lines:
        if not line.strip():
            header = None
            continue
        bare = re.sub(r"^[#>\s]+|[\s:]+$", "", _BULLET.sub("", line)).lower()
        if bare in _LABEL_SECTION:  # a header line without a colon: "## Done", "Next steps"
            header = _LABEL_SECTION[bare]
            continue
        chunks = _chunks(_BULLET.sub("", line))
        for index, (section, chunk, _) in enumerate(chunks):
            result.append((section or (header if index == 0 else None) or UNLABELLED, chunk))
        if any(labelled for _, _, labelled in chunks):
            last_section, last_text, _ = chunks[-1]
            header = last_section if not last_text.strip(" \u00a7X") else None
    return result


# ---------------------------------------------------------------------- tense and cues

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
    "train pair demo estimate triage"
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
    "some further yesterday today tonight this last week morning afternoon"
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
_FUTURE_ANY = re.compile(
    r"\b(?:i'll|we'll|he'll|she'll|they'll|i will|we will|going to|gonna|plan(?:ning)? to|"
    r"tomorrow|next (?:week|sprint|month|time)|later (?:today|this week)|upcoming|in progress|"
    r"ongoing|wip|still working|currently|coming (?:soon|up|before|next|this|tomorrow|later)|"
    r"to be done)\b|\bnext\W*$",
    re.I,
)
_DONE_ANY = re.compile(
    r"\b(?:is|are|was|were|mostly|almost|half|fully|now|all|been|got)\s+(?:\w+\s+)?(?:done|"
    r"finished|complete|completed|merged|shipped|released|submitted|landed|written|updated)\b"
    r"|\b(?:done|finished|complete|completed)\s*(?:\(|$|[.,;!])",
    re.I,
)
_THEN = re.compile(r"\W*(?:and\s+)?then\b", re.I)
_TRAILING_JOINER = re.compile(r"\b(?:with|but|and|so)\W*$", re.I)


def _verb_stem(word: str) -> str | None:
    """The base form of a present participle ("writing" -> "write"), if it is a task verb."""
    if not word.endswith("ing") or len(word) < 5:
        return None
    stem = word[:-3]
    for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
        if candidate in _BASE_VERBS:
            return candidate
    return None


def _lead(fragment: str) -> tuple[str | None, str]:
    """Kind of the leading verb ("past", "future", "progressive", "base" or None) and the word."""
    words = re.findall(r"[a-z][a-z'-]*", fragment.lower()[:120])
    for i, word in enumerate(words[:8]):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _FUTURE_LEAD or word.endswith("'ll"):
            if word == "need" and following != "to":
                return None, word
            return "future", word
        if word in _PROGRESSIVE_AUX:
            if _verb_stem(following) or word in ("still", "currently"):
                return "progressive", following
            if word == "now":
                continue
            return None, word
        if word in _SKIP:
            continue
        if word in _IRREGULAR_PAST or (word.endswith("ed") and word not in _NOT_PAST):
            return "past", word
        if _verb_stem(word):
            return "progressive", word
        return ("base" if word in _BASE_VERBS else None), word
    return None, ""


def _lead_is_verbish(text: str) -> bool:
    """True when text opens a new verb phrase ("opened a PR", "fix the timer")."""
    words = text.lower()[:80].split()
    while words and words[0] in ("also", "then", "hopefully", "maybe", "just", "finally"):
        words.pop(0)
    if len(words) < 2 or not re.fullmatch(r"[a-z][a-z']*", words[0]):
        return False
    if words[0] in ("will", "i'll", "we'll", "i", "we"):
        return True
    kind, _ = _lead(words[0])
    if kind in ("base", "progressive"):
        return words[1] in _DETERMINERS
    return kind == "past"


# -------------------------------------------------------------------------- blockers

_BLOCKER_CUE = re.compile(
    r"(?<!-)\b(?:blocked|blocker|blocking|stuck|struggl\w*|waiting\s+(?:on|for)|awaiting|"
    r"(?:fighting|wrestling|battling)\s+with|(?:doesn't|does\s+not|don't|won't|isn't|aren't)\s+"
    r"(?:\w+\s+)?(?:work|working|converge|compile|build|run|load|start|connect|pass|render)\b|"
    r"need(?:s|ing)?\s+(?:some\s+|more\s+|an?\s+)?(?:help|feedback|input|reviews?|access|"
    r"approval|sign-?off|answers?|clarification|guidance|support|permissions?|credentials|"
    r"decision)|(?:^|(?<=\bi\s)|(?<=\bwe\s)|(?<=still\s)|(?<=so\s))(?:can't|cannot|couldn't)"
    r"(?!\s+wait)|unable\s+to|not\s+able\s+to|having\s+"
    r"(?:some\s+)?(?:trouble|issues|problems|difficult\w*)|(?:it's|is|are|was|being|very|really|"
    r"quite|bit|pretty|proving)\s+(?:hard|difficult|tricky|impossible)\s+to(?!\s+(?:say|tell|"
    r"believe))|(?:it's|is|are|was|very|really|quite|bit|pretty)\s+confusing|not\s+working|"
    r"doesn't\s+work|isn't\s+working|keeps?\s+(?:failing|breaking|crashing)|(?:too\s+many|lots\s+"
    r"of|a\s+lot\s+of)\s+errors|not\s+respond\w*|unresponsive|(?:have|has)\s*(?:not|n't)\s+"
    r"(?:responded|replied|heard\s+back)|no\s+response|held\s+up|holding\s+(?:me|us)\s+up|"
    r"bottleneck)",
    re.I,
)
_CUE_DISARMED = re.compile(r"\b(?:if|unless|in case|without|not|never|while|whilst)\s+$", re.I)
_PLACE_STUCK = re.compile(
    r"\bstuck\s+(?:at|in)\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?(?!review|ci\b|queue|pipeline|"
    r"limbo|approval|qa\b|testing)\w+|\bonly\s+(?:place|time)\b.*\bstuck",
    re.I,
)
_RESOLVED = re.compile(
    r"(?<!not )(?<!n't )\b(?:solved|resolved|fixed|figured\s+(?:it\s+)?out|sorted\s+(?:it\s+)?out"
    r"|helped\s+(?:me|us)|unblocked|got\s+(?:past|around)|no\s+longer|patched|got\s+it\s+working"
    r"|(?:it's|is|now)\s+(?:sorted|fixed|working|resolved))\b"
    r"|\b(?:was|were|got|had\s+been|struggled)\s+(?:\w+\s+){0,2}?(?:stuck|blocked|with)\b.*"
    r"\b(?:but|until|then|eventually|finally)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:no|zero|without|not\s+any|nothing)\s+(?:\w+\s+){0,2}?(?:blockers?|blocking|roadblocks?"
    r"|impediments?|obstacles?)\b|\b(?:haven't|have\s+not|didn't|did\s+not|hasn't|wasn't)\s+"
    r"(?:\w+\s+){0,2}?(?:blocked|stuck|blocking|blockers?)\b|\bnot\s+(?:really\s+)?(?:blocked|"
    r"stuck)\b|\bsmooth\s+sailing\b|\bnothing\s+blocking\b",
    re.I,
)
_NONE_SECTION = re.compile(
    r"^\W*(?:none|nothing|nope|nah|n/?a|null|nil|zero|0|no(?=\s*(?:[,.;!:)\-\u2013\u2014]|$))|"
    r"not\s+(?:really|blocked|stuck|at\s+the\s+moment|yet|currently|that\s+i\s+know)|"
    r"no\s+(?:blockers?|blocking|major|real|big|issues|problems|impediments|obstacles|roadblocks)"
    r"|nothing\s+(?:blocking|major|visible|so\s+far|new|to\s+report|at\s+the\s+moment)|all\s+good"
    r"|all\s+clear|didn't\s+get\s+stuck|haven't\s+been\s+(?:blocked|stuck)|smooth\s+sailing"
    r"|-+\W*$)",
    re.I,
)
_SOFTENED = re.compile(
    r"\bbut\s+(?:it\s+|that\s+|we\s+|i\s+)?(?:should|will|'ll)\s+be\s+(?:good|fine|ok|okay|"
    r"manageable|alright)|\bnot\s+a\s+(?:big\s+|real\s+)?(?:problem|issue|blocker)\b",
    re.I,
)


def _blocker_cue(fragment: str) -> bool:
    """True when an unlabelled fragment reports something blocking the writer."""
    if _NEGATION.search(fragment) or _RESOLVED.search(fragment):
        return False
    for m in _BLOCKER_CUE.finditer(fragment):
        if _CUE_DISARMED.search(fragment[max(0, m.start() - 12) : m.start()]):
            continue
        if m.group(0).lower() == "stuck" and _PLACE_STUCK.search(fragment):
            continue  # "stuck at the airport"
        return True
    return False


def _blocker_items(chunk: str) -> list[str]:
    """Items of an explicit blockers section; [] for "none", "n/a", "no, ...", "not blocked"."""
    text = re.sub(r"^\W*yes\b\W*", "", _ANY_MARK.sub(" ", chunk).strip(), flags=re.I)
    if not text or _NONE_SECTION.match(text) or _SOFTENED.search(text):
        return []
    items, pos = [], 0
    for m in re.finditer(r"\s*;\s*|,?\s+plus\s+(?=\w)", _mask(text)):
        items.append(text[pos : m.start()])
        pos = m.end()
    items.append(text[pos:])
    return [item for item in map(_clean, items) if item]


# ------------------------------------------------------------- overall status (RAG)

_COLOUR = {"green": "green", "amber": "amber", "yellow": "amber", "orange": "amber", "red": "red"}
_CIRCLE = {"G": "green", "A": "amber", "R": "red"}
_C = r"(?P<c>green|amber|yellow|orange|red)(?![\w-])"
_M = r"\u00a7(?P<m>[GAR])\u00a7"
_STATUS_WORD = r"\b(?:status|overall|rag|health)\s*(?:is\s+|[:=\-\u2013]\s*)?"
_RAG_RULES: list[tuple[int, str | None, re.Pattern[str]]] = [
    (1, None, re.compile(rf"{_STATUS_WORD}(?:{_M}\s*)?{_C}", re.I)),
    (1, None, re.compile(rf"{_STATUS_WORD}{_M}", re.I)),
    (
        3,
        None,
        re.compile(  # a line "<topic>: yellow", "<topic> - red", "comms is yellow"
            r"^[ \t]*(?:[-*\u2022][ \t]*)?(?P<s>[A-Za-z][\w&/.']*(?:[ \t]+[\w&/.']+){0,2}?)[ \t]*"
            rf"(?:[:\-\u2013\u2014]|[ \t]is)[ \t]*(?:\u00a7[GAR]\u00a7[ \t]*)?{_C}"
            r"(?=[ \t]*(?:$|[.;!(]|\u00a7))",
            re.I | re.M,
        ),
    ),
    (3, None, re.compile(rf"\b(?:remains?|we're|we\s+are|currently)\s+{_C}", re.I)),
    (
        4,
        "red",
        re.compile(
            r"\b(?:not|isn't|aren't|no\s+longer)\s+(?:really\s+|quite\s+)?on\s+track\b"
            r"|\boff[\s-]track\b|\bblocked\s+overall\b|\boverall\s+(?:we're\s+|we\s+are\s+)?blocked"
            r"\b|\bon\s+track\s*[?:]\s*(?:no|nope|not)\b",
            re.I,
        ),
    ),
    (
        4,
        "amber",
        re.compile(
            r"\b(?:we're|we\s+are|i'm|it's|it\s+is|(?:project|sprint|release|milestone|timeline|"
            r"schedule|delivery|deadline|goal|plan|launch|demo|date|target)s?\s+(?:is|are)"
            r"|things\s+are|status\s*(?:is|:)?|overall\s*:?|currently|now)\s+(?:now\s+|a\s+bit\s+"
            r"|slightly\s+"
            r"|somewhat\s+|still\s+|potentially\s+)?at[\s-]risk\b"
            r"|(?:^|[.!?;\n\u00a7]\s*)(?:[\w'/&-]+\s+){0,4}?at[\s-]risk"
            r"(?=\s*(?:[:.!,;(\u00a7-]|$)|\s+(?:because|due|since|as|for|if|unless"
            r"|of\s+(?:slipping|missing|delay)))|\bslipping\b"
            r"|\bbehind\s+schedule\b|\brunning\s+late\b|\b(?:slightly|a\s+bit|a\s+little|somewhat"
            r"|running|falling|status\s*(?:is|:)?)\s+behind\b"
            r"|\bon\s+track\s*[?:]\s*(?:mostly|partly|kind\s+of|sort\s+of|somewhat)\b",
            re.I,
        ),
    ),
    (
        4,
        "green",
        re.compile(
            r"\b(?:we're|we\s+are|i'm|i\s+am|it's|it\s+is|things\s+are|everything(?:'s|\s+is)?|all"
            r"|still|looks?|looking|seems?|remains?|is|are|status\s*:?)\s+(?:still\s+|now\s+|mostly"
            r"\s+|broadly\s+|largely\s+|back\s+|fully\s+|well\s+|firmly\s+)?on\s+(?:track|schedule)"
            r"\b|(?:^|[.!?;:\u00a7\n-][ \t]*)on\s+track\b|\bahead\s+of\s+schedule\b",
            re.I | re.M,
        ),
    ),
]
_COUNTED = re.compile(
    r"(?:\b\d+|\b(?:no|any|few|some|several|many|which|that|two|three|four|five))\s+"
    r"(?:\w+\s+){0,2}$",
    re.I,
)
_ARTICLES = _words("the a an this that it my his her their")
_TECH_SUBJECTS = _words(
    "ci build builds test tests pipeline checks suite light button badge dashboard text font "
    "color colour background"
)


def _detect_rag(norm: str) -> str | None:
    """The overall status the update states, or None: it is never guessed."""
    found: list[tuple[int, int, int, str]] = []  # (priority, start, end, rag)
    for priority, fixed, pattern in _RAG_RULES:
        for m in pattern.finditer(norm):
            groups = m.groupdict()
            risk = re.search(r"\bat[\s-]risk", m.group(0), re.I)
            if risk and _COUNTED.search(
                norm[max(0, m.start() + risk.start() - 30) : m.start() + risk.start()]
            ):
                continue  # "3 at risk", "some tickets at risk": not the overall status
            subject = (groups.get("s") or "").lower().split()
            if subject and (
                subject[0] in _ARTICLES or (len(subject) == 1 and subject[0] in _TECH_SUBJECTS)
            ):
                continue  # "the button is red", "CI is green"
            if fixed:
                rag = fixed
            elif groups.get("c"):
                rag = _COLOUR[groups["c"].lower()]
            else:
                rag = _CIRCLE[groups["m"]]
            found.append((priority, m.start(), m.end(), rag))
    circles = [(m.start(), _CIRCLE[m.group(1)]) for m in re.finditer(r"\u00a7([GAR])\u00a7", norm)]
    if circles and len({rag for _, rag in circles}) == 1:  # mixed circles mark items, not the whole
        found.append((2, circles[0][0], circles[0][0] + 3, circles[0][1]))
    kept = [  # of overlapping matches the longer wins: "not on track" over "on track"
        f
        for f in found
        if not any(o[1] < f[2] and f[1] < o[2] and o[2] - o[1] > f[2] - f[1] for o in found)
    ]
    return min(kept)[3] if kept else None


# --------------------------------------------------------------------------- percent

_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b|per\s?cent\b)", re.I)
_PCT_METRIC_BEFORE = re.compile(
    r"\b(?:coverage|accuracy|precision|recall|f1|cpu|gpu|memory|ram|disk|load|usage|utili[sz]ation"
    r"|uptime|availability|rate|conversion|retention|growth|increase[ds]?|decrease[ds]?|reduc\w*"
    r"|drop(?:ped)?|improv\w*|up|down|by|from|budget|cost|spend|spent|discount|chance|probability"
    r"|scor\w*|share|margin|battery|traffic|latency|size|only|grow\w*|gain\w*|sav\w*|boost\w*|cut"
    r"|lower\w*|rais\w*|shr\w*|pass\w*|success|failure|error|hit)\W+(?:\w+\W+){0,2}"
    r"(?:~|about\s+|around\s+)?$",
    re.I,
)
_PCT_METRIC_AFTER = re.compile(
    r"^\W{0,3}(?:faster|slower|more|less|fewer|higher|lower|bigger|smaller|sure|certain|confident"
    r"|increase|decrease|improvement|reduction|drop|growth|off|discount|chance|likely|accuracy"
    r"|(?:test\s+|code\s+|line\s+|branch\s+)?coverage|cpu|memory|load|uptime|capacity|utili"
    r"|(?:test\s+)?pass|rate|success|fail|error"
    r"|of\s+(?:the\s+)?(?:users|customers|people|traffic|requests|tests|budget|time|cases|runs))",
    re.I,
)
_PCT_OF_NON_WORK = re.compile(  # "70% of users" is a metric, "60% of the backlog" is progress
    r"^\W{0,3}of\s+(?!(?:(?:the|our|my|all)\s+)?(?:work|project|tasks?|tickets?|stories|scope"
    r"|backlog|sprint|features?|milestones?|spec|plan|migration|docs?|points|issues|items|way|it"
    r"|this|that|them|pages?|chapters?|sections?)\b)\w+",
    re.I,
)
_PCT_RANGE = re.compile(r"\d\s?%\W*(?:to|->|\u2192)\s*$")
_PCT_REMAINING_BEFORE = re.compile(
    r"\b(?:remaining|the\s+last|the\s+rest\s+of|the\s+other)\s+(?:~|about\s+)?$", re.I
)
_PCT_REMAINING_AFTER = re.compile(r"^\W{0,3}(?:left|remaining|to\s+go|outstanding)\b", re.I)
_PCT_STRONG_AFTER = re.compile(
    r"^\W{0,3}(?:done|complete|completed|finished|through|there|of\s+the\s+way|ready)\b", re.I
)
_PCT_STRONG_BEFORE = re.compile(r"(?:progress|complet\w*)\W*$", re.I)


def _detect_percent(text: str) -> int | None:
    """The one overall completion percentage stated, or None (none, or ambiguous)."""
    completion: dict[int, bool] = {}  # value -> seen with a strong completion cue
    metric = False
    for m in _PERCENT.finditer(text):
        value = round(float(m.group(1)))
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 30]
        strong = bool(_PCT_STRONG_AFTER.search(after) or _PCT_STRONG_BEFORE.search(before))
        if not strong and (
            value > 100
            or _PCT_METRIC_AFTER.search(after)
            or _PCT_OF_NON_WORK.search(after)
            or _PCT_METRIC_BEFORE.search(before)
            or _PCT_RANGE.search(before)
        ):
            metric = True  # "coverage 85%", "40% to 55%", "30% faster"
            continue
        if _PCT_REMAINING_BEFORE.search(before) or _PCT_REMAINING_AFTER.search(after):
            value = 100 - value  # "the remaining 40%" states 60% done
        completion[value] = completion.get(value, False) or strong
        if len(completion) > 1:
            return None  # several different percentages: none of them is "the" figure
    if len(completion) != 1:
        return None
    value, strong = next(iter(completion.items()))
    return value if strong or not metric else None


# ------------------------------------------------------------------ splitting into items

_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl|mr|mrs|ms|dr|st|no|fig|cf)\.$", re.I)
_SPLIT = re.compile(
    r"\s*;\s*|,\s+(?:and\s+(?=then\s)|plus\s+)?|\s+(?:[-\u2013\u2014]|\u2192|->|=>)\s+"
    r"|\s+(?:and\s+)?(?=then\s)|\s+plus\s+|\s+(?:\+|&|and)\s+|\s+but\s+"
)
_SUBORDINATE = re.compile(
    r"(?:but|which|so|because|since|though|although|as|where|while|if|unless|until|when|"
    r"including|e\.g|i\.e|especially|like|such|or|etc)\b|[\d#@/(]",
    re.I,
)
_STOP = _words("and or the a an of to in on for with at by from it is are was be")


def _sentences(chunk: str) -> list[str]:
    pieces: list[str] = []
    for part in re.split(r"\s*\u00a7[XGAR]\u00a7\s*", chunk):
        for piece in re.split(r"(?<=[.!?])[\"')\]]*\s+", part):
            if pieces and _ABBREVIATION.search(pieces[-1]) and not part.startswith(piece):
                pieces[-1] += " " + piece
            elif piece.strip():
                pieces.append(piece)
    return pieces


def _mask(text: str) -> str:
    """Blank out bracketed and quoted spans (same length) so separators in them are ignored."""
    out, depth, quoted = [], 0, False
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
            out.append(ch)
            continue
        elif ch == '"':
            quoted = not quoted
        out.append("x" if (depth or quoted) and ch not in '([{"' else ch)
    return "".join(out)


def _plain_words(text: str) -> int:
    """Ordinary words outside brackets (identifiers, numbers and stop words do not count)."""
    text = re.sub(r"\([^)]*\)", " ", text)
    return sum(
        1
        for w in text.split()
        if re.fullmatch(r"[A-Za-z][a-z]+[.,:]?", w) and w.lower().strip(".,:") not in _STOP
    )


def _split_items(sentence: str) -> list[str]:
    """Cut one sentence into item-sized fragments."""
    masked = _mask(sentence)
    pieces: list[list[str]] = []
    pos = 0
    for m in _SPLIT.finditer(masked):
        sep, rest, left = m.group(0).strip(), sentence[m.end() :], masked[pos : m.start()]
        if rest.startswith("then ") and not sep.startswith((",", ";")):
            keep = bool(left.strip())
        elif sep.startswith(","):
            keep = not _SUBORDINATE.match(rest) or sep.endswith("plus")
        elif sep in ("+", "&", "and"):  # a new verb phrase, or "+ a tutorial"
            keep = len(left.split()) >= 2 and (
                _lead_is_verbish(rest) or (sep != "and" and re.match(r"(?:a|an|the)\s", rest))
            )
        elif sep == "but":
            keep = _blocker_cue(rest[:160]) and not _blocker_cue(sentence[pos : m.start()])
        else:  # dash or arrow; not inside "4.8.2 -> 9.1.0"
            keep = not (re.search(r"\d$", left) and rest[:1].isdigit())
        if keep:
            pieces.append([sentence[pos : m.start()], m.group(0)])
            pos = m.end()
    pieces.append([sentence[pos:], ""])
    merged: list[list[str]] = []
    for piece in pieces:
        if merged and piece[0].strip() and _plain_words(piece[0]) == 0:
            merged[-1] = [merged[-1][0] + merged[-1][1] + piece[0], piece[1]]
        else:
            merged.append(piece)
    return [text for text, _ in merged if text.strip()]


# -------------------------------------------------------------------------- cleaning

_LEAD_NOISE = re.compile(
    r"^(?:(?:[^\w\-\s#@~(\"'`]|-(?!-\w)|\s)+"  # punctuation, but not "--flag", "#12", "@user"
    r"|(?:and|also|then|plus|but|so|next(?=\s*[:,]|\s+up\b|\s+(?:i|we)\b)(?:\s+up)?(?:\s+is)?"
    r"|(?:tomorrow|today|tonight|yesterday|later|(?:this|last|next)\s+(?:week|morning"
    r"|afternoon))(?=\s*,|\s+(?:i|we)\b)|yes|ok|(?:i|we)(?:'ll|'m|'ve|'re|'d)?(?=\s)|will|am|are"
    r"|have|has|going\s+to|gonna|plan(?:ning)?\s+to|hopefully|currently|now)\b\W*)",
    re.I,
)
_EDGE_PUNCTUATION = re.compile(r"^(?:[\s,;:!\u2013\u2014]|-+(?=\s|$))+|[\s,;:!\-\u2013\u2014]+$")
_FILLER = re.compile(
    r"^(?:etc|yes|yep|sure|no|none|n/?a|null|nil|tbd|ok|okay|nothing|same|see above|green|amber"
    r"|(?:hey|hi|hello|good\s+morning|morning)(?:\s+(?:team|all|everyone|folks))?"
    r"|(?:quick\s+)?update"
    r"|yellow|red|i think so|i hope so|definitely|not really|(?:by|before|until)\s+(?:mon|tue|wed"
    r"|thu|fri|sat|sun|tomorrow|tonight|eod|end|next|the\s+end)\w*(?:\s+\S+){0,4}"
    r"|(?:~|about\s+|around\s+|approx\.?\s+)?\d+(?:\s*[-\u2013]\s*\d+)?\s*(?:more\s+)?(?:days?"
    r"|weeks?|hours?|hrs?)\b.*|(?:should|will)\s+be\s+(?:done|ready|finished)\b.*)$",
    re.I,
)
_PCT_ONLY = re.compile(
    r"^(?:we're|i'm|it's|at|about|around|roughly|~|progress\W*|overall\W*)*\s*\d{1,3}\s?%"
    r"(?:\s*(?:done|complete|completed|finished|through|there))?$",
    re.I,
)


def _clean(item: str) -> str:
    """A tidy item: no markers, bullets, leading connectives or pronouns; "" if nothing is left."""
    item = _BULLET.sub("", _ANY_MARK.sub(" ", item))
    for _ in range(6):
        stripped = _LEAD_NOISE.sub("", item.strip(), count=1)
        if stripped == item.strip():
            break
        item = stripped
    item = _EDGE_PUNCTUATION.sub("", re.sub(r"\s+", " ", item))
    item = re.sub(r"^\.+(?=\s|$)|\.+$", "", item).strip()
    if item.startswith("(") and item.endswith(")") and item.count("(") == 1:
        item = item[1:-1]
    if item.endswith(")") and item.count("(") < item.count(")"):
        item = item[:-1]
    item = re.sub(r"\s+(?:and|or|but|so)$", "", item, flags=re.I).strip(" .,;:")
    if len(item) > MAX_ITEM_CHARS:
        item = item[:MAX_ITEM_CHARS].rsplit(" ", 1)[0] + "\u2026"
    if not re.search(r"[A-Za-z]{2}", item) or _FILLER.match(item) or _PCT_ONLY.match(item):
        return ""
    first = item.split(" ", 1)[0]
    return item[:1].upper() + item[1:] if re.fullmatch(r"[a-z][a-z']*", first) else item


def _is_status_only(fragment: str) -> bool:
    """A short statement of overall status ("we're on track", "bug triage - yellow")."""
    if len(fragment.split()) > 6 or _blocker_cue(fragment):
        return False
    return any(p.search(fragment) for _, _, p in _RAG_RULES) or bool(
        re.match(r"\W*(?:status|overall|rag)\b", fragment, re.I)
    )


def _is_heading_fragment(fragment: str) -> bool:
    plain = _ANY_MARK.sub(" ", fragment).strip()
    return (
        len(plain.split()) <= 5
        and bool(_HEADING_FRAGMENT.search(plain))
        and _lead(plain)[0] is None
    )


# ------------------------------------------------------------------------ assembling


def _classify(fragment: str, section: str, previous: str | None) -> tuple[str, bool]:
    """(done or next, whether the fragment itself gave evidence) for one fragment."""
    kind, _ = _lead(fragment)
    future = bool(_FUTURE_ANY.search(fragment))
    if section == NEXT:
        return NEXT, True
    if section == DONE:  # a labelled done section keeps all but clearly planned work
        return (NEXT if kind == "future" or (future and kind != "past") else DONE), True
    if kind == "past":
        return DONE, True
    if kind in ("future", "progressive") or future or _THEN.match(fragment):
        return NEXT, True
    if _DONE_ANY.search(fragment):
        return DONE, True
    if kind == "base":
        return NEXT, True
    return previous or DONE, False


def _resolve_contextual(chunks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Decide whether "this week:" / "today:" sections report work done or planned."""
    resolved: list[tuple[str, str]] = []
    seen_done = False
    for section, chunk in chunks:
        if section in (THIS_WEEK, TODAY):
            kinds = {_lead(f)[0] for s in _sentences(chunk) for f in _split_items(s)}
            if seen_done:  # "Last week: ... This week: ..."
                section = NEXT
            elif "past" in kinds:
                section = DONE
            elif kinds & {"future", "base", "progressive"}:
                section = NEXT
            else:
                section = DONE if section == THIS_WEEK else NEXT
        seen_done = seen_done or section == DONE
        resolved.append((section, chunk))
    return resolved


def _sort_sentence(sentence: str, section: str) -> tuple[list[tuple[str, str]], list[str], bool]:
    """Sort one sentence: ([(target, fragment)], blocker fragments, says "no blockers")."""
    placed: list[tuple[str, str, bool]] = []
    blockers: list[str] = []
    says_none = False
    previous: str | None = None
    for fragment in _split_items(sentence):
        negation = _NEGATION.search(fragment)
        if negation:  # "no blockers", "release blog in progress with no blockers"
            says_none = True
            head = _TRAILING_JOINER.sub("", fragment[: negation.start()])
            if _plain_words(head) < 2:
                continue
            fragment = head
        if _is_status_only(fragment) or _is_heading_fragment(fragment):
            continue
        target, evidence = _classify(fragment, section, previous)
        if placed and not placed[-1][2] and target == NEXT and _THEN.match(fragment):
            placed[-1] = (NEXT, placed[-1][1], True)  # "X -> then Y": X is planned too
        after = sentence[sentence.find(fragment) + len(fragment) :]
        if _blocker_cue(fragment) and not _RESOLVED.search(after):
            blockers.append(fragment)
        else:
            placed.append((target, fragment, evidence))
        previous = target
    return [(target, fragment) for target, fragment, _ in placed], blockers, says_none


def _parse(text: str) -> StatusDraft:
    norm = _normalise(text)
    draft = StatusDraft(rag=_detect_rag(norm), percent=_detect_percent(text))
    explicit_blockers = False  # a blockers section, or "no blockers" anywhere
    prose_blockers: list[tuple[str, str]] = []  # (fragment, section it belongs to otherwise)
    for section, chunk in _resolve_contextual(_sections(norm)):
        if section == OTHER:
            continue
        if section == BLOCKERS:
            explicit_blockers = True
            draft.blockers.extend(_blocker_items(chunk))
            continue
        for sentence in _sentences(chunk):
            if _is_status_only(sentence):
                continue
            placed, blockers, says_none = _sort_sentence(sentence, section)
            explicit_blockers = explicit_blockers or says_none
            default = NEXT if section == NEXT else DONE
            prose_blockers += [(fragment, default) for fragment in blockers]
            for target, fragment in placed:
                if item := _clean(fragment):
                    getattr(draft, target).append(item)
    for fragment, fallback in prose_blockers:  # explicit statements about blockers win
        if item := _clean(fragment):
            getattr(draft, fallback if explicit_blockers else BLOCKERS).append(item)
    draft.done, draft.next, draft.blockers = (
        _dedupe(draft.done),
        _dedupe(draft.next),
        _dedupe(draft.blockers),
    )
    return draft


def _dedupe(items: list[str]) -> list[str]:
    """Items in order, without case-insensitive repeats."""
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            unique.append(item)
    return unique
