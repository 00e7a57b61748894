"""RAID operations that read the log: list, show, history, export, heat map."""

from __future__ import annotations

from bot.core import access, clock, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.operations import (
    Access,
    Args,
    ProjectArgs,
    flag,
    no_scope,
    positional,
    split_flags,
)
from bot.core.text import escape
from skills.raid import corrections, files, service, views
from skills.raid.args import TYPE_WORDS, ItemArgs, UserRef, item_scope, target_item
from skills.raid.handlers import card, skill, today
from skills.raid.scoring import RaidStatus, RaidType


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
    item = target_item(ctx)
    after = corrections.successor(ctx.session, item)  # a risk that became an issue
    note = f"{item.key} became *{after.key}*: changes go there." if after is not item else None
    return card(item, ctx.project, note=note)


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


@skill.operation(
    "raid.mine",
    summary="Your open items across all your projects, most urgent first.",
    access=Access.ANYONE,
    scope=no_scope,
    aliases={"my items": {}},
    examples=["raid mine", "what's on my plate?"],
)
def mine(ctx: Context, args: Args) -> Reply:
    projects = access.visible_projects(ctx.session, ctx.user, ctx.team, admin=False)
    sections = []
    total = 0
    for project in projects:
        items = service.list_items(ctx.session, project, service.RaidFilter(owner=ctx.user))
        if items:
            total += len(items)
            lines = [views.item_line(i, today(project)) for i in items[:15]]
            sections.append(f"*{escape(project.name)}* (`{project.key}`)\n" + "\n".join(lines))
    if not sections:
        text = "You own no open RAID items. :tada:"
    else:
        text = f"*Your open items* ({total})\n\n" + "\n\n".join(sections)
    return Reply(text=text, blocks=[ui.section(text)], ephemeral=not ctx.is_dm)


class ChangesArgs(ProjectArgs):
    since: str | None = flag(description="7d, 2w, a date, or words like `monday`, `this week`")


def read_changes(ctx: Context, text: str) -> ChangesArgs:
    """ "what changed since Monday?": the project named, and the day meant."""
    from sqlmodel import select

    from bot.core.models import Project
    from skills.summary.parsing import mentioned_projects, parse_request, since_words

    request = parse_request(text)
    named = mentioned_projects(request.text, ctx.session.exec(select(Project)))
    project = request.project or (named[0].key if len(named) == 1 else None)
    return ChangesArgs(project=project, since=request.since or since_words(text))


@skill.operation(
    "raid.changes",
    summary="What changed in the log since a day: new, closed, rescored and slipped items.",
    access=Access.VIEWER,
    text=read_changes,
    examples=["raid changes --since monday", "what changed this week?"],
    usage="raid changes [--since monday|this week|7d|YYYY-MM-DD]",
)
def changes(ctx: Context, args: ChangesArgs) -> Reply:
    from skills.summary.builder import change_sections, project_summary
    from skills.summary.parsing import parse_since

    project = ctx.project_for(args.project)
    now = clock.now()
    since = parse_since(args.since, now=now, timezone=project.timezone)
    summary = project_summary(ctx.session, project, since=since, now=now)
    text = "\n".join(change_sections(summary, in_project=True))
    return Reply(text=text, blocks=[ui.section(text)])
