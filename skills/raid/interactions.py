"""RAID forms, buttons and the "Add to RAID log" message shortcut, as operations.

A submitted form is the same `raid.add` or `raid.update` a command runs (`skills.raid.forms`
reads it); these operations open the form, pre-fill it from a message, and undo a new item.
"""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.core.messages import Reply, Shortcut
from bot.core.operations import Access, ProjectArgs, by_key, flag, positional
from skills.raid import views
from skills.raid.args import ItemArgs, item_scope, target_item
from skills.raid.handlers import parse, skill
from skills.raid.scoring import RaidType


class FormArgs(ProjectArgs):
    type: str | None = positional(default=None, description="The type to start with")
    text: str | None = flag(description="A message to pre-fill the form from", internal=True)
    source: str | None = flag(description="Link to that message", internal=True)
    channel: str | None = flag(description="Channel to post the new item in", internal=True)


def from_shortcut(shortcut: Shortcut) -> dict[str, Any]:
    return {
        "text": shortcut.message_text[:3000],
        "source": shortcut.permalink,
        "channel": shortcut.channel,
    }


@skill.operation(
    "raid.form",
    summary="Open the form with every field (or pre-filled from a message by the shortcut).",
    access=Access.MEMBER,
    aliases={"raid modal": {}},
    buttons={views.OPEN_FORM: lambda value: {"type": value or None}},
    shortcuts={views.SHORTCUT: from_shortcut},
    examples=["raid form", "raid form issue"],
)
def open_form(ctx: Context, args: FormArgs) -> Reply:
    project = ctx.project_for(args.project)
    raid_type = RaidType.from_text(args.type or "risk") or RaidType.RISK
    values: dict[str, Any] = {"type": raid_type.value}
    if args.text:
        draft = parse(ctx, project, args.text)
        values = {
            "type": draft.type.value,
            "title": None if draft.missing_title else draft.title,
            "description": args.text,
            "owner": draft.owner,
            "owner_name": draft.owner_name,
            "external_ref": draft.external_ref,
            "decided_by": draft.decided_by,
            "rationale": draft.rationale,
            "mitigation": draft.mitigation,
            "due_on": draft.date.isoformat() if draft.date else None,
            "probability": str(draft.probability) if draft.probability else None,
            "impact": str(draft.impact) if draft.impact else None,
        }
    form = views.form(
        project_key=project.key, values=values, source=args.source, channel=args.channel
    )
    return Reply(text="Opening the RAID form…", modal=form)


@skill.operation(
    "raid.edit_form",
    summary="Open an item's form to edit every field.",
    access=Access.EDITOR,
    scope=item_scope,
    buttons={views.EDIT: by_key},
    examples=["raid form edit APOLLO-R1"],
    command="raid form edit",
)
def edit_form(ctx: Context, args: ItemArgs) -> Reply:
    item = target_item(ctx)
    return Reply(
        text=f"Editing {item.key}…",
        modal=views.form(
            project_key=ctx.project.key, values=views.form_values(item), item_key=item.key
        ),
    )
