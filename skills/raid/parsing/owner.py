"""The entry's owner: Slack mentions, "owner X" phrases, "owner me", and the bot's mention.

People named for another reason (cc, thanks, "send contacts to", "raised by") are not owners.
An owner who is not a Slack mention is kept as text ("owner: Legal team", an e-mail address);
:func:`resolve_owner` turns a name or e-mail into a Slack user where the directory can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.people import People
from skills.raid.parsing.draft import RaidDraft
from skills.raid.parsing.text import _head_and_tail
from skills.raid.parsing.title import WHEN_SAID

_MENTION = re.compile(
    r"<@([UW][A-Z0-9]{2,})(?:\|[^<>]{0,80})?>"  # Slack: <@U123> or <@U123|name>
    r"|(?<![\w<])@(?!(?:here|channel|everyone)\b)([A-Za-z][\w.\-]{0,40})"  # typed: @bob
)

_OWN_AFTER = re.compile(  # what follows a mention of the owner: "owns", "to chase", "pls"
    r"\s*(?:\([^)]{0,30}\)\s*)?[,:\-–—]?\s*(?:"
    r"(?P<own>owns|owner\b|to own|will own|can (?:you )?own|could (?:you )?own|pls own|please own"
    r"|is (?:the )?owner|as owner|owning|is on (?:it|this)|on it|has (?:it|this)|taking (?:it|this)"
    r"|is handling|is responsible|is accountable|assigned|is assigned|to take (?:it|this))"
    r"|(?P<act>to (?!be\b|the\b)[a-z]+|pls\b|please\b|plz\b|can you\b|could you\b|would you\b"
    r"|will\b|chasing|handling|driving|leading|investigating|looking|is looking|is chasing"
    r"|volunteered|agreed to|offered to))",
    re.IGNORECASE,
)
_DOER_AFTER = re.compile(
    r"\s*(?:to\s+(?!be\b|the\b|do\s+list)[a-z]+|will\b|'ll\b|volunteered|agreed to|offered to"
    r"|is going to|is on (?:it|this)|owns?\b|has (?:the|this)\b)",
    re.IGNORECASE,
)
_NOT_OWNER_AFTER = re.compile(  # "thanks <@U1> for spotting", "<@U1> said", "<@U1>'s team"
    r"\s*(?:for (?:spotting|flagging|raising|catching|pointing|the heads|noticing|reporting)"
    r"|said|says|mentioned|raised|reported|flagged|spotted|noticed|thinks|suggested|asked|'s\b)",
    re.IGNORECASE,
)
_OWN_BEFORE = re.compile(
    r"(?:owner(?:ship)?|owned by|owner is|assign(?:ed)? to|assignee|accountable|responsible|dri"
    r"|led by|over to|handing to|action on|"
    r"actions? for)\s*[:=\-–—]?\s*(?:is\s+)?$",
    re.IGNORECASE,
)
_NOT_OWNER_BEFORE = re.compile(
    r"\b(?:thanks|thank you|thx|ty|cheers|kudos|cc|cc'd|raised by|reported by|spotted by"
    r"|flagged by|from|per|via|as|like|with|and|ask|asked|told|tell|by|says|said"
    r"|loop(?:ing)? in|copy(?:ing)?"
    r"|ping(?:ing)?|let|notify|inform|send\s+(?:\w+\s+){0,3}?to|sent\s+(?:\w+\s+){0,3}?to"
    r"|forward(?:ed)?\s+(?:\w+\s+){0,3}?to|contacts?(?:\s+\w+)?\s+to|shout-?out\s+to"
    r"|credit\s+to|h/t)\s*[:,]?\s*$",
    re.IGNORECASE,
)
_DECIDED_BY_BEFORE = re.compile(
    r"\b(?:decided|approved|agreed|signed off|sign-off|signed|ratified|chosen|accepted|endorsed"
    r"|confirmed|made|taken)\b[^.;!?\n]{0,30}?\bby\s*:?\s*$"
    r"|\b(?:decision[- ]maker|decided by|approver|per)\s*[:=]?\s*$",
    re.IGNORECASE,
)
_DECIDED_BY_AFTER = re.compile(
    r"\s*(?:'s\s+(?:call|decision)|\s*(?:made|took)\s+the\s+(?:call|decision)|\s*(?:decided|approved"
    r"|signed\s+(?:it\s+)?off|agreed|chose|picked|went\s+with|ruled|confirmed|ok'?d|okayed))",
    re.IGNORECASE,
)
_EMAIL = r"[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+"
# "owner is", "owner can be", "owner should be": how the owner is linked to who it is
_LINKED = r"(?:(?:is|will be|would be|can be|could be|should be|shall be|to be|=|->|goes to)\s+)?"
_OWNER_TEXT = re.compile(  # an owner named without a Slack mention: "owner supplier lead,"
    r"\b(?:owner|owned by|assigned to|assignee|action owner|accountable)\s*[:=\-]?\s*"
    + _LINKED
    + r"(?!(?:is|are|was|will|would|can|could|should|shall|must|may|might|not)\b)"
    rf"(?P<name><mailto:{_EMAIL}(?:\|[^>]*)?>|{_EMAIL}|@[\w.\-]+"
    r"|[A-Za-z][\w.'&\-]*(?:\s+[A-Za-z][\w.'&\-]*){0,2}?)"
    r"(?=\s*(?:[,.;!?\n)(]|$)|\s+(?:to|review|due|by|and|for|on|pls|please|until|from|[—–-])\b)",
    re.IGNORECASE,
)
_OWNER_NOUN = r"(?:owner|assignee|action owner|dri|point person)"
_SELF_OWNER = re.compile(  # the sender owns it, in words about themself
    # "owner me", "owner can be me", "assign (it) to me", "owned by me"
    rf"\b(?:{_OWNER_NOUN}|owned by|assign(?:ed)?(?: (?:it|this|that))? to)\s*[:=\-]?\s*{_LINKED}"
    r"(?:me|myself)\b"
    # "(with) me as owner", "put me down as the owner", "make me owner of this one"
    r"|\b(?:(?:with|put|make|mark|set|add|list)\s+)?(?:me|myself)\s+(?:down\s+)?(?:as\s+)?"
    rf"(?:the\s+)?{_OWNER_NOUN}\b(?:\s+(?:of|for|on)\s+(?:this|that|it)(?:\s+one)?\b)?"
    # "I'm the owner", "I'll be owner", "I can be the owner"
    rf"|\bi(?:'m| am|'ll be| will be| can be| could be)\s+(?:the\s+)?{_OWNER_NOUN}\b"
    # "I'll own it", "I can take this", "I'm happy to chase"
    r"|\bi(?:'ll| will| can| could|'m going to| am going to|'m happy to| am happy to)\s+"
    r"(?:own|take|handle|chase|pick (?:it |this )?up|look (?:at|into))\b"
    r"(?:\s+(?:it|this|that)(?:\s+one)?\b)?"
    # minutes' "me to chase the vendor", as "Sam to chase …"
    r"|(?:^|(?<=[\n;:,.]\s)|(?<=[\n;:]))\s*me\s+to\b(?=\s+[a-z]{2,})"
    # "action for me:", "a to-do for me" (as "action for <@U1>")
    r"|\b(?:action(?: item)?s?|to-?dos?|tasks?)\s+for\s+(?:me|myself)\b(?:\s+to\b)?"
    r"|\bmine\s*(?:[,.;!]|$)",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset(
    ("tbc", "tbd", "none", "unknown", "n/a", "na", "me", "myself", "us", "we", "team")
    + ("someone", "anyone", "nobody", "the", "a", "an")
)


@dataclass
class _Mention:
    user_id: str | None
    name: str | None
    span: tuple[int, int]
    strength: int  # 3 owner words, 2 action words, 1 neutral, 0 not an owner
    mask: tuple[int, int]  # the mention with its owner clause, left out of titles
    about: bool = False  # the subject of what a risk or issue says ("only <@U1> knows …")


def _mentions(text: str, bot_user_id: str | None) -> tuple[list[_Mention], tuple[int, int] | None]:
    """Mentions other than the bot's, and the span of the bot mention if one leads the text."""
    found: list[_Mention] = []
    bot_span = None
    for m in _head_and_tail(list(_MENTION.finditer(text))):
        user_id, name = m.group(1), m.group(2)
        after = text[m.end() : m.end() + 60]
        before = text[max(0, m.start() - 40) : m.start()]
        own = _OWN_AFTER.match(after)
        own_before = _OWN_BEFORE.search(before)
        not_before = _NOT_OWNER_BEFORE.search(before)
        is_own = bool(own and own.group("own")) or bool(own_before)
        leading = m.start() < 40 and not text[: m.start()].strip(" ,:")
        if bot_user_id and user_id:
            is_bot = user_id == bot_user_id
        else:  # unknown bot id, or a typed "@pmo": a mention leading the message is the bot,
            # unless it goes on as a person doing something ("<@U1> to send ...", "<@U1> will")
            is_bot = leading and not is_own and not bot_span and not _DOER_AFTER.match(after)
        if is_bot:
            if leading:
                bot_span = m.span()
            continue
        if is_own:
            strength = 3
        elif _NOT_OWNER_AFTER.match(after) or not_before:
            strength = 0
        elif own:
            strength = 2
        else:
            strength = 1
        edge = re.search(r"[,.;:!?\n]|\s[—–]\s|\s-\s", text[m.end() : m.end() + 80])
        clause_end = m.end() + (edge.start() if edge else min(80, len(text) - m.end()))
        cue = own_before or not_before
        mask_start = m.start() - len(before) + cue.start() if cue else m.start()
        if after.startswith("'s"):  # "<@U1>'s team must deliver": part of the sentence
            mask_start = clause_end = m.end()
        about = strength == 1 and _in_sentence(before, after)
        found.append(_Mention(user_id, name, m.span(), strength, (mask_start, clause_end), about))
    return found, bot_span


def described_people(mentions: list[_Mention]) -> list[_Mention]:
    """The mentions with those a risk or issue is about ("only <@U1> knows the batch jobs")
    made no owner and kept in the title, as part of what it says. (In an action or a decision
    the person a sentence is about is the one doing it: "<@U1> leads the migration".)"""
    return [replace(m, strength=0, mask=(m.span[1], m.span[1])) if m.about else m for m in mentions]


_CLAUSE_EDGE = re.compile(r"[,.;:!?\n()]|\s[—–]\s|\s-\s")
# "has", "is" as verbs of their own, not helping another ("has agreed to", "is to send")
_NOT_HELPING = r"(?!\s+(?:to|been|being|going|\w+ed|\w+ing|\w+en)\b)"
_FINITE_VERB = re.compile(  # "<@U1> knows", "… has", "… can": the mention is a subject
    rf"\s+(?:(?:is|was|has|had)(?:n't)?\b{_NOT_HELPING}|(?:can|could|may|might)(?:n't)?\b"
    r"|(?!(?:review|due|needs|this|his|its|thus|plus|always|perhaps|towards|across|unless|less"
    r"|yes)\b)[a-z]{2,}(?<!s)s\b)"
)
_STATE_VERB = re.compile(  # "<@U1> may leave", "<@U1> is off sick": about them, not asked of them
    # (not "<@U1> writes the runbook" or "<@U1> is fixing it": what minutes ask people to do)
    rf"\s+(?:(?:is|was|has|had)(?:n't)?\b{_NOT_HELPING}(?!\s+(?:the\s+)?(?:action|task|lead)\b)"
    r"|(?:may|might|could)(?:n't)?\b)"
)


def _in_sentence(before: str, after: str) -> bool:
    """A mention that is the subject of a sentence ("only <@U1> knows the batch jobs", "risk:
    <@U1> may leave in March"): who the entry is about, not who owns it. One standing apart
    ("… slip. <@U1>", "<@U1> review Friday") is a name added to the entry, as owners are, and
    one asked ("could <@U1> book …", "<@U1> should chase") is a doer."""
    clause = _MENTION.sub(" ", _CLAUSE_EDGE.split(before)[-1])
    if re.search(r"[^\W\d_]{2,}", clause):  # words of its clause before it: "only <@U1> …"
        return bool(_FINITE_VERB.match(after))
    return bool(_STATE_VERB.match(after))


def _pick_owner(mentions: list[_Mention]) -> _Mention | None:
    for strength in (3, 2):
        for mention in mentions:
            if mention.strength == strength:
                return mention
    neutral = [m for m in mentions if m.strength == 1]
    people = {m.user_id or (m.name or "").lower() for m in neutral}
    return neutral[0] if len(people) == 1 else None


def _owner_text(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """An owner written out ("owner: Legal team", "owner jo@acme.org"), and its span."""
    m = _OWNER_TEXT.search(text)
    if not m:
        return None, None
    name = m.group("name")
    mail = re.match(rf"<mailto:({_EMAIL})", name)
    name = mail.group(1) if mail else name.lstrip("@").strip()
    if (
        name.lower() in _NOT_A_NAME
        or name.lower().split()[0] in ("the", "a", "an")
        and len(name.split()) == 1
    ):
        return None, m.span()
    return name, m.span()


_NAMED_DOER = re.compile(  # minutes' "Sam to send the contract", "Legal team will review"
    r"(?P<name>[A-Z][\w'.&\-]*(?:\s+(?:[A-Z][\w'.&\-]*|team))?)\s+(?:to|will)\s+(?=[a-z]{2,}\b)"
)
_NOT_A_DOER = frozenset(
    ("i", "we", "you", "they", "he", "she", "it", "someone", "somebody", "everyone")
    + ("everybody", "anyone", "nobody", "this", "that", "who")
)


def _named_doer(text: str, start: int) -> tuple[str | None, tuple[int, int] | None]:
    """An action's doer named at its start without a mention ("Sam to send …"), and the span
    to leave out of the title."""
    m = _NAMED_DOER.match(text, start)
    if not m or m.group("name").split()[0].lower() in _NOT_A_DOER | _NOT_A_NAME:
        return None, None
    return m.group("name"), m.span()


def _self_owner(text: str) -> tuple[int, int] | None:
    """The span of "owner me", "I'll take it" ... when the sender names themself owner."""
    m = _SELF_OWNER.search(text)
    return m.span() if m else None


def _decided_by(text: str, mentions: list[_Mention]) -> tuple[str | None, tuple[int, int] | None]:
    """Who took a decision: a mention next to "decided by", "approved by", "made the call"."""
    for mention in mentions:
        start, end = mention.span
        before = text[max(0, start - 60) : start]
        verb = _DECIDED_BY_BEFORE.search(before)
        if verb or _DECIDED_BY_AFTER.match(text[end : end + 40]):
            begin = start - len(before) + verb.start() if verb else start
            return mention.user_id or mention.name, (begin, end)
    m = re.search(
        r"\b(?:decided|approved|agreed|signed off|ratified|taken)\s+by\s+(?P<who>(?:the\s+)?"
        r"[A-Za-z][\w&'-]*(?:\s+[A-Za-z][\w&'-]*){0,3}?)(?=\s*(?:[,.;!?\n(]|$)|\s+(?:on|at|in|"
        r"because|as|since|to|for|after)\b)",
        text,
        re.IGNORECASE,
    )
    m = m or _DECISION_FROM.search(text[:200])
    return (m.group("who"), (m.start(), m.end("who"))) if m else (None, None)  # "decided by X"


_DECISION_FROM = re.compile(  # a label naming who it came from: "Decision from steerco today:"
    r"^\W*(?:\w+\s+)?decisions?\s+(?:(?:made|taken|reached)\s+)?from\s+"
    rf"(?!{WHEN_SAID}\b)(?P<who>(?:the\s+)?[A-Za-z][\w&'-]*(?:\s+[A-Za-z][\w&'-]*){{0,2}}?)"
    rf"(?=\s*(?:[:,;(]|\s[—–-]\s|$)|\s+{WHEN_SAID}\b)",
    re.IGNORECASE | re.MULTILINE,
)


def resolve_owner(draft: RaidDraft, people: People) -> RaidDraft:
    """The draft with a written-out owner (a name or e-mail) made the Slack user the
    directory finds for it, when it finds exactly one, and the people its title mentions
    ("only <@U1> knows the batch jobs") written by name, as titles are shown as plain text."""
    draft = _title_by_name(draft, people)
    if draft.owner or not draft.owner_name:
        return draft
    person = people.find(draft.owner_name)
    if person is None or person.is_bot:
        return draft
    return replace(draft, owner=person.user_id, owner_name=None)


_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|([^<>]{0,80}))?>")


def _title_by_name(draft: RaidDraft, people: People) -> RaidDraft:
    """Mentions in the title as the person's name (their Slack label, else left as is when the
    directory does not know them)."""

    def name(m: re.Match[str]) -> str:
        person = people.get(m.group(1))
        if person.name and person.name != m.group(1):
            return person.name
        return m.group(2) or m.group()

    if "<@" not in draft.title:
        return draft
    return replace(draft, title=_SLACK_MENTION.sub(name, draft.title))
