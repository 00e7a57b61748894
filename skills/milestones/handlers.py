"""The milestone skill's operations: add, list, show, move, change, link, follow, threshold."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.core import clock, ui
from bot.core.context import Context
from bot.core.messages import FieldErrors, Reply, UserError
from bot.core.models import Project
from bot.core.operations import (
    Access,
    ProjectArgs,
    by_json,
    flag,
    positional,
    rest,
    split_flags,
)
from bot.core.skills import Change, Skill
from bot.core.text import escape, mention
from skills.milestones import forms, parsing, service, views
from skills.milestones.args import MilestoneArgs, milestone_scope, target_milestone
from skills.milestones.models import Milestone, MilestoneChange
from skills.raid.args import UserRef, resolve_item
from skills.raid.parsing import parse_date_phrase

skill = Skill(
    "milestone",
    "Milestones: baseline and forecast dates, every move with who and why, slip alerts.",
    aliases=("milestones",),
    leads=(  # "new milestone: …", "milestone - …", "move M2 to 20 Jan …"
        r"^\s*(?:new|add|create)\s+(?:an?\s+)?milestone\b",
        r"^\s*milestone\s*[:\-—–]",
        parsing.MOVE.pattern,
    ),
    details=(
        'Or say it: "new milestone: Beta launch on 15 Jan, owner @bob", "move M2 to 20 Jan '
        "because the vendor slipped\". Keys like `M2` work in the project's channel."
    ),
    priority=18,
    text_operation=lambda text: (
        "milestone.move" if parsing.looks_like_move(text) else "milestone.add"
    ),
    bare_operation="milestone.list",
)


def today(project: Project) -> date:
    return clock.today(project.timezone)


def card(ctx: Context, milestone: Milestone, note: str | None = None) -> Reply:
    """A milestone's card: dates, owner, threats, its date history, and its buttons."""
    project = ctx.session.get(Project, milestone.project_id)
    text = views.card_text(
        milestone,
        service.history(ctx.session, milestone),
        service.threats(ctx.session, milestone),
        today=today(project),
        timezone=ctx.person.timezone,
        threshold=service.slip_threshold(ctx.session, project),
    )
    blocks = [ui.section(text), views.buttons(milestone)]
    if note:
        blocks.insert(0, ui.context(note))
    return Reply(text=f"{note}\n{text}" if note else text, blocks=blocks)


def read_day(text: str | None, project: Project, *, field: str = "date") -> date:
    """A date typed or picked (`2027-01-15`, `15 Jan`, `next friday`) in the project's zone."""
    raw = (text or "").strip()
    found = parse_date_phrase(raw, now=clock.now(), tz=ZoneInfo(project.timezone)) if raw else None
    if found is None:
        shown = f"`{escape(raw)}` isn't a date I can read" if raw else "It needs a date"
        raise FieldErrors({field: f"{shown}: try `2027-01-15`, `15 Jan` or `next friday`."})
    return found


# -- adding ------------------------------------------------------------------------------


class AddArgs(ProjectArgs):
    name: str = rest(default="", description="What the milestone is")
    date: str | None = flag(description="Its date (YYYY-MM-DD, or in words)")
    owner: UserRef = flag(description="Its owner, as a mention or user id (or `me`)")


def read_new(ctx: Context, text: str) -> AddArgs:
    """Free text (or command words) as a new milestone."""
    values, loose = split_flags(AddArgs, parsing.join_date_flag(text))
    project = ctx.project_for(values.get("project"))
    words = parsing.read_new(" ".join(loose), timezone=project.timezone)
    return AddArgs(
        project=project.key,
        name=words.name,
        date=values.get("date") or (words.date.isoformat() if words.date else None),
        owner=values.get("owner") or owner_of(ctx, words.owner),
    )


def owner_of(ctx: Context, said: str | None) -> str | None:
    """An owner said in words: a mention or `me` as it is, a name as the Slack user the
    directory finds for it (a milestone's owner is someone to alert)."""
    if not said or said == "me" or said.startswith("<@"):
        return said
    person = ctx.people.find(said.lstrip("@"))
    if person is None or person.is_bot:
        raise UserError(
            f"I can't find *{escape(said)}* in Slack: name the owner with an @mention, "
            "or leave the owner out."
        )
    return person.user_id


@skill.operation(
    "milestone.add",
    summary="Add a milestone with its date (the baseline) and owner.",
    access=Access.MEMBER,
    writes=True,
    text=read_new,
    aliases={"milestone new": {}, "milestone create": {}},
    forms={views.FORM: forms.new_milestone},
    usage="milestone add NAME... --date DATE [--owner @user] (or in words)",
    examples=[
        "milestone add Beta launch --date 2027-01-15 --owner @bob",
        "new milestone: Beta launch on 15 Jan, owner @bob",
    ],
)
def add(ctx: Context, args: AddArgs) -> list[Reply]:
    project = ctx.project_for(args.project)
    if not args.name.strip():
        ask = "What is the milestone? e.g. `milestone add Beta launch --date 15 Jan` — or the form."
        button = ui.button("Open form", views.OPEN_FORM, {"project": project.key})
        return [Reply(text=ask, blocks=[ui.section(ask), ui.actions(button)], ephemeral=True)]
    if not args.date:
        example = f"milestone add {escape(args.name)} --date 15 Jan"
        raise FieldErrors({"date": f"When is *{escape(args.name)}* due? e.g. `{example}`."})
    owner = ctx.user if args.owner == "me" else args.owner
    milestone = service.create_milestone(
        ctx.session,
        project=project,
        name=args.name,
        due_on=read_day(args.date, project),
        owner=owner,
        actor=ctx.user,
    )
    replies = [card(ctx, milestone, f"{mention(ctx.user)} added a milestone")]
    if owner and owner != ctx.user:
        intro = f"{mention(ctx.user)} made you the owner of {milestone.key}:"
        replies.append(Reply(text=f"{intro}\n{views.milestone_line(milestone)}", to_user=owner))
    return replies


# -- reading -----------------------------------------------------------------------------


class ListArgs(ProjectArgs):
    open: bool = flag(default=False, description="Only milestones not done or missed")


@skill.operation(
    "milestone.list",
    summary="The project's milestones by date: baseline → forecast (+N days), owner, status.",
    access=Access.VIEWER,
    aliases={"milestone ls": {}},
    examples=["milestone list", "milestone list --open"],
)
def list_milestones(ctx: Context, args: ListArgs) -> Reply:
    project = ctx.project_for(args.project)
    found = service.list_milestones(ctx.session, project, include_finished=not args.open)
    if not found:
        return Reply(
            text=f"`{project.key}` has no milestones yet. Add one: "
            "`milestone add Beta launch --date 15 Jan`."
        )
    day = today(project)
    lines = [views.milestone_line(m, day) for m in found]
    title = f"*Milestones — {escape(project.name)}* ({len(found)})"
    from skills.summary.views import chunks

    return Reply(
        text="\n".join([title, *lines]),
        blocks=[ui.section(title), *[ui.section(t) for t in chunks(lines)]],
    )


@skill.operation(
    "milestone.show",
    summary="One milestone: its dates, every move with who and why, what threatens it.",
    access=Access.VIEWER,
    scope=milestone_scope,
    aliases={"milestone history": {}},
    examples=["milestone show APOLLO-M2"],
)
def show(ctx: Context, args: MilestoneArgs) -> Reply:
    return card(ctx, target_milestone(ctx))


# -- changing ----------------------------------------------------------------------------


def apply_changes(
    ctx: Context,
    milestone: Milestone,
    *,
    to: date | None = None,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
) -> list[Reply]:
    """Move the date (with why) and change other fields; the card says what happened."""
    done: list[str] = []
    if to is not None and to != milestone.forecast_on:
        if not (reason or "").strip():
            raise FieldErrors(
                {
                    "reason": f"Why is {milestone.key} moving? Say why, e.g. `milestone move "
                    f"{milestone.key} {to:%d %b} vendor delivery slipped`."
                }
            )
        before = milestone.forecast_on
        service.move(ctx.session, milestone=milestone, to=to, actor=ctx.user, reason=reason or "")
        done.append(f"moved it {views.move_text(before.isoformat(), to.isoformat())}")
    fields = {k: v for k, v in (changes or {}).items() if v is not None}
    changed = service.update(
        ctx.session, milestone=milestone, actor=ctx.user, changes=fields, reason=reason
    )
    done += [
        f"set its {f}" if f != "status" else f"marked it {milestone.status.replace('_', ' ')}"
        for f in changed
    ]
    if not done:
        return [Reply(text=f"{milestone.key} already has that.", ephemeral=True)]
    note = f"{mention(ctx.user)} {' and '.join(done)}"
    if reason and to is not None:
        note += f": {escape(reason)}"
    replies = [card(ctx, milestone, note)]
    if "owner" in changed and milestone.owner and milestone.owner != ctx.user:
        intro = f"{mention(ctx.user)} made you the owner of {milestone.key}:"
        replies.append(
            Reply(text=f"{intro}\n{views.milestone_line(milestone)}", to_user=milestone.owner)
        )
    return replies


class MoveArgs(MilestoneArgs):
    date: str = positional(default="", description="The new forecast date")
    reason: str = rest(default="", description="Why it moves")


def read_move(ctx: Context, text: str) -> MoveArgs:
    """`M2 to 20 Jan because …` (after `milestone move`, or said in words)."""
    values, loose = split_flags(MoveArgs, text)
    hint = ctx.project_for(values["project"]) if values.get("project") else ctx.project
    words = parsing.read_move(" ".join(loose), timezone=hint.timezone if hint else "UTC")
    if not words.key:
        raise UserError("Which milestone? e.g. `milestone move M2 20 Jan vendor slipped`.")
    day = words.date
    if day is None and words.shift:  # "by 2 weeks": from where its forecast is now
        milestone = service.find_milestone(ctx.session, words.key, hint)
        day = parsing.shifted(milestone.forecast_on, words.shift)
    return MoveArgs(
        key=words.key,
        project=values.get("project"),
        date=day.isoformat() if day else "",
        reason=words.reason,
    )


@skill.operation(
    "milestone.move",
    summary="Move a milestone's forecast date, saying why (PMs and followers hear of a slip).",
    access=Access.EDITOR,
    scope=milestone_scope,
    writes=True,
    text=read_move,
    usage="milestone move KEY DATE REASON...",
    examples=["milestone move APOLLO-M2 20 Jan vendor delivery slipped", "move M2 to next friday"],
)
def move(ctx: Context, args: MoveArgs) -> list[Reply]:
    milestone = target_milestone(ctx, args)
    if not args.date:
        raise UserError(
            f"To what date? e.g. `milestone move {milestone.key} 20 Jan vendor delivery slipped`."
        )
    return apply_changes(ctx, milestone, to=read_day(args.date, ctx.project), reason=args.reason)


class UpdateArgs(MilestoneArgs):
    name: str | None = flag(description="A new name")
    owner: UserRef = flag(description="A new owner (mention, user id or `me`)")
    status: str | None = flag(description="planned, at risk, done or missed")
    date: str | None = flag(description="A new forecast date (say why with --reason)")
    reason: str | None = flag(description="Why")

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        """`milestone set KEY status at risk` / `… owner @sam` / `… name New name` (or flags)."""
        values, words = split_flags(cls, parsing.join_date_flag(text))
        if words:
            values["key"] = words[0]
        if len(words) >= 2:
            field = words[1].lower()
            if field not in ("name", "owner", "status"):
                raise UserError(
                    f"I can't set a milestone's `{escape(words[1])}`: use name, owner or status "
                    "(move a date with `milestone move KEY DATE WHY`)."
                )
            if len(words) < 3:
                raise UserError(
                    f"What should {field} be? e.g. `milestone set {words[0]} {field} …`."
                )
            values[field] = " ".join(words[2:])
        return values


@skill.operation(
    "milestone.set",
    summary="Change a milestone's name, owner or status (planned, at risk, done, missed).",
    access=Access.EDITOR,
    scope=milestone_scope,
    writes=True,
    aliases={
        "milestone done": {"status": "done"},
        "milestone missed": {"status": "missed"},
        "milestone update": {},
    },
    buttons={views.DONE: lambda value: {**by_json(value), "status": "done"}},
    forms={views.FORM_EDIT: forms.edited_milestone},
    usage="milestone set KEY name|owner|status VALUE (or: milestone done KEY)",
    examples=["milestone set APOLLO-M2 status at risk", "milestone done APOLLO-M2"],
)
def set_fields(ctx: Context, args: UpdateArgs) -> list[Reply]:
    milestone = target_milestone(ctx, args)
    owner = ctx.user if args.owner == "me" else args.owner
    changes = {"name": args.name, "owner": owner, "status": args.status}
    if not any(v is not None for v in changes.values()) and not args.date:
        raise UserError(
            "Say what to change: `milestone set KEY status at risk`, `… owner @sam`, "
            "`… name New name`, or `milestone done KEY`."
        )
    to = read_day(args.date, ctx.project) if args.date else None
    return apply_changes(ctx, milestone, to=to, reason=args.reason, changes=changes)


@skill.operation(
    "milestone.delete",
    summary="Remove a milestone (its history is kept).",
    access=Access.EDITOR,
    scope=milestone_scope,
    writes=True,
    aliases={"milestone remove": {}},
    examples=["milestone delete APOLLO-M2"],
)
def delete(ctx: Context, args: MilestoneArgs) -> Reply:
    milestone = target_milestone(ctx, args)
    service.delete(ctx.session, milestone=milestone, actor=ctx.user)
    return Reply(text=f"Deleted {milestone.key}; its history is kept.")


class LinkArgs(MilestoneArgs):
    item: str = positional(description="The RAID item that threatens it, e.g. R4")


@skill.operation(
    "milestone.link",
    summary="Link a RAID item that threatens a milestone.",
    access=Access.MEMBER,
    scope=milestone_scope,
    writes=True,
    examples=["milestone link APOLLO-M2 APOLLO-R4"],
)
def link(ctx: Context, args: LinkArgs) -> Reply:
    milestone = target_milestone(ctx, args)
    item = resolve_item(ctx.session, args.item, ctx.project)
    added = service.link_item(ctx.session, milestone=milestone, item=item, actor=ctx.user)
    verb = "now threatens" if added else "already threatens"
    return Reply(text=f"{item.key} {verb} {milestone.key} {escape(milestone.name)}.")


class FollowArgs(MilestoneArgs):
    stop: bool = flag(default=False, description="Stop following it")


@skill.operation(
    "milestone.follow",
    summary="Be told when a milestone slips (or stop, with `milestone unfollow`).",
    access=Access.VIEWER,
    scope=milestone_scope,
    writes=True,
    aliases={"milestone unfollow": {"stop": True}},
    buttons={views.FOLLOW: by_json},
    examples=["milestone follow APOLLO-M2", "milestone unfollow APOLLO-M2"],
)
def follow(ctx: Context, args: FollowArgs) -> Reply:
    milestone = target_milestone(ctx, args)
    changed = service.follow(ctx.session, milestone=milestone, user=ctx.user, stop=args.stop)
    if args.stop:
        text = "You no longer follow" if changed else "You weren't following"
    else:
        text = "You now follow" if changed else "You already follow"
    return Reply(text=f"{text} {milestone.key} {escape(milestone.name)}.", ephemeral=True)


class ThresholdArgs(ProjectArgs):
    days: int | None = positional(default=None, description="Days of slip before an alert")


@skill.operation(
    "milestone.threshold",
    summary="How many days a milestone may slip past its baseline before PMs are alerted.",
    access=Access.PM,
    writes=True,
    examples=["milestone threshold 5"],
)
def threshold(ctx: Context, args: ThresholdArgs) -> Reply:
    project = ctx.project_for(args.project)
    if args.days is None:
        days = service.slip_threshold(ctx.session, project)
        return Reply(text=f"`{project.key}` alerts when a milestone slips more than {days} days.")
    service.set_slip_threshold(ctx.session, project=project, days=args.days, actor=ctx.user)
    return Reply(
        text=f"`{project.key}` now alerts its PMs and followers when a milestone's forecast "
        f"moves more than {args.days} days past its baseline."
    )


def last_change(ctx: Context, words: str) -> Change | None:
    """A person's newest milestone change, for `undo`: a milestone just added is deleted;
    no operation reverts the other changes, so `undo` says how to change them back rather
    than undo something older."""
    row = ctx.session.exec(
        select(MilestoneChange)
        .where(MilestoneChange.actor == ctx.user)
        .order_by(col(MilestoneChange.id).desc())
    ).first()
    milestone = ctx.session.get(Milestone, row.milestone_id) if row else None
    if row is None or milestone is None:
        return None
    if row.field == "created" and not milestone.deleted:  # the milestone just added
        return Change(clock.as_utc(row.at), "milestone.delete", {"key": milestone.key})
    how = (
        f"`milestone move {milestone.key} DATE WHY`"
        if row.field == "forecast"
        else f"`milestone set {milestone.key} {row.field} …`"
    )
    return Change(
        clock.as_utc(row.at),
        None,
        {},
        f"Your last change was to {milestone.key} ({row.field}); milestone changes stay in "
        f"its history, so I undid nothing. Change it back with {how}.",
    )
