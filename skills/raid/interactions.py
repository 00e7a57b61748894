"""RAID buttons, the add/edit modal and the "Add to RAID log" message shortcut."""

from __future__ import annotations

import json
from typing import Any

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Action, FieldErrors, Reply, Shortcut, UserError, ViewSubmission
from bot.core.models import Project
from bot.core.projects import require_project
from bot.core.text import mention
from skills.raid import attention, service, views
from skills.raid.handlers import card, may_add, may_close, owner_dm, parse, skill
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType


def item_and_project(ctx: Context, key: str) -> tuple[RaidItem, Project]:
    item = service.find_item(ctx.session, key)
    project = ctx.session.get(Project, item.project_id)
    ctx.require_member(project)
    return item, project


@skill.action(views.EDIT)
def edit_button(ctx: Context, action: Action) -> Reply:
    item, project = item_and_project(ctx, action.value)
    return Reply(
        text=f"Editing {item.key}…",
        modal=views.form(
            project_key=project.key, values=views.form_values(item), item_key=item.key
        ),
    )


@skill.action(views.UNDO)
def undo_button(ctx: Context, action: Action) -> Reply:
    item, project = item_and_project(ctx, action.value)
    if item.raised_by != ctx.user:
        may_close(ctx, project, item)
    service.delete_item(ctx.session, item=item, actor=ctx.user, note="undone")
    return Reply(
        text=f"Undone: {item.key} is removed from the log (its history is kept).",
        replace_original=True,
    )


@skill.action(views.CLOSE)
def close_button(ctx: Context, action: Action) -> Reply:
    item, project = item_and_project(ctx, action.value)
    may_close(ctx, project, item)
    status = service.close_item(ctx.session, item=item, actor=ctx.user)
    reply = card(item, project, note=f"{mention(ctx.user)} marked it {status.value}")
    reply.replace_original = True
    return reply


@skill.action(views.OPEN_FORM)
def open_form_button(ctx: Context, action: Action) -> Reply:
    project = ctx.project_for()
    may_add(ctx, project)
    raid_type = RaidType.from_text(action.value) or RaidType.RISK
    return Reply(
        text="Opening the RAID form…",
        modal=views.form(project_key=project.key, values={"type": raid_type.value}),
    )


@skill.shortcut(views.SHORTCUT)
def from_message(ctx: Context, shortcut: Shortcut) -> Reply:
    """Pre-fill the form from someone's message and keep its permalink."""
    project = ctx.project_for()
    may_add(ctx, project)
    draft = parse(ctx, project, shortcut.message_text)
    values = {
        "type": draft.type.value,
        "title": None if draft.missing_title else draft.title,
        "description": shortcut.message_text[:3000],
        "owner": draft.owner,
        "owner_name": draft.owner_name,
        "external_ref": draft.external_ref,
        "decided_by": draft.decided_by,
        "rationale": draft.rationale,
        "due_on": draft.date.isoformat() if draft.date else None,
        "probability": str(draft.probability) if draft.probability else None,
        "impact": str(draft.impact) if draft.impact else None,
    }
    form = views.form(project_key=project.key, values=values, source=shortcut.permalink)
    metadata = json.loads(form["private_metadata"])
    metadata["channel"] = shortcut.channel
    form["private_metadata"] = json.dumps(metadata)
    return Reply(text="Opening the RAID form…", modal=form)


def read_form(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as service fields, with errors keyed by the block that has them."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for name in (
        "title",
        "description",
        "probability",
        "impact",
        "strategy",
        "mitigation",
        "due_on",
        *views.TEXT_FIELDS,
    ):
        try:
            fields[name] = service.normalise(name, values.get(name))
        except UserError as exc:
            errors[name] = str(exc)
    fields["owner"] = values.get("owner") or None
    if values.get("status"):
        fields["status"] = values["status"]
    if errors:
        raise FieldErrors(errors)
    return fields


@skill.view(views.FORM)
def save_form(ctx: Context, submission: ViewSubmission) -> list[Reply]:
    try:
        meta = json.loads(submission.private_metadata or "{}")
        project = require_project(ctx.session, str(meta["project"]))
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; open it again.") from None
    fields = read_form(submission.values)
    if meta.get("item"):
        item = service.find_item(ctx.session, meta["item"], project=project)
        ctx.require_member(project)
        status = fields.get("status")
        if status and status != item.status and status in service.CLOSED_STATUSES:
            may_close(ctx, project, item)
        try:
            changed = service.update_item(ctx.session, item=item, changes=fields, actor=ctx.user)
        except UserError as exc:
            raise FieldErrors({"status": str(exc)}) from None
        note = f"{mention(ctx.user)} edited {', '.join(changed) or 'nothing'}"
        return [Reply(**_card_args(item, project, note), to_user=ctx.user)]
    may_add(ctx, project)
    raid_type = RaidType.from_text(str(submission.values.get("type") or "risk")) or RaidType.RISK
    item = service.create_item(
        ctx.session,
        project=project,
        raid_type=raid_type,
        actor=ctx.user,
        source=meta.get("source"),
        **fields,
    )
    note = f"Logged by {mention(ctx.user)}"
    where = {"to_channel": meta["channel"]} if meta.get("channel") else {"to_user": ctx.user}
    replies = [Reply(**_card_args(item, project, note, undo=True), **where)]
    if item.owner and item.owner != ctx.user:
        replies.append(owner_dm(item, project, f"{mention(ctx.user)} made you the owner of:"))
    return replies


def _card_args(item: RaidItem, project: Project, note: str, undo: bool = False) -> dict[str, Any]:
    shown = card(item, project, undo=undo, note=note)
    return {"text": shown.text, "blocks": shown.blocks}


@skill.action(views.SNOOZE)
def snooze_button(ctx: Context, action: Action) -> Reply:
    item, project = item_and_project(ctx, action.value)
    new_date = attention.snooze(
        ctx.session, item=item, days=3, actor=ctx.user, today=clock.today(project.timezone)
    )
    return Reply(text=f"Snoozed {item.key} to {new_date:%a %d %b}.", ephemeral=True)
