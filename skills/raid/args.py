"""Arguments of the RAID operations, and the scope of an operation on one item."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

from bot.core.context import Context
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.operations import Args, Scope, flag, positional, rest
from bot.core.projects import check_user_id, get_project
from bot.core.text import escape
from skills.raid import service
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType

SHORT_KEY = re.compile(r"^#?(ACT|DEC|[A-Z])?(\d{1,6})$", re.I)
TYPE_WORDS = re.compile(
    r"^(risks?|issues?|assumptions?|dependenc(?:y|ies)|deps?|actions?|decisions?)$", re.I
)


class ItemArgs(Args):
    key: str = positional(description="The item: APOLLO-R4, or R4 in the project's channel")
    project: str | None = flag(description="Project key, for a short key outside its channel")


class ItemNoteArgs(ItemArgs):
    note: str = rest(default="", description="A note for the history")


def resolve_item(session: Any, text: str, project: Project | None, live: bool = True) -> RaidItem:
    """An item by full key (`APOLLO-R4`), or by short key (`R4`, `#4`) within `project`; a
    deleted one too if not `live` (to undo its deletion)."""
    raw = text.strip().strip("`*").rstrip(".,:;?!")
    short = SHORT_KEY.match(raw)
    if short and project is None:
        raise UserError(
            f"`{escape(raw)}` is a short key: use the full key (like `APOLLO-R4`), or say it in "
            "the project's channel, or add `--project KEY`."
        )
    if short and project is not None:
        letter, number = short.group(1), int(short.group(2))
        if letter:
            raid_type = RaidType.from_key_letter(letter)
            if raid_type is None:
                raise UserError(f"`{escape(raw)}` is not a RAID key: they look like `R4` or `I2`.")
            return _by_full_key(session, service.item_key(project, raid_type, number), live)
        candidates = [
            item
            for raid_type in RaidType
            for item in [_live(session, service.item_key(project, raid_type, number))]
            if item is not None
        ]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            keys = ", ".join(f"`{i.key}`" for i in candidates)
            raise UserError(f"`#{number}` could be {keys}: say which.")
        raise UserError(f"There is no RAID item numbered {number} in `{project.key}`.")
    return _by_full_key(session, raw, live)


_NOUN = r"(?P<noun>risk|issue|assumption|dependency|dep|action|decision|item|blocker|problem)s?"
_THE = r"\b(?:the|that|this|our|my|your)\s+"
# "the nimbus capacity risk", "that VPN issue"; "the action about the terraform modules"
DESCRIBED = (
    re.compile(rf"{_THE}(?P<words>(?:[\w'/.&-]+\s+){{1,5}}?){_NOUN}\b", re.I),
    re.compile(
        rf"{_THE}{_NOUN}\s+(?:about|on|around|re|regarding|for)\s+"
        r"(?P<words>[\w'/.&-]+(?:\s+[\w'/.&-]+){0,4})",
        re.I,
    ),
)
_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the of for on in to and or with about around re regarding at by from is are was be "
        "it its this that these those our my your their open new old big main same other",
    )
)
_NOUN_TYPE = {"dep": RaidType.DEPENDENCY, "blocker": RaidType.ISSUE, "problem": RaidType.ISSUE}


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w[:5] for w in words if w not in _STOP and len(w) > 1}


def described_key(session: Any, project: Project, text: str) -> str | None:
    """The key of the live item `text` describes by type and title words ("close the nimbus
    capacity risk"): the item of that type sharing most of the words, at least half of them,
    an open one first ("reopen the login issue" finds a closed one); `UserError` naming the
    keys when several fit equally; None when none does."""
    for found in (f for pattern in DESCRIBED for f in pattern.finditer(text)):
        words = _stems(found.group("words"))
        noun = found.group("noun").lower()
        raid_type = _NOUN_TYPE.get(noun) or RaidType.from_text(noun)
        for status in ("open", "all") if words else ():
            wanted = service.RaidFilter(type=raid_type, status=status)
            items = service.list_items(session, project, wanted)
            scored = [(len(words & _stems(item.title)) / len(words), item) for item in items]
            best = max((score for score, _ in scored), default=0.0)
            fitting = [item for score, item in scored if score == best and best >= 0.5]
            if len(fitting) == 1:
                return fitting[0].key
            if fitting:
                keys = ", ".join(f"`{item.key}`" for item in fitting[:5])
                raise UserError(f"Which {noun} do you mean: {keys}? Say its key.")
    return None


def _by_full_key(session: Any, key: str, live: bool = True) -> RaidItem:
    """The item with this key, or the one it became when its type changed."""
    try:
        return service.find_item(session, key, live=live)
    except UserError:
        from skills.raid.corrections import renamed_item

        renamed = renamed_item(session, key.upper())
        if renamed is None:
            raise
        return renamed


def _live(session: Any, key: str) -> RaidItem | None:
    try:
        return service.find_item(session, key)
    except UserError:
        return None


def item_scope(ctx: Context, args: ItemArgs, live: bool = True) -> Scope:
    """The item named by `args.key`, in whichever project it lives (a deleted one too if not
    `live`): that project's rule. A change to a risk converted to an issue goes to that
    issue."""
    hint = get_project(ctx.session, args.project) if args.project else ctx.project
    if args.project and hint is None:
        hint = ctx.project_for(args.project)  # says there is no such project
    item = resolve_item(ctx.session, args.key, hint, live)
    if ctx.operation is not None and ctx.operation.writes:  # "close R1" after R1 became I1
        from skills.raid.corrections import successor

        item = successor(ctx.session, item)
    project = ctx.session.get(Project, item.project_id)
    owners = tuple(u for u in (item.owner, item.raised_by) if u)
    return Scope(
        project=project, owners=owners, owned=bool(item.owner), target=item, label=item.key
    )


def target_item(ctx: Context) -> RaidItem:
    """The item the running operation's scope loaded."""
    assert ctx.scope is not None and isinstance(ctx.scope.target, RaidItem)
    return ctx.scope.target


def user_or_none(value: Any) -> str | None:
    """An owner given as a mention or user id; `me` stays `me` for the operation to resolve."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.lower() in ("me", "myself", "@me"):
        return "me"
    return check_user_id(text)


def read_level(value: Any) -> int | None:
    """Probability or impact: 1-5, or a word like low, medium, high."""
    if value in (None, ""):
        return None
    from skills.raid.parsing import parse_level

    level = value if isinstance(value, int) else parse_level(str(value), kind="p")
    if level is None:
        raise ValueError("must be 1-5 or a word like low, medium, high")
    if not 1 <= level <= 5:
        raise ValueError(f"must be 1-5, not {level}")
    return level


Level = Annotated[int | None, BeforeValidator(read_level)]
UserRef = Annotated[str | None, BeforeValidator(user_or_none)]
