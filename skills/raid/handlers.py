"""The RAID skill and its first operation, logging an item (`/pmo raid add …`, plain text).

Reading the log is in `reading`, changing it in `changing`, forms and buttons in
`interactions`."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import clock, ui
from bot.core.context import Context
from bot.core.messages import FieldErrors, Reply, UserError
from bot.core.models import Project
from bot.core.operations import Access, ProjectArgs, flag, rest
from bot.core.skills import Skill
from bot.core.text import escape, mention
from bot.interpret import learning, slots
from bot.interpret.model import MODE
from skills.raid import forms, service, views
from skills.raid.args import (
    Level,
    UserRef,
)
from skills.raid.models import RaidItem
from skills.raid.parsing import RaidDraft, parse_raid_message, resolve_owner
from skills.raid.parsing.type_model import EXAMPLES, type_classifier
from skills.raid.scoring import RaidType


def intent_examples() -> list[tuple[str, str]]:
    """The type model's examples as messages asking for `raid.add`, one mode per type (as
    written: the chat decorations the type model also learns from, mentions and thanks,
    say nothing about the type but would teach the intent model that they mean an item)."""
    from skills.raid.parsing.type_training import load_examples  # with numpy: on training

    texts, types = load_examples(EXAMPLES)
    return [
        (text, f"raid.add{MODE}{raid_type}") for text, raid_type in zip(texts, types, strict=True)
    ]


skill = Skill(
    "raid",
    "Log and work risks, assumptions, issues, dependencies, actions and decisions.",
    # "Risk: …", "new issue - …", "raising an issue: …", "working assumption - …": a type
    # word labels what follows (up to four words before it; "at risk:" is a state, not one).
    # "Blocker:" labels one issue; "Blockers:" is a section of a status update.
    leads=(
        r"\W*(?:[\w'/+-]+\s+){0,4}?(?<!\bat\s)(?<!\bno\s)(?:raid|risks?|issues?|assumptions?"
        r"|dependency|dependencies|deps?|decisions?|actions?(?:\s+items?)?|to-?dos?|blocker"
        r"|problems?|incidents?)\s*(?:\([^)]{0,40}\)\s*)?"
        r"(?::|\s[-\u2013\u2014]\s)",
        r"\s*we(?:'re|\u2019re| are)\s+assuming\b",  # an assumption said as teams say it
        # a bare request to log one ("log a risk", "add an issue"): the form asks the rest
        r"\s*(?:log|add|raise|record|open)\s+(?:a|an|another|a\s+new)\s+(?:risk|issue|assumption"
        r"|dependency|decision|action)\W*$",
    ),
    details=(
        'Or just tell me ("log a risk: …, owner @bob, review Friday, likelihood high impact '
        'medium"), or use the *Add to RAID log* message shortcut. Keys like `R4` work in the '
        "project's channel."
    ),
    priority=20,
    text_operation="raid.add",
    bare_operation="raid.list",
    intent_examples=intent_examples,
)

FIELD_ALIASES = {
    "owner": "owner",
    "title": "title",
    "description": "description",
    "desc": "description",
    "date": "due_on",
    "due": "due_on",
    "review": "due_on",
    "p": "probability",
    "probability": "probability",
    "likelihood": "probability",
    "i": "impact",
    "impact": "impact",
    "strategy": "strategy",
    "response": "strategy",
    "mitigation": "mitigation",
    "action": "mitigation",
    "status": "status",
}
PROJECT_FLAG = re.compile(r"(?:^|\s)--project[= ](\S+)")


def today(project: Project) -> date:
    return clock.today(project.timezone)


def card(item: RaidItem, project: Project, *, note: str | None = None, undo: bool = False) -> Reply:
    """An item's card with its buttons; `note` says what just happened."""
    day = today(project)
    text = views.item_text(item, day)
    return Reply(
        text=f"{note}\n{text}" if note else text,
        blocks=views.item_blocks(item, today=day, undo=undo, note=note),
    )


def owner_dm(item: RaidItem, project: Project, intro: str) -> Reply:
    text = f"{intro}\n{views.item_text(item, today(project))}"
    return Reply(text=text, blocks=[ui.section(text)], to_user=item.owner)


def clean_fields(values: dict[str, object]) -> dict[str, object]:
    """Each field through the service's validation; every bad field is reported at once."""
    errors, cleaned = {}, {}
    for name, value in values.items():
        try:
            cleaned[name] = service.normalise(name, value)
        except UserError as exc:
            errors[name] = str(exc)
    if errors:
        raise FieldErrors(errors)
    return cleaned


# -- adding ------------------------------------------------------------------------------


class AddArgs(ProjectArgs):
    type: str | None = flag(description="risk, assumption, issue, dependency, action or decision")
    title: str = rest(default="", description="A short statement of the item")
    description: str = flag(default="", description="More detail")
    owner: UserRef = flag(description="The owner, as a mention or user id (or `me`)")
    due_on: str | None = flag(description="Due or review date (YYYY-MM-DD)")
    probability: Level = flag(description="Probability 1-5")
    impact: Level = flag(description="Impact 1-5")
    mitigation: str | None = flag(description="Mitigation or planned action")
    strategy: str | None = flag(description="Response strategy")
    owner_name: str | None = flag(description="An owner outside Slack, e.g. Legal team")
    external_ref: str | None = flag(description="Its id elsewhere: R-001, a ticket key, a link")
    decided_by: str | None = flag(description="Who took a decision")
    rationale: str | None = flag(description="Why a decision was taken")
    status: str | None = flag(description="A status other than the type's first")
    source: str | None = flag(description="Link to the message it came from", internal=True)
    channel: str | None = flag(description="Channel to post the card in", internal=True)
    more: list[dict[str, Any]] = flag(
        default=[], description="More items said at once, each as these arguments", internal=True
    )


# Minutes: a line opening with a type's label starts an item ("- ACTION: Sam to …").
LABELLED_LINE = re.compile(
    r"^\s*(?:[-*\u2022\u00b7]|\d{1,2}[.)])?\s*(?:risk|issue|assumption|dependency|dep|decision"
    r"|action(?:\s+item)?|to-?do)s?\s*(?::|\s[-\u2013\u2014]\s)",
    re.I,
)
MAX_ITEMS_AT_ONCE = 20


def labelled_parts(text: str) -> list[str]:
    """The items of a message with two or more lines that each open with a type's label
    (lines after one belong to it, lines before the first are a heading); else []."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if LABELLED_LINE.match(line)]
    if len(starts) < 2:
        return []
    if len(starts) > MAX_ITEMS_AT_ONCE:
        raise UserError(f"That's {len(starts)} items: I log at most {MAX_ITEMS_AT_ONCE} at once.")
    ends = [*starts[1:], len(lines)]
    return [
        re.sub(r"^\s*(?:[-*\u2022\u00b7]|\d{1,2}[.)])\s*", "", "\n".join(lines[a:b]).strip())
        for a, b in zip(starts, ends, strict=True)
    ]


def read_message(ctx: Context, text: str) -> AddArgs:
    """Free text as a new item (or as several, from minutes with a label per line), by the
    offline parser (the interpreter's slot filler)."""
    named = PROJECT_FLAG.search(text)
    text = PROJECT_FLAG.sub(" ", text).strip() if named else text
    if not text.strip():
        raise UserError("What should I log? e.g. `raid add risk: vendor may slip the go-live`.")
    key, text = (named.group(1), text) if named else slots.project_said(ctx, text)
    project = ctx.project_for(key)
    parts = labelled_parts(text)
    if parts:
        first, *rest_ = [read_item(ctx, project, part) for part in parts]
        return first.model_copy(update={"more": [each.model_dump() for each in rest_]})
    return read_item(ctx, project, text)


def read_item(ctx: Context, project: Project, text: str) -> AddArgs:
    draft = parse(ctx, project, text)
    if draft.problems:
        excerpt = f" (in “{escape(text[:60])}”)" if "\n" in text or len(text) > 60 else ""
        raise UserError(f"I didn't save that{excerpt}: " + " ".join(draft.problems))
    return AddArgs(
        project=project.key,
        type=draft.type.value,
        title="" if draft.missing_title else draft.title,
        description=draft.description,
        owner=draft.owner,
        due_on=draft.date.isoformat() if draft.date else None,
        probability=draft.probability,
        impact=draft.impact,
        owner_name=draft.owner_name,
        external_ref=draft.external_ref,
        decided_by=draft.decided_by,
        rationale=draft.rationale,
        mitigation=draft.mitigation,
        status=draft.status,
        source=ctx.permalink,
    )


NO_BOT = "-"  # Slack's adapter took the bot's own mention out: every mention left is a person
RAID_TYPES = learning.Adapted("raid_type", type_classifier)


def parse(ctx: Context, project: Project, text: str) -> RaidDraft:
    """The message as a draft item, its type guessed by the model that learned this
    workspace's corrections, its owner resolved to a Slack user where one is named."""
    draft = parse_raid_message(
        text,
        now=clock.now(),
        tz=ZoneInfo(project.timezone),
        sender=ctx.user,
        bot_user_id=NO_BOT,
        types=lambda: RAID_TYPES.for_workspace(ctx.session, learning.workspace_of(ctx.team)),
    )
    return resolve_owner(draft, ctx.people)


def type_choices(ctx: Context, text: str) -> list[tuple[str, dict[str, object]]]:
    """How a clarifying question offers logging `text`: as the type `raid add` would give it
    (the parser's reading), then the model's likeliest other type."""
    model = RAID_TYPES.for_workspace(ctx.session, learning.workspace_of(ctx.team))
    if model is None:
        return [("Log it in the RAID log", {})]
    timezone = ctx.project.timezone if ctx.project else ctx.person.timezone
    read = parse_raid_message(
        text, now=clock.now(), tz=ZoneInfo(timezone), bot_user_id=NO_BOT, types=lambda: model
    ).type.value
    ranked = sorted(model.predict(text).probabilities.items(), key=lambda kv: -kv[1])
    other = next(label for label, _ in ranked if label != read)
    return [(f"Log as {label}", {"type": label}) for label in (read, other)]


@skill.operation(
    "raid.add",
    summary="Log a risk, assumption, issue or dependency.",
    access=Access.MEMBER,
    writes=True,
    aliases={"raid new": {}, "raid create": {}},
    text=read_message,
    forms={views.FORM: forms.new_item},
    usage="raid add TEXT (type, title, owner, date, probability and impact, in your words)",
    label="Log it in the RAID log",
    variants=type_choices,
    examples=[
        "raid add risk: vendor may slip the go-live, owner @bob, review Friday, P4 I3",
        "new dependency: the data team must deliver the extract by 15 Dec",
        "we're assuming the budget is approved",
    ],
)
def add(ctx: Context, args: AddArgs) -> list[Reply]:
    """Save at once and answer with the item and [Edit] [Undo] (several items, said at
    once: all or none, listed in one reply that one `undo` takes back)."""
    project = ctx.project_for(args.project)
    raid_type = RaidType.from_text(args.type or "risk") or RaidType.RISK
    batch = [args, *(AddArgs.model_validate(each) for each in args.more)]
    untitled = next((a for a in batch if not a.title.strip()), None)
    if untitled is not None:
        raid_type = RaidType.from_text(untitled.type or "risk") or RaidType.RISK
        ask = (
            f"What's the {raid_type.value}? Say it in a sentence, e.g. `raid add "
            f"{raid_type.value}: the vendor may slip the go-live` — or open the form."
        )
        button = ui.button("Open form", views.OPEN_FORM, raid_type.value)
        return [Reply(text=ask, blocks=[ui.section(ask), ui.actions(button)], ephemeral=True)]
    items = [create(ctx, project, each) for each in batch]
    owned = [
        owner_dm(item, project, f"{mention(ctx.user)} logged this and named you the owner:")
        for item in items
        if item.owner and item.owner != ctx.user
    ]
    where = {"to_channel": args.channel} if args.channel else {}
    if len(items) == 1:
        note = f"Logged by {mention(ctx.user)}"
        return [Reply(**card_fields(items[0], project, note, True), **where), *owned]
    lines = [f"Logged {len(items)} items from your message (`undo` takes them all back):"]
    lines += [views.item_line(item, today(project)) for item in items]
    text = "\n".join(lines)
    return [Reply(text=text, blocks=[ui.section(text)], **where), *owned]


def create(ctx: Context, project: Project, args: AddArgs) -> RaidItem:
    """One item from its arguments (every field validated first)."""
    raid_type = RaidType.from_text(args.type or "risk") or RaidType.RISK
    owner = ctx.user if args.owner == "me" else args.owner
    fields = clean_fields(
        {
            "title": args.title,
            "description": args.description,
            "due_on": args.due_on,
            "mitigation": args.mitigation,
            "strategy": args.strategy,
            "owner_name": args.owner_name,
            "external_ref": args.external_ref,
            "decided_by": args.decided_by,
            "rationale": args.rationale,
        }
    )
    return service.create_item(
        ctx.session,
        project=project,
        raid_type=raid_type,
        actor=ctx.user,
        owner=owner,
        probability=args.probability,
        impact=args.impact,
        source=args.source,
        status=args.status,
        **fields,
    )


def card_fields(item: RaidItem, project: Project, note: str, undo: bool = False) -> dict:
    shown = card(item, project, undo=undo, note=note)
    return {"text": shown.text, "blocks": shown.blocks}
