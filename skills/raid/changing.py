"""RAID operations that change the log: update, assign, close, reopen, convert, escalate,
delete, link, snooze."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import FieldErrors, Reply, UserError
from bot.core.models import Project, Role
from bot.core.operations import Access, Args, Scope, by_key, flag, positional, rest
from bot.core.projects import members_of
from bot.core.skills import Change
from bot.core.text import escape, mention
from bot.interpret import learning
from skills.raid import corrections, forms, service, views
from skills.raid.args import (
    ItemArgs,
    ItemNoteArgs,
    Level,
    UserRef,
    item_scope,
    target_item,
    user_or_none,
)
from skills.raid.handlers import FIELD_ALIASES, card, owner_dm, skill, today
from skills.raid.models import RaidItem
from skills.raid.parsing import parse_date_phrase
from skills.raid.scoring import LIFECYCLES, RaidStatus, RaidType, is_closed


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
    owner_name: str | None = flag(description="An owner outside Slack, e.g. Legal team")
    external_ref: str | None = flag(description="Its id elsewhere: R-001, a ticket key, a link")
    decided_by: str | None = flag(description="Who took a decision")
    rationale: str | None = flag(description="Why a decision was taken")
    version: int | None = flag(description="The item's version the form showed", internal=True)

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
    fields = args.model_dump(exclude={"key", "project", "version"}, exclude_none=True)
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
    changed = service.update_item(
        ctx.session, item=item, changes=changes, actor=ctx.user, seen=args.version
    )
    if "owner" in changed and item.owner:
        learn_correction(ctx, item, "raid_owner", item.owner)
    if not changed:
        return [Reply(text=f"{item.key} already has that.")]
    named = ", ".join(dict.fromkeys(views.FIELD_NAMES.get(f, f) for f in changed))
    replies = [card(item, project, note=f"{mention(ctx.user)} updated {named}")]
    if "owner" in changed and item.owner and item.owner != ctx.user:
        replies.append(owner_dm(item, project, f"{mention(ctx.user)} made you the owner of:"))
    return replies


def learn_correction(ctx: Context, item: RaidItem, kind: str, label: str) -> None:
    """A corrected type or owner, kept as a labelled example of the words it was logged from."""
    learning.remember(
        ctx.session,
        workspace=learning.workspace_of(ctx.team),
        kind=kind,
        text=item.description or item.title,
        label=label,
        source="correction",
        user=ctx.user,
    )


class AssignArgs(ItemArgs):
    owner: str = rest(
        default="", description="The new owner: a mention, `me`, or a name outside Slack"
    )


@skill.operation(
    "raid.assign",
    summary="Give an item a new owner (they get a DM), or an owner outside Slack by name.",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    examples=["raid assign APOLLO-R1 @sam", "raid assign APOLLO-R2 Legal team"],
)
def assign(ctx: Context, args: AssignArgs) -> list[Reply]:
    said = args.owner.strip()
    if not said:
        raise UserError("Assign to whom? `raid assign KEY @sam` or `raid assign KEY Legal team`.")
    try:
        owner = user_or_none(said)
    except UserError:  # a name: the Slack user it names where the directory finds one
        person = ctx.people.find(said)
        owner = person.user_id if person is not None and not person.is_bot else None
    if owner:
        return update(ctx, UpdateArgs(key=args.key, project=args.project, owner=owner))
    return update(ctx, UpdateArgs(key=args.key, project=args.project, owner_name=said))


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
    if not is_closed(RaidType(item.type), RaidStatus(item.status)):
        raise UserError(f"{item.key} is {item.status}, not closed: there is nothing to reopen.")
    initial = LIFECYCLES[RaidType(item.type)].initial.value  # "proposed" for decisions
    service.update_item(ctx.session, item=item, changes={"status": initial}, actor=ctx.user)
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


class CommentArgs(ItemArgs):
    text: str = rest(description="The comment")


@skill.operation(
    "raid.comment",
    summary="Add a comment to an item's history.",
    access=Access.MEMBER,
    scope=item_scope,
    writes=True,
    aliases={"raid note": {}},
    examples=["raid comment APOLLO-R1 vendor called back, still no date"],
)
def comment(ctx: Context, args: CommentArgs) -> Reply:
    item = target_item(ctx)
    corrections.comment(ctx.session, item=item, actor=ctx.user, text=args.text)
    return Reply(text=f"Noted on {item.key}: {escape(args.text.strip()[:300])}")


class TypeArgs(ItemArgs):
    type: str = positional(description="risk, assumption, issue or dependency")


@skill.operation(
    "raid.change_type",
    summary="Change an item's type; it keeps its history and links (the old key still works).",
    access=Access.EDITOR,
    scope=item_scope,
    writes=True,
    command="raid type",
    examples=["raid type APOLLO-D2 assumption"],
)
def change_type(ctx: Context, args: TypeArgs) -> Reply:
    item = target_item(ctx)
    new_type = RaidType.from_text(args.type)
    if new_type is None:
        kinds = ", ".join(t.value for t in RaidType)
        raise UserError(f"`{escape(args.type)}` is not a RAID type: use {kinds}.")
    old_key = corrections.change_type(
        ctx.session, item=item, project=ctx.project, new_type=new_type, actor=ctx.user
    )
    learn_correction(ctx, item, "raid_type", new_type.value)
    article = "an" if new_type.value[0] in "aeiou" else "a"
    note = f"{old_key} is now {item.key}, {article} {new_type.value}"
    return card(item, ctx.project, note=note)


NOTHING_TO_UNDO = "You have made no change to the RAID log that I could undo."


def key_or_none(value: Any) -> Any:
    """`undo that`, `undo my last change`: no key named."""
    return value if value and any(c.isdigit() for c in str(value)) else None


class UndoArgs(Args):
    key: Annotated[str | None, BeforeValidator(key_or_none)] = positional(
        default=None, description="The item (default: your last change)"
    )
    words: str = rest(default="", description="Anything else said")

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        """`undo`, `undo that`, `undo my change to R6`: the key wherever it is."""
        keyish = [w.strip(".,!?") for w in text.split() if key_or_none(w.strip(".,!?"))]
        return {"key": keyish[0] if keyish else None, "words": text}

    project: str | None = flag(description="Project key, for a short key outside its channel")


def change_to_undo(ctx: Context, words: str) -> Change | None:
    """What `undo` reverts in the log: the change to the item the words name (before any
    other), else the person's newest change."""
    key = UndoArgs.model_validate(UndoArgs.from_words(words)).key
    if key:
        return Change(clock.now(), "raid.undo", {"key": key})
    rows = corrections.last_change(ctx.session, ctx.user)
    return Change(clock.as_utc(rows[0].at), "raid.undo", {}) if rows else None


def undo_scope(ctx: Context, args: UndoArgs) -> Scope:
    """The item of the user's last change (to `key`, if given); its project's rule."""
    item = None
    if args.key:
        item = item_scope(ctx, ItemArgs(key=args.key, project=args.project), live=False).target
    rows = corrections.last_change(ctx.session, ctx.user, item)
    if not rows and item is None:
        raise UserError(NOTHING_TO_UNDO)
    changed = ctx.session.get(RaidItem, rows[0].item_id) if rows else item
    project = ctx.session.get(Project, changed.project_id)
    owners = tuple(u for u in (changed.owner, changed.raised_by, ctx.user if rows else None) if u)
    return Scope(project=project, owners=owners, owned=True, target=rows, label=changed.key)


@skill.operation(
    "raid.undo",
    summary="Undo your last change to the log (within 10 minutes), or the item you just logged.",
    access=Access.EDITOR,
    scope=undo_scope,
    writes=True,
    buttons={views.UNDO: by_key},
    examples=["raid undo", "raid undo APOLLO-R1"],
)
def undo(ctx: Context, args: UndoArgs) -> Reply:
    rows = ctx.scope.target  # type: ignore[union-attr]
    if not rows:
        raise UserError(NOTHING_TO_UNDO)
    corrections.check_undoable(ctx.session, rows, ctx.user)
    touched = corrections.undo(ctx.session, rows, actor=ctx.user)
    return Reply(text=corrections.describe_undo(touched), replace_original=ctx.via == "message")
