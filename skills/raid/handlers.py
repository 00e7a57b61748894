"""The RAID skill's operations: log, list, show and work items (`/pmo raid …`, plain text)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

from bot.core import clock, ui
from bot.core.context import Context
from bot.core.messages import FieldErrors, Reply, UserError
from bot.core.models import Project, Role
from bot.core.operations import Access, ProjectArgs, by_key, flag, positional, rest, split_flags
from bot.core.projects import members_of
from bot.core.skills import Skill
from bot.core.text import escape, mention
from skills.raid import files, forms, service, views
from skills.raid.args import (
    TYPE_WORDS,
    ItemArgs,
    ItemNoteArgs,
    Level,
    UserRef,
    item_scope,
    target_item,
)
from skills.raid.models import RaidItem
from skills.raid.parsing import RaidDraft, parse_date_phrase, parse_raid_message
from skills.raid.routing import looks_like_raid
from skills.raid.scoring import RaidStatus, RaidType

skill = Skill(
    "raid",
    "Log and work risks, assumptions, issues and dependencies.",
    patterns=(
        r"^\s*(raid|risk|issue|assumption|dependency|dep)\s*[:\-—–]",
        r"\b(log|add|record|track|raise|register|note|file|open|create|capture)\b[^.?!\n]{0,40}?"
        r"\b(risks?|issues?|assumptions?|dependenc(y|ies)|deps?)\b",
        r"\b(new|another)\s+(risk|issue|assumption|dependency)\b",
        r"\bwe(?:'re| are)\s+assuming\b",
        r"\b(can|could) you (track|log|note|record|add)\b",
        r"\btrack this\b",
    ),
    phrases=(
        "there is a risk that",
        "log this risk",
        "we depend on the vendor",
        "assumption the budget is approved",
        "issue: the build is broken",
    ),
    details=(
        'Or just tell me ("log a risk: …, owner @bob, review Friday, likelihood high impact '
        'medium"), or use the *Add to RAID log* message shortcut. Keys like `R4` work in the '
        "project's channel."
    ),
    claim=looks_like_raid,
    priority=20,
    text_operation="raid.add",
    bare_operation="raid.list",
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
CLOSING = ("closed", "resolved", "validated", "invalidated", "delivered")


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
    type: str | None = flag(description="risk, assumption, issue or dependency")
    title: str = rest(default="", description="A short statement of the item")
    description: str = flag(default="", description="More detail")
    owner: UserRef = flag(description="The owner, as a mention or user id (or `me`)")
    due_on: str | None = flag(description="Due or review date (YYYY-MM-DD)")
    probability: Level = flag(description="Probability 1-5")
    impact: Level = flag(description="Impact 1-5")
    mitigation: str | None = flag(description="Mitigation or planned action")
    strategy: str | None = flag(description="Response strategy")
    source: str | None = flag(description="Link to the message it came from", internal=True)
    channel: str | None = flag(description="Channel to post the card in", internal=True)


def read_message(ctx: Context, text: str) -> AddArgs:
    """Free text as a new item, by the offline parser (the interpreter's slot filler)."""
    named = PROJECT_FLAG.search(text)
    text = PROJECT_FLAG.sub(" ", text).strip() if named else text
    if not text.strip():
        raise UserError("What should I log? e.g. `raid add risk: vendor may slip the go-live`.")
    project = ctx.project_for(named.group(1) if named else None)
    draft = parse(project, text)
    if draft.problems:
        raise UserError("I didn't save that: " + " ".join(draft.problems))
    return AddArgs(
        project=project.key,
        type=draft.type.value,
        title="" if draft.missing_title else draft.title,
        description=draft.description,
        owner=draft.owner,
        due_on=draft.date.isoformat() if draft.date else None,
        probability=draft.probability,
        impact=draft.impact,
        source=ctx.permalink,
    )


def parse(project: Project, text: str, default: RaidType | None = None) -> RaidDraft:
    return parse_raid_message(
        text, now=clock.now(), tz=ZoneInfo(project.timezone), default_type=default
    )


@skill.operation(
    "raid.add",
    summary="Log a risk, assumption, issue or dependency.",
    access=Access.MEMBER,
    writes=True,
    aliases={"raid new": {}, "raid create": {}},
    text=read_message,
    forms={views.FORM: forms.new_item},
    usage="raid add TEXT (type, title, owner, date, probability and impact, in your words)",
    examples=[
        "raid add risk: vendor may slip the go-live, owner @bob, review Friday, P4 I3",
        "new dependency: the data team must deliver the extract by 15 Dec",
        "we're assuming the budget is approved",
    ],
)
def add(ctx: Context, args: AddArgs) -> list[Reply]:
    """Save at once and answer with the item and [Edit] [Undo]."""
    project = ctx.project_for(args.project)
    raid_type = RaidType.from_text(args.type or "risk") or RaidType.RISK
    if not args.title.strip():
        ask = (
            f"What's the {raid_type.value}? Say it in a sentence, e.g. `raid add "
            f"{raid_type.value}: the vendor may slip the go-live` — or open the form."
        )
        button = ui.button("Open form", views.OPEN_FORM, raid_type.value)
        return [Reply(text=ask, blocks=[ui.section(ask), ui.actions(button)], ephemeral=True)]
    owner = ctx.user if args.owner == "me" else args.owner
    fields = clean_fields(
        {
            "title": args.title,
            "description": args.description,
            "due_on": args.due_on,
            "mitigation": args.mitigation,
            "strategy": args.strategy,
        }
    )
    item = service.create_item(
        ctx.session,
        project=project,
        raid_type=raid_type,
        actor=ctx.user,
        owner=owner,
        probability=args.probability,
        impact=args.impact,
        source=args.source,
        **fields,
    )
    where = {"to_channel": args.channel} if args.channel else {}
    replies = [Reply(**card_fields(item, project, f"Logged by {mention(ctx.user)}", True), **where)]
    if item.owner and item.owner != ctx.user:
        replies.append(
            owner_dm(item, project, f"{mention(ctx.user)} logged this and named you the owner:")
        )
    return replies


def card_fields(item: RaidItem, project: Project, note: str, undo: bool = False) -> dict:
    shown = card(item, project, undo=undo, note=note)
    return {"text": shown.text, "blocks": shown.blocks}


# -- reading -----------------------------------------------------------------------------


class ListArgs(ProjectArgs):
    type: str | None = flag(description="Only this type: risk, assumption, issue, dependency")
    owner: UserRef = flag(description="Only this owner (`me` for yours)")
    overdue: bool = flag(default=False, description="Only overdue items")
    status: str = flag(default="open", description="open, closed, all, or one status")
    min_score: int | None = flag(description="Only items scoring at least this (1-25)")
    text: str | None = flag(description="Only items whose title has these words")

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        """`raid list risks mine overdue closed --min-score 10 --text vendor`."""
        values, words = split_flags(cls, text)
        for word in words:
            low = word.lower()
            if TYPE_WORDS.match(low):
                values["type"] = low
            elif low == "mine":
                values["owner"] = "me"
            elif low.startswith(("<@", "@")):
                values["owner"] = word
            elif low == "overdue":
                values["overdue"] = True
            elif low in ("all", "closed", "open", *[s.value for s in RaidStatus]):
                values["status"] = low
            else:
                values["text"] = " ".join(filter(None, [str(values.get("text") or ""), word]))
        return values


@skill.operation(
    "raid.list",
    summary="List items, filtered by type, owner, status, score or words.",
    access=Access.VIEWER,
    aliases={"raid ls": {}},
    examples=["raid list risks overdue", "raid list mine", "raid list all --min-score 10"],
    usage="raid list [TYPE] [mine|@user] [overdue] [open|closed|all] [--min-score N] [--text W]",
)
def list_items(ctx: Context, args: ListArgs) -> Reply:
    project = ctx.project_for(args.project)
    filters = service.RaidFilter(status=args.status, overdue=args.overdue, text=args.text)
    if args.type:
        low = args.type.lower()
        filters.type = RaidType.from_text(
            low.rstrip("s") if low != "dependencies" else "dependency"
        )
    if args.owner:
        filters.owner = ctx.user if args.owner == "me" else args.owner
    if args.min_score is not None:
        if not 1 <= args.min_score <= 25:
            raise UserError(f"`--min-score {args.min_score}` needs a number from 1 to 25.")
        filters.min_score = args.min_score
    items = service.list_items(ctx.session, project, filters)
    day = today(project)
    if not items:
        return Reply(
            text=f"No matching RAID items in `{project.key}`. Add one: `raid add risk: …`."
        )
    lines = [views.item_line(i, day) for i in items[:40]]
    more = (
        f"\n_…and {len(items) - 40} more; narrow it down with filters._" if len(items) > 40 else ""
    )
    text = f"*RAID log — {escape(project.name)}* ({len(items)})\n" + "\n".join(lines) + more
    return Reply(text=text, blocks=[ui.section(text)])


@skill.operation(
    "raid.show",
    summary="Show one item with its buttons.",
    access=Access.VIEWER,
    scope=item_scope,
    examples=["raid show APOLLO-R1"],
)
def show(ctx: Context, args: ItemArgs) -> Reply:
    return card(target_item(ctx), ctx.project)


@skill.operation(
    "raid.history",
    summary="Every change to one item: who, when, from what, to what.",
    access=Access.VIEWER,
    scope=item_scope,
    examples=["raid history APOLLO-R1"],
)
def history(ctx: Context, args: ItemArgs) -> Reply:
    item = target_item(ctx)
    rows = service.history(ctx.session, item)
    return Reply(text=views.history_text(item, rows, ctx.person.timezone))


class ExportArgs(ProjectArgs):
    format: str = positional(default="xlsx", description="xlsx, csv or json")


@skill.operation(
    "raid.export",
    summary="The whole log as a spreadsheet (xlsx, csv or json).",
    access=Access.VIEWER,
    examples=["raid export xlsx", "raid export csv"],
)
def export(ctx: Context, args: ExportArgs) -> Reply:
    return files.export_reply(ctx, ctx.project_for(args.project), args.format)


@skill.operation(
    "raid.heatmap",
    summary="The 5×5 probability × impact heat map of open items.",
    access=Access.VIEWER,
    examples=["raid heatmap"],
)
def heatmap(ctx: Context, args: ProjectArgs) -> Reply:
    return files.heatmap_reply(ctx, ctx.project_for(args.project))


# -- changing ----------------------------------------------------------------------------


def non_empty(value: Any) -> Any:
    if value is not None and not str(value).strip():
        raise ValueError("can't be empty: every item needs a title")
    return value


class UpdateArgs(ItemArgs):
    title: Annotated[str | None, AfterValidator(non_empty)] = flag(description="New title")
    description: str | None = flag(description="New description")
    owner: UserRef = flag(description="New owner (mention, user id or `me`)")
    due_on: str | None = flag(description="New due or review date (a date in words is fine)")
    probability: Level = flag(description="New probability 1-5")
    impact: Level = flag(description="New impact 1-5")
    strategy: str | None = flag(description="avoid, mitigate, transfer or accept")
    mitigation: str | None = flag(description="Mitigation or planned action")
    status: str | None = flag(description="New status")

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        """`raid update KEY FIELD VALUE…` (or `--field value` flags)."""
        words = text.split()
        if len(words) >= 2 and not words[1].startswith("--"):
            field = FIELD_ALIASES.get(words[1].lower())
            if field is None:
                raise UserError(
                    f"I can't update `{escape(words[1])}`: use owner, title, description, "
                    "date, probability, impact, strategy, mitigation or status."
                )
            if len(words) < 3:
                field_word = words[1].lower()
                raise UserError(
                    f"What should {field_word} be? e.g. `raid update {words[0]} {field_word} …`."
                )
            return {"key": words[0], field: " ".join(words[2:])}
        return super().from_words(text)


def changes_of(ctx: Context, args: UpdateArgs, project: Project) -> dict[str, object]:
    fields = args.model_dump(exclude={"key", "project"}, exclude_none=True)
    if not fields:
        raise UserError(
            "Say what to change: `raid update KEY owner @sam`, `… date next friday`,"
            " `… p 4`, `… impact high`, `… status monitoring`, `… title New title`."
        )
    if fields.get("owner") == "me":
        fields["owner"] = ctx.user
    if "due_on" in fields:
        raw = str(fields["due_on"])
        day = parse_date_phrase(raw, now=clock.now(), tz=ZoneInfo(project.timezone))
        if day is None:
            raise FieldErrors(
                {
                    "due_on": f"I couldn't read `{escape(raw)}` as a date: try `2026-12-15`, "
                    "`15 Dec` or `next friday`."
                }
            )
        fields["due_on"] = day
    if "status" in fields:
        fields["status"] = str(fields["status"]).lower().replace(" ", "_")
    return fields


@skill.operation(
    "raid.update",
    summary="Change an item's owner, title, date, probability, impact, mitigation or status.",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    aliases={"raid set": {}, "raid edit": {}},
    usage="raid update KEY FIELD VALUE (owner, title, date, p, i, strategy, mitigation, status)",
    forms={views.FORM_EDIT: forms.edited_item},
    examples=["raid update APOLLO-R1 owner @sam", "raid update R1 date next friday"],
)
def update(ctx: Context, args: UpdateArgs) -> list[Reply]:
    item, project = target_item(ctx), ctx.project
    changes = changes_of(ctx, args, project)
    changed = service.update_item(ctx.session, item=item, changes=changes, actor=ctx.user)
    if not changed:
        return [Reply(text=f"{item.key} already has that.")]
    named = ", ".join(views.FIELD_NAMES.get(f, f) for f in changed)
    replies = [card(item, project, note=f"{mention(ctx.user)} updated {named}")]
    if "owner" in changed and item.owner and item.owner != ctx.user:
        replies.append(owner_dm(item, project, f"{mention(ctx.user)} made you the owner of:"))
    return replies


class AssignArgs(ItemArgs):
    owner: UserRef = positional(description="The new owner (mention, user id or `me`)")


@skill.operation(
    "raid.assign",
    summary="Give an item a new owner (they get a DM).",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    examples=["raid assign APOLLO-R1 @sam"],
)
def assign(ctx: Context, args: AssignArgs) -> list[Reply]:
    if not args.owner:
        raise UserError("Assign to whom? `raid assign KEY @sam`.")
    return update(ctx, UpdateArgs(key=args.key, project=args.project, owner=args.owner))


class CloseArgs(ItemNoteArgs):
    status: str | None = flag(description="The closing status (default: the type's own)")


CLOSE_ALIASES = {
    "raid resolve": {"status": RaidStatus.RESOLVED.value},
    "raid done": {},
    "raid validate": {"status": RaidStatus.VALIDATED.value},
    "raid invalidate": {"status": RaidStatus.INVALIDATED.value},
    "raid deliver": {"status": RaidStatus.DELIVERED.value},
    "raid delivered": {"status": RaidStatus.DELIVERED.value},
}


@skill.operation(
    "raid.close",
    summary="Close an item (a risk closes, an issue resolves, an assumption is validated…).",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    aliases=CLOSE_ALIASES,
    buttons={views.CLOSE: by_key},
    examples=["raid close APOLLO-R1 vendor confirmed the date", "raid resolve APOLLO-I2"],
)
def close(ctx: Context, args: CloseArgs) -> Reply:
    item = target_item(ctx)
    status = service.close_item(
        ctx.session,
        item=item,
        actor=ctx.user,
        note=args.note or None,
        status=RaidStatus(args.status) if args.status else None,
    )
    note = f": {escape(args.note)}" if args.note else ""
    reply = card(item, ctx.project, note=f"{mention(ctx.user)} marked it {status.value}{note}")
    reply.replace_original = ctx.via == "message" and ctx.message_ts is not None
    return reply


@skill.operation(
    "raid.reopen",
    summary="Reopen a closed item.",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    examples=["raid reopen APOLLO-R1"],
)
def reopen(ctx: Context, args: ItemArgs) -> Reply:
    item = target_item(ctx)
    service.update_item(ctx.session, item=item, changes={"status": "open"}, actor=ctx.user)
    return card(item, ctx.project, note=f"{mention(ctx.user)} reopened it")


@skill.operation(
    "raid.convert",
    summary="A risk that happened becomes an issue (linked, history kept).",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    examples=["raid convert APOLLO-R1"],
)
def convert(ctx: Context, args: ItemArgs) -> Reply:
    item = target_item(ctx)
    issue = service.convert_to_issue(ctx.session, item=item, project=ctx.project, actor=ctx.user)
    return card(issue, ctx.project, note=f"{item.key} became {issue.key}")


@skill.operation(
    "raid.escalate",
    summary="Send an item to the project's PMs with a note.",
    access=Access.MEMBER,
    scope=item_scope,
    writes=True,
    examples=["raid escalate APOLLO-R1 we need a decision by Friday"],
)
def escalate(ctx: Context, args: ItemNoteArgs) -> list[Reply]:
    item, project = target_item(ctx), ctx.project
    pms = [m.user_id for m in members_of(ctx.session, project, Role.PM)]
    if not pms:
        raise UserError(
            f"`{project.key}` has no PM to escalate to: add one with "
            "`/pmo project members add @user pm`."
        )
    service.record(ctx.session, item, actor=ctx.user, field="escalated", note=args.note or None)
    intro = f":rotating_light: {mention(ctx.user)} escalated this to you" + (
        f": {escape(args.note)}" if args.note else ":"
    )
    dms = [
        Reply(text=f"{intro}\n{views.item_text(item, today(project))}", to_user=pm) for pm in pms
    ]
    return [Reply(text=f"Escalated {item.key} to {', '.join(mention(p) for p in pms)}."), *dms]


@skill.operation(
    "raid.delete",
    summary="Remove an item from the log (its history is kept).",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    aliases={"raid remove": {}},
    examples=["raid delete APOLLO-R1"],
)
def delete(ctx: Context, args: ItemArgs) -> Reply:
    item = target_item(ctx)
    service.delete_item(ctx.session, item=item, actor=ctx.user)
    return Reply(text=f"Deleted {item.key}; its history is kept.")


class LinkArgs(ItemArgs):
    other: str = positional(description="The item to link to, in the same project")


@skill.operation(
    "raid.link",
    summary="Link two items of a project (e.g. a risk to the issue it caused).",
    access=Access.MEMBER,
    scope=item_scope,
    writes=True,
    examples=["raid link APOLLO-R1 APOLLO-I2"],
)
def link(ctx: Context, args: LinkArgs) -> Reply:
    from skills.raid.args import resolve_item

    first = target_item(ctx)
    second = resolve_item(ctx.session, args.other, ctx.project)
    if second.project_id != first.project_id:
        raise UserError(f"{second.key} is in another project: link items of one project.")
    service.link_items(ctx.session, from_item=first, to_item=second, actor=ctx.user)
    return Reply(text=f"Linked {first.key} → {second.key}.")


class SnoozeArgs(ItemArgs):
    days: int = positional(default=3, description="Days to move the date by (1-90)")


@skill.operation(
    "raid.snooze",
    summary="Move an item's date a few days on (noted in its history).",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    buttons={views.SNOOZE: by_key},
    examples=["raid snooze APOLLO-R1 7"],
)
def snooze(ctx: Context, args: SnoozeArgs) -> Reply:
    from skills.raid import attention

    if not 1 <= args.days <= 90:
        raise UserError("Snooze for 1 to 90 days.")
    item = target_item(ctx)
    new_date = attention.snooze(
        ctx.session, item=item, days=args.days, actor=ctx.user, today=today(ctx.project)
    )
    return Reply(text=f"Snoozed {item.key} to {new_date:%a %d %b}.", ephemeral=True)
