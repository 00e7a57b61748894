"""The RAID skill: chat commands and natural language (`/pmo raid ...`, mentions, DMs)."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from bot.core import clock, ui
from bot.core.args import parse_flags
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project, Role
from bot.core.projects import check_user_id, members_of
from bot.core.skills import Skill
from bot.core.text import escape, mention
from skills.raid import files, service, views
from skills.raid.models import RaidItem
from skills.raid.parsing import (
    RaidDraft,
    parse_date_phrase,
    parse_level,
    parse_raid_message,
    resolve_owner,
)
from skills.raid.routing import looks_like_raid
from skills.raid.scoring import LIFECYCLES, RaidStatus, RaidType

skill = Skill(
    "raid",
    "Log and work risks, assumptions, issues and dependencies.",
    examples=[
        "raid add risk: vendor may slip the go-live, owner @bob, review Friday, P4 I3",
        "new dependency: the data team must deliver the extract by 15 Dec",
        "we're assuming the budget is approved",
        "raid list risks overdue",
        "raid update APOLLO-R1 owner @sam",
        "raid close APOLLO-R1 vendor confirmed the date",
        "raid export xlsx",
        "raid heatmap",
    ],
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
        'Add: `raid add <text>` or just tell me ("log a risk: …, owner @bob, review Friday, '
        'likelihood high impact medium"), or use the *Add to RAID log* message shortcut, or '
        "`raid form`.\nWork: `raid list [risks|issues|…] [mine|@user] [overdue] [open|closed|all] "
        "[--min-score N] [--text words]`, `raid show KEY`, `raid update KEY field value`, "
        "`raid close KEY [note]`, `raid reopen KEY`, `raid convert KEY`, `raid assign KEY @user`, "
        "`raid escalate KEY [note]`, `raid link KEY OTHER`, `raid history KEY`, "
        "`raid delete KEY`.\n"
        "Spreadsheets: `raid export [csv|xlsx|json]`; `raid heatmap` posts the 5×5 matrix."
    ),
    claim=looks_like_raid,
    priority=20,
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
CLOSE_WORDS = {
    "close": None,
    "resolve": RaidStatus.RESOLVED,
    "done": None,
    "validate": RaidStatus.VALIDATED,
    "invalidate": RaidStatus.INVALIDATED,
    "deliver": RaidStatus.DELIVERED,
    "delivered": RaidStatus.DELIVERED,
}
PROJECT_FLAG = re.compile(r"(?:^|\s)--project[= ](\S+)")
TYPE_WORDS = re.compile(
    r"^(risks?|issues?|assumptions?|dependenc(?:y|ies)|deps?|actions?|decisions?)$", re.I
)


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


def may_close(ctx: Context, project: Project, item: RaidItem) -> None:
    """Only the owner, a PM of the project or a workspace admin may close or delete."""
    if item.owner != ctx.user and ctx.role_in(project) != Role.PM and not ctx.person.is_admin:
        raise UserError(
            f"Only {item.key}'s owner, a PM of `{project.key}` or a workspace admin can do that."
        )


def may_add(ctx: Context, project: Project) -> None:
    if ctx.require_member(project) == Role.VIEWER:
        raise UserError(f"Viewers of `{project.key}` can read the RAID log but not add to it.")


def parse(ctx: Context, project: Project, text: str, default: RaidType | None = None) -> RaidDraft:
    draft = parse_raid_message(
        text, now=clock.now(), tz=ZoneInfo(project.timezone), default_type=default, sender=ctx.user
    )
    return resolve_owner(draft, ctx.people)


def add(ctx: Context, project: Project, text: str, source: str | None = None) -> list[Reply]:
    """Parse free text, save at once, answer with the item and [Edit] [Undo]."""
    may_add(ctx, project)
    draft = parse(ctx, project, text)
    if draft.missing_title:
        ask = (
            f"What's the {draft.type.value}? Say it in a sentence, e.g. `raid add "
            f"{draft.type.value}: the vendor may slip the go-live` — or open the form."
        )
        button = ui.button("Open form", views.OPEN_FORM, draft.type.value)
        return [Reply(text=ask, blocks=[ui.section(ask), ui.actions(button)], ephemeral=True)]
    if draft.problems:
        raise UserError("I didn't save that: " + " ".join(draft.problems))
    item = service.create_item(
        ctx.session,
        project=project,
        raid_type=draft.type,
        title=draft.title,
        actor=ctx.user,
        description=draft.description,
        owner=draft.owner,
        due_on=draft.date,
        probability=draft.probability,
        impact=draft.impact,
        source=source,
        status=draft.status,
        owner_name=draft.owner_name,
        external_ref=draft.external_ref,
        decided_by=draft.decided_by,
        rationale=draft.rationale,
    )
    replies = [card(item, project, undo=True, note=f"Logged by {mention(ctx.user)}")]
    if item.owner and item.owner != ctx.user:
        replies.append(
            owner_dm(item, project, f"{mention(ctx.user)} logged this and named you the owner:")
        )
    return replies


def owner_dm(item: RaidItem, project: Project, intro: str) -> Reply:
    text = f"{intro}\n{views.item_text(item, today(project))}"
    return Reply(text=text, blocks=[ui.section(text)], to_user=item.owner)


def list_reply(ctx: Context, project: Project, words: list[str], flags: dict) -> Reply:
    filters = service.RaidFilter(status="open")
    for word in words:
        low = word.lower()
        if TYPE_WORDS.match(low):
            filters.type = RaidType.from_text(
                low.rstrip("s") if low != "dependencies" else "dependency"
            )
        elif low == "mine":
            filters.owner = ctx.user
        elif low.startswith(("<@", "@")):
            filters.owner = check_user_id(word)
        elif low == "overdue":
            filters.overdue = True
        elif low in ("all", "closed", *[s.value for s in RaidStatus]):
            filters.status = low
        else:
            filters.text = " ".join(filter(None, [filters.text, word]))
    if flags.get("min_score"):
        raw = str(flags["min_score"])
        if not raw.isdigit() or not 1 <= int(raw) <= 25:
            raise UserError(f"`--min-score {escape(raw)}` needs a number from 1 to 25.")
        filters.min_score = int(raw)
    if flags.get("text"):
        filters.text = str(flags["text"])
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


def update(ctx: Context, project: Project, key: str, rest: list[str]) -> list[Reply]:
    item = service.find_item(ctx.session, key, project=project)
    ctx.require_member(project)
    if len(rest) < 2:
        raise UserError(
            "Say what to change: `raid update KEY owner @sam`, `… date next friday`,"
            " `… p 4`, `… impact high`, `… status monitoring`, `… title New title`."
        )
    field = FIELD_ALIASES.get(rest[0].lower())
    if field is None:
        raise UserError(
            f"I can't update `{escape(rest[0])}`: use owner, title, description, "
            "date, probability, impact, strategy, mitigation or status."
        )
    raw = " ".join(rest[1:])
    value: object = raw
    if field == "owner":
        value = check_user_id(raw)
    elif field == "due_on":
        value = parse_date_phrase(raw, now=clock.now(), tz=ZoneInfo(project.timezone))
        if value is None:
            raise UserError(
                f"I couldn't read `{escape(raw)}` as a date: try `2026-12-15`, "
                "`15 Dec` or `next friday`."
            )
    elif field in ("probability", "impact"):
        value = parse_level(raw, kind="p" if field == "probability" else "i")
        if value is None:
            raise UserError(f"{field.title()} must be 1-5 or a word like low, medium, high.")
    elif field == "status":
        value = raw.lower().replace(" ", "_")
    if field == "status" and value in (
        "closed",
        "resolved",
        "validated",
        "invalidated",
        "delivered",
    ):
        may_close(ctx, project, item)
    changed = service.update_item(ctx.session, item=item, changes={field: value}, actor=ctx.user)
    if not changed:
        return [Reply(text=f"{item.key} already has that {rest[0].lower()}.")]
    replies = [card(item, project, note=f"{mention(ctx.user)} updated {rest[0].lower()}")]
    if field == "owner" and item.owner != ctx.user:
        replies.append(owner_dm(item, project, f"{mention(ctx.user)} made you the owner of:"))
    return replies


def close(ctx: Context, project: Project, key: str, word: str, note: str) -> Reply:
    item = service.find_item(ctx.session, key, project=project)
    may_close(ctx, project, item)
    status = service.close_item(
        ctx.session, item=item, actor=ctx.user, note=note or None, status=CLOSE_WORDS.get(word)
    )
    return card(
        item,
        project,
        note=f"{mention(ctx.user)} marked it {status.value}{': ' + escape(note) if note else ''}",
    )


def escalate(ctx: Context, project: Project, key: str, note: str) -> list[Reply]:
    item = service.find_item(ctx.session, key, project=project)
    ctx.require_member(project)
    pms = [m.user_id for m in members_of(ctx.session, project, Role.PM)]
    if not pms:
        raise UserError(
            f"`{project.key}` has no PM to escalate to: add one with "
            "`/pmo project members add @user pm`."
        )
    service.record(ctx.session, item, actor=ctx.user, field="escalated", note=note or None)
    intro = f":rotating_light: {mention(ctx.user)} escalated this to you" + (
        f": {escape(note)}" if note else ":"
    )
    dms = [
        Reply(text=f"{intro}\n{views.item_text(item, today(project))}", to_user=pm) for pm in pms
    ]
    return [Reply(text=f"Escalated {item.key} to {', '.join(mention(p) for p in pms)}."), *dms]


@skill.command
def handle(ctx: Context, args: str) -> list[Reply] | Reply:
    named = PROJECT_FLAG.search(args)
    args = PROJECT_FLAG.sub(" ", args).strip() if named else args
    commands = ("list", "ls", "export", "heatmap", "form")
    words, flags = (
        parse_flags(args, single=("min_score", "text"))
        if args.lower().startswith(commands)
        else (args.split(), {})
    )
    project = ctx.project_for(named.group(1) if named else None)
    sub = words[0].lower() if words else "list"
    rest = words[1:]
    body = args.split(None, 1)[1] if len(args.split(None, 1)) > 1 else ""
    if sub in ("list", "ls"):
        return list_reply(ctx, project, rest, flags)
    if sub in ("add", "new", "create"):
        if not body.strip():
            raise UserError("What should I log? e.g. `raid add risk: vendor may slip the go-live`.")
        return add(ctx, project, body, source=ctx.permalink)
    if sub in ("form", "modal"):
        may_add(ctx, project)
        return Reply(
            text="Opening the RAID form…", modal=views.form(project_key=project.key, values={})
        )
    if (
        sub
        in (
            "show",
            "history",
            "update",
            "set",
            "edit",
            "convert",
            "assign",
            "escalate",
            "delete",
            "remove",
            "link",
            "reopen",
            *CLOSE_WORDS,
        )
        and not rest
    ):
        raise UserError(f"Which item? e.g. `raid {sub} {project.key.upper()}-R1`.")
    if sub == "show":
        return card(service.find_item(ctx.session, rest[0], project=project), project)
    if sub == "history":
        item = service.find_item(ctx.session, rest[0], project=project)
        return Reply(
            text=views.history_text(item, service.history(ctx.session, item), ctx.person.timezone)
        )
    if sub in ("update", "set", "edit"):
        return update(ctx, project, rest[0], rest[1:])
    if sub in CLOSE_WORDS:
        return close(ctx, project, rest[0], sub, " ".join(rest[1:]))
    if sub == "reopen":
        item = service.find_item(ctx.session, rest[0], project=project)
        may_close(ctx, project, item)
        initial = LIFECYCLES[RaidType(item.type)].initial.value  # "proposed" for decisions
        service.update_item(ctx.session, item=item, changes={"status": initial}, actor=ctx.user)
        return card(item, project, note=f"{mention(ctx.user)} reopened it")
    if sub == "convert":
        item = service.find_item(ctx.session, rest[0], project=project)
        may_close(ctx, project, item)
        issue = service.convert_to_issue(ctx.session, item=item, project=project, actor=ctx.user)
        return card(issue, project, note=f"{item.key} became {issue.key}")
    if sub == "assign":
        if len(rest) < 2:
            raise UserError("Assign to whom? `raid assign KEY @sam`.")
        return update(ctx, project, rest[0], ["owner", rest[1]])
    if sub == "escalate":
        return escalate(ctx, project, rest[0], " ".join(rest[1:]))
    if sub in ("delete", "remove"):
        item = service.find_item(ctx.session, rest[0], project=project)
        may_close(ctx, project, item)
        service.delete_item(ctx.session, item=item, actor=ctx.user)
        return Reply(text=f"Deleted {item.key}; its history is kept.")
    if sub == "link":
        if len(rest) < 2:
            raise UserError("Link to what? `raid link APOLLO-R1 APOLLO-I2`.")
        first = service.find_item(ctx.session, rest[0], project=project)
        second = service.find_item(ctx.session, rest[1], project=project)
        service.link_items(ctx.session, from_item=first, to_item=second, actor=ctx.user)
        return Reply(text=f"Linked {first.key} → {second.key}.")
    if sub == "export":
        return files.export_reply(ctx, project, rest[0] if rest else "xlsx")
    if sub == "heatmap":
        return files.heatmap_reply(ctx, project)
    # Anything else is an item described in words.
    return add(ctx, project, args, source=ctx.permalink)
