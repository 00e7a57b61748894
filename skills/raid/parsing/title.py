"""The entry's title: command words and lead-ins cut, the first sentence shortened."""

from __future__ import annotations

import re
import unicodedata

from skills.raid.parsing.words import _DANGLING, _JUNK_WORDS, _TRAILING_STOP

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
_COMMAND_PREFIXES = [  # how people address the bot; cut from the description and the title
    re.compile(r"^(?:[^\w<@(:]+|:[a-z0-9_+'-]{1,40}:|:)+"),  # leading emoji and punctuation
    re.compile(
        r"^(?:hey|hi|hello|ok(?:ay)?|also|btw|fyi|nb|heads[- ]up|quick one|one more|urgent"
        r"|important)\b" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "thanks <@U1> for spotting —"
        r"^(?:thanks|thank you|thx|ty|cheers)\b\s*(?:<@[^>]{1,90}>|@[\w.\-]+)?\s*"
        r"(?:for\s+(?:spotting|flagging|raising|catching|noticing|pointing (?:this |that |it )?out)"
        r"(?:\s+(?:this|that|it))?)?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^/?(?:raid|pmo)\b" + _SEP, re.IGNORECASE),
    re.compile(
        r"^(?:cc|fyi|ping)\b\s*:?\s*(?:(?:<@[^>]{1,90}>|@[\w.\-]+)[\s,&]*(?:and\s+)?)+" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "can you log this as a new risk:", "pls add", "raid add issue —"
        r"^(?:(?:can|could|would|will) (?:you|u) (?:please |pls )?|(?:pls|please|plz) (?:can you )?"
        r"|i(?:'d| would) like to |i want to |let's |lets |we need to |need to )?"
        r"(?:log|logging|add|adding|raise|raising|record|create|open|track|tracking|flag|register"
        r"|capture|note(?: down)?|put"
        r"|enter)\b(?: (?:this|that|it|the following|these|down|one))*"
        r"(?: (?:as|in|on|to|into|under) (?:the )?(?:raid(?: log)?|log|register|list|pmo))?"
        rf"(?: (?:as|under))?(?: (?:an?|another|the|new|one more))*(?: new)?(?: {_TYPE_NOUN})?\b"
        r"(?:\s*\([^)]{0,40}\))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "Adding to the register:"
        r"^(?:adding|added|add|putting|put|logging)\s+(?:this\s+|these\s+)?(?:to|on|in|into|for)\s+"
        r"(?:the\s+)?(?:raid\s+)?(?:log|register|raid)\b" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^(?:for the (?:raid )?(?:log|register)|pls|please|plz)\b" + _SEP, re.IGNORECASE),
]
_LEAD_INS = [  # words that say what the entry is, cut from the title only
    re.compile(  # "risk:", "Hard dependency:", "Issue (RED):", "Risk for the X scheme:"
        r"^(?:(?:hard|soft|key|new|another|major|minor|potential|possible|big|critical|external"
        r"|internal|working|planning|discovery|technical|business|project|top|main)\s+){0,2}"
        rf"{_TYPE_NOUN}\b(?:\s*\([^)]{{0,40}}\))?\s*"
        r"(?:for\s+[^:\n]{1,60}:|[:,\-–—>]+|(?:that|of|on|upon)\b|(?=\s*$))\s*",
        re.IGNORECASE,
    ),
    re.compile(  # "there's a risk that"
        rf"^there(?:'s| is| are) (?:a |an |some )?(?:\w+ )?{_TYPE_NOUN}"
        r"(?: (?:that|of|with|around|re|regarding|on|upon|here))?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(  # "we're assuming (that)"
        r"^(?:(?:we|i)(?:'re| are|'m| am)? )?(?:assuming|assume|presuming|presume"
        r"|tak(?:e|ing) (?:it )?(?:as given|for granted))(?: that)?" + _SEP,
        re.IGNORECASE,
    ),
    re.compile(r"^(?:the |our |this )?(?:\w+ ){0,2}(?:assumes|presumes)(?: that)?\s+", re.I),
    re.compile(  # "we depend on", "waiting for"
        r"^(?:we(?:'re| are)? )?(?:depend(?:s|ent)?|reliant|rely|relying|waiting)"
        r" (?:on|upon|for)\s+",
        re.IGNORECASE,
    ),
]
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
