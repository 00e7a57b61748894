"""The entry's title: command words and lead-ins cut, the first sentence shortened."""

from __future__ import annotations

import re
import unicodedata

from skills.raid.parsing.words import _DANGLING, _JUNK_WORDS, _TRAILING_STOP
from skills.raid.scoring import RaidType

TITLE_MAX_WORDS = 12
TITLE_SCAN_CHARS = 3000  # titles come from the start of the message
TITLE_MAX_CHARS = 100

_WORD = re.compile(r"[^\W_][\w'&+./-]*")

_TYPE_NOUN = (
    r"(?:risks?|issues?|problems?|blockers?|assumptions?|dependency|dependencies|deps?"
    r"|action items?|actions?|to-?dos?|decisions?)"
)
_SHORTCODE = re.compile(r":([a-z0-9_+'-]{1,40}):")  # :fire: -> kept whole in titles
_OPEN, _CLOSE = "\u27e6", "\u27e7"  # stand-ins for a shortcode's colons while splitting
_SEP = r"[\s,:;!.\-–—>]*"
# Asking for the entry to be logged: a wrapper ("can someone", "pls", "I'd like to"), a logging
# verb, what is logged ("this", "that"), where ("to the risk register") and as what ("as a new
# risk"). All of it is how the message is sent, none of it what the entry is.
_LOG_PLACE = (  # "the log", "the risk register", "risks", "the minutes"; not "the risk of …"
    rf"(?:the |our )?(?:(?:raid|{_TYPE_NOUN}) (?:log|register|list)|raid|log|register|list|pmo"
    r"|record|minutes|risks|issues|problems|blockers|assumptions|dependencies|deps|actions"
    r"|action items|to-?dos|decisions)"
)
_LOG_VERB = (
    r"(?:log|logging|add|adding|added|raise|raising|record|create|open|track|tracking|flag"
    r"|flagging|register|capture|note(?: down)?|noting|put|putting|enter)"
)
_THIS = r"(?: (?:this|that|it|the following|these|down|one)\b(?!'))"  # not "it's"
_TO_LOG = rf"(?: (?:as|in|on|to|into|under|for) {_LOG_PLACE})"
_AS_TYPE = (  # "as a new risk", "an assumption that", "a risk re"
    rf"(?: (?:as|under))?(?: (?:an?|another|the|new|one more)\b)*(?: new)?(?: {_TYPE_NOUN}\b"
    r"(?: (?:that|re|regarding|about)\b)?)?"
)
_REQUEST = (  # "can someone", "pls", "I'd like to", "just wanted to": the asking, never the title
    r"(?:(?:can|could|would|will) (?:you|u|someone|somebody|anyone|we|i)"
    r"(?: (?:please|pls|plz|just|also))? "
    r"|(?:pls|please|plz) (?:can (?:you|u|someone|somebody|anyone) )?"
    r"|i(?:'d| would) like to |(?:(?:i|we) )?(?:just )?(?:want|wanted|need|needed) to |let's |lets "
    r"|just to )"
)
_COMMAND_PREFIXES = [  # how people address the bot; cut from the description and the title
    re.compile(r"^(?:[^\w<@(:]+|:[a-z0-9_+'-]{1,40}:|:)+"),  # leading emoji and punctuation
    re.compile(
        r"^(?:(?:hey|hi|hello)(?: (?:team|all|folks|everyone|everybody|there|guys))?|ok(?:ay)?"
        r"|also|btw|fyi|nb|heads[- ]up|quick one|one more|urgent|important)\b" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "thanks <@U1> for spotting —"
        r"^(?:thanks|thank you|thx|ty|cheers)\b\s*(?:<@[^>]{1,90}>|@[\w.\-]+)?\s*"
        r"(?:for\s+(?:spotting|flagging|raising|catching|noticing|pointing (?:this |that |it )?out)"
        r"(?:\s+(?:this|that|it))?)?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "/pmo", "raid add risk"; not "PMO to refresh the forecast" (the PMO as doer)
        r"^/?(?:raid|pmo)\b(?!\s+(?:to|will|'ll|team|is|are|has|have)\b)"
        rf"(?: (?:add|new|create|log)\b(?: (?:an?|another|new)\b)*(?: {_TYPE_NOUN}\b)?)?"
        r"(?:\s*\([^)]{0,40}\))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:cc|fyi|ping)\b\s*:?\s*(?:(?:<@[^>]{1,90}>|@[\w.\-]+)[\s,&]*(?:and\s+)?)+" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(rf"^{_REQUEST}(?={_LOG_VERB}\b)", re.IGNORECASE),
    re.compile(  # "log this as a new risk:", "add action:", "flag that", "adding to the register"
        rf"^{_LOG_VERB}\b{_THIS}*{_TO_LOG}?{_AS_TYPE}\b"
        r"(?: for (?:me|us)\b(?=\s*[:\-–—>]))?"  # "log this for me:" (on their behalf)
        r"(?:\s*\([^)]{0,40}\))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "just to flag", "I wanted to mention": talk about the message, then what it says
        r"^(?:just )?(?:(?:i|we) )?(?:just )?(?:(?:want|wanted|would like|'d like) )?to "
        r"(?:flag|note|mention|highlight|say|point out|call out|let (?:you|everyone|you all) know)"
        rf"\b{_THIS}?{_TO_LOG}?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "for the log:", "one for the register -", "for visibility:"
        rf"^(?:(?:one|something|another one|an item|item|entry|note) )?for {_LOG_PLACE}\b"
        r"|^for (?:visibility|awareness|info(?:rmation)?)\b(?=\s*[:\-–—,])"
        r"|^(?:pls|please|plz)\b" + _SEP,
        re.IGNORECASE,
    ),
]
# A label's qualifier naming where or when the entry came up, not what it is about: "Decision
# from steerco this morning:", "Actions from today's stand-up:". "Issue in production:" names
# its subject and stays.
_MEETING = (
    r"(?:meetings?|calls?|reviews?|stand-?ups?|steerco|steering|board|workshops?|retros?"
    r"|retrospectives?|syncs?|huddles?|sessions?|catch-?ups?|planning|kick-?offs?|demos?|minutes"
    r"|forums?|committees?|check-?ins?|1:1s?|one-to-ones?|town ?halls?|all-hands|offsites?"
    r"|away-?days?)"
)
WHEN_SAID = (
    r"(?:today|tonight|yesterday|this (?:morning|afternoon|evening|week)|last (?:night|week)"
    r"|earlier(?: today)?|just now)"
)
_LEAD_INS = [  # words that say what the entry is, cut from the title only
    re.compile(  # "risk:", "Hard dependency:", "Issue (RED):", "Risk for the X scheme:"
        r"^(?:(?:hard|soft|key|new|another|major|minor|potential|possible|big|critical|external"
        r"|internal|working|planning|discovery|technical|business|project|top|main)\s+){0,2}"
        rf"{_TYPE_NOUN}\b(?:\s*\([^)]{{0,40}}\))?\s*"
        r"(?:for\s+[^:\n]{1,60}:|[:,\-–—>]+|(?:that|of|on|upon)\b|(?=\s*$))\s*",
        re.IGNORECASE,
    ),
    re.compile(  # "Decision from steerco this morning:", "Risk raised at the board:"
        rf"^(?:\w+\s+)?{_TYPE_NOUN}\s+(?=[^:\n.!?]{{0,60}}\b(?:{_MEETING}|{WHEN_SAID})\b)"
        r"(?:(?:raised|made|taken|agreed|reached|logged|noted|recorded|coming|came)\s+)?"
        rf"(?:(?:from|at|in|during|after|per|out of)\s+|{WHEN_SAID}\b)[^:\n.!?]{{0,60}}?"
        r"\s*(?::|\s[—–-])\s*",
        re.IGNORECASE,
    ),
    re.compile(  # "there's a risk that"
        rf"^there(?:'s| is| are) (?:a |an |some )?(?:\w+ )?{_TYPE_NOUN}"
        r"(?: (?:that|of|with|around|re|regarding|on|upon|here))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "I think", "we're worried that": the writer's stance, not the entry
        r"^(?:i|we)(?:'m| am|'re| are)? (?:really )?(?:think|believe|feel|reckon|suspect|guess"
        r"|fear|worried|concerned)(?: (?:that|about))?\s+",
        re.IGNORECASE,
    ),
]
# Words that say the entry is of one type, cut from its title only when it is of that type:
# in an assumption "we're assuming X" is said by the type, in a risk it is what may go wrong;
# "waiting on X" names a dependency, and is the whole of a blocker.
_ASSUMING = [
    re.compile(  # "we're assuming (that)"
        r"^(?:(?:we|i)(?:'re| are|'m| am)? )?(?:assuming|assume|presuming|presume"
        r"|tak(?:e|ing) (?:it )?(?:as given|for granted))(?: that)?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^(?:the |our |this )?(?:\w+ ){0,2}(?:assumes|presumes)(?: that)?\s+", re.I),
]
_RELYING = [  # "we depend on", "relying on"
    re.compile(
        r"^(?:we(?:'re| are)? )?(?:depend(?:s|ent)?|reliant|rely|relying) (?:on|upon)\s+",
        re.IGNORECASE,
    )
]
_WAITING = [re.compile(r"^(?:we(?:'re| are)? )?waiting (?:on|upon|for)\s+", re.IGNORECASE)]
_TYPED_LEAD_INS = {
    RaidType.ASSUMPTION: _ASSUMING + _RELYING,
    RaidType.DEPENDENCY: _RELYING + _WAITING,
}


def lead_ins(raid_type: RaidType | None = None) -> list[re.Pattern[str]]:
    """The lead-ins cut from titles: every type's, and those of ``raid_type``."""
    return _LEAD_INS + (_TYPED_LEAD_INS.get(raid_type, []) if raid_type else [])


_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bincl)(?<!\bvs)(?<!\betc)[.!?]+(?=\s|$)|\n")
_STRONG_SPLIT = re.compile(r"\s+[—–]\s+|\s+-{1,2}\s+|\s*(?:->|=>|→)\s*|;\s*|\x1f+|:\s+")
_WEAK_SPLIT = re.compile(
    r",\s+|\s+(?:(?:could|may|might|will|would) (?:lead to|cause|mean)|"
    r"because|as|since|so|which|meaning|so that|causing|resulting in|leading to|"
    r"when|while|but|and then|if)\s+",
    re.IGNORECASE,
)


def _strip_prefixes(text: str, patterns: list[re.Pattern[str]], start: int) -> int:
    """Advance ``start`` past any leading matches of ``patterns``."""
    for _ in range(8):
        moved = False
        for pattern in patterns:
            m = pattern.match(text[start : start + 300])
            if m and m.end() > 0:
                start, moved = start + m.end(), True
        if not moved:
            break
    return start


def _is_emoji_part(ch: str) -> bool:
    return (
        unicodedata.category(ch) in ("So", "Cs", "Co", "Cn")
        or ch in "\u200d\ufe0e\ufe0f\u20e3"  # joiner, variation selectors, keycap
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones
    )


_MRKDWN = re.compile(r"(?<![\w*_~`])[*_~`]+(?=\w)|(?<=\w)[*_~`]+(?![\w*_~`])")  # *b* _i_ `c`


def _clean_title(text: str) -> str:
    text = "".join(ch for ch in text if not _is_emoji_part(ch))
    text = _MRKDWN.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-–—>|\"'")
    return text[:1].upper() + text[1:] if text else ""


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _JUNK_WORDS]


def _shorten(segment: str) -> str:
    words = segment.split()
    if len(words) <= TITLE_MAX_WORDS:
        return _cap_chars(segment)
    best = None
    for m in _WEAK_SPLIT.finditer(segment):
        head = segment[: m.start()]
        if 3 <= len(head.split()) <= TITLE_MAX_WORDS:
            best = head
    if best:
        return _cap_chars(best)
    words = words[:TITLE_MAX_WORDS]
    while len(words) > 3 and words[-1].lower().strip(",;:") in _TRAILING_STOP:
        words.pop()
    return _cap_chars(" ".join(words))


def _cap_chars(title: str) -> str:
    if len(title) <= TITLE_MAX_CHARS:
        return title
    cut = title[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut if len(cut) >= TITLE_MAX_CHARS // 2 else title[:TITLE_MAX_CHARS]


def _drop_parentheticals(sentence: str) -> str:
    def keep(m: re.Match[str]) -> str:
        inner = m.group(1)
        if len(inner.split()) > 3 or "\x1f" in inner or not re.search(r"[A-Z]", inner):
            return " "
        return m.group(0)

    return re.sub(r"\s*\(([^()]*)\)", keep, sentence)


def _title_from(body: str) -> str:
    """The title: the first sentence's first segment, shortened and cleaned; emoji shortcodes
    inside it are kept whole (":fire:")."""
    protected = _SHORTCODE.sub(lambda m: f"{_OPEN}{m.group(1)}{_CLOSE}", body)
    return _first_segment(protected).replace(_OPEN, ":").replace(_CLOSE, ":")


def _first_segment(body: str) -> str:
    sentences: list[str] = []
    last = 0
    for m in _SENTENCE_END.finditer(body):
        sentences.append(body[last : m.start()])
        last = m.end()
        if len(sentences) >= 4:
            break
    else:
        sentences.append(body[last:])
    for sentence in sentences:
        sentence = _drop_parentheticals(sentence)
        parts = _STRONG_SPLIT.split(sentence)
        segments = [p.strip(" ,") for p in parts if len(_content_words(p)) >= 1]
        if not segments:
            continue
        title = segments[0]
        if len(segments) > 1 and len(title.split()) <= 4 and len(_content_words(segments[1])) > 1:
            joined = f"{title} — {segments[1]}"
            if len(joined.split()) <= TITLE_MAX_WORDS:
                title = joined
        words = _shorten(title).split()
        while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
            words.pop()
        title = _clean_title(" ".join(words))
        if _content_words(title):
            return title
    return ""
