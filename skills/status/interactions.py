"""Check-in buttons and forms as operations: give, edit or skip an update, log a blocker."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.core.context import Context
from bot.core.messages import FieldErrors, Reply, UserError, ViewSubmission
from bot.core.models import Project
from bot.core.operations import Access, Args, ProjectArgs, Scope, flag, positional
from bot.core.projects import require_project
from bot.core.text import escape, mention
from skills.raid.handlers import owner_dm
from skills.status import blockers, service
from skills.status import config as settings
from skills.status.days import ensure_checkin, is_checkin_day, is_closed
from skills.status.handlers import choose_project, skill
from skills.status.models import Checkin, StatusUpdate
from skills.status.report import late_update_reply
from skills.status.views import EDIT, FORM, GIVE, LOG_BLOCKER, SKIP, saved_reply, update_form

OUT_OF_DATE = "That button is out of date; try `/pmo status` instead."


class CheckinArgs(ProjectArgs):
    checkin: str | None = flag(description="The check-in, as `project:YYYY-MM-DD`", internal=True)


def checkin_scope(ctx: Context, args: CheckinArgs) -> Scope:
    """The project of the named check-in, else the one the user owes an update."""
    if args.checkin:
        key, _, day = args.checkin.partition(":")
        if not day:
            raise UserError(OUT_OF_DATE)
        return Scope(project=require_project(ctx.session, key))
    return Scope(project=choose_project(ctx, args.project))


def named_checkin(ctx: Context, raw: str) -> Checkin:
    """The check-in a button or form names (`project:YYYY-MM-DD`), for one of its people."""
    _, _, day_text = raw.partition(":")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise UserError(OUT_OF_DATE) from None
    project = ctx.project
    config = settings.get_config(ctx.session, project)
    if config is None or not is_checkin_day(config, day, settings.holidays(ctx.session, project)):
        raise UserError(f"`{project.key}` holds no check-in on {day:%a %d %b}.")
    checkin = ensure_checkin(ctx.session, ctx.people, project, config, day, answering=ctx.user)
    if service.on_roster(ctx.session, checkin, ctx.user) is None:
        raise UserError(f"You are not on the `{project.key}` check-in of {day:%a %d %b}.")
    return checkin


def form_reply(ctx: Context, project: Project, checkin: Checkin | None) -> Reply:
    update = service.update_for(ctx.session, checkin, ctx.user) if checkin else None
    if checkin and update and not update.skipped and is_closed(checkin):
        raise UserError(
            f"The check-in of {checkin.day:%a %d %b} has closed with your update in it."
        )
    config = settings.config_or_new(ctx.session, project)
    shown = update if update and not update.skipped else None
    modal = update_form(project=project, questions=config.questions, checkin=checkin, update=shown)
    return Reply(text="Opening the update form…", modal=modal)


@skill.operation(
    "status.form",
    summary="Open the update form for the check-in waiting for you.",
    access=Access.MEMBER,
    scope=checkin_scope,
    aliases={"status edit": {}},
    buttons={GIVE: lambda value: {"checkin": value}},
    examples=["status form"],
)
def open_form(ctx: Context, args: CheckinArgs) -> Reply:
    if args.checkin:
        return form_reply(ctx, ctx.project, named_checkin(ctx, args.checkin))
    return form_reply(
        ctx, ctx.project, service.checkin_for(ctx.session, ctx.people, ctx.project, ctx.user)
    )


@skill.operation(
    "status.skip",
    summary="Skip today's check-in.",
    access=Access.MEMBER,
    scope=checkin_scope,
    writes=True,
    buttons={SKIP: lambda value: {"checkin": value}},
    examples=["status skip"],
)
def skip(ctx: Context, args: CheckinArgs) -> Reply:
    project = ctx.project
    if args.checkin:
        checkin = named_checkin(ctx, args.checkin)
    else:
        checkin = service.checkin_for(ctx.session, ctx.people, project, ctx.user)
        if checkin is None:
            raise UserError(f"There is no `{project.key}` check-in waiting for you to skip.")
    service.skip_checkin(ctx.session, project=project, checkin=checkin, user=ctx.user)
    ctx.audit("status.skip", project=project, target=str(checkin.id))
    return Reply(
        text=f"Skipped the `{project.key}` check-in of {checkin.day:%a %d %b}. Changed your "
        "mind? `/pmo status …` still counts until the report goes out.",
        replace_original=True,
    )


class UpdateRef(Args):
    update: int = positional(description="The update's number")


def update_scope(ctx: Context, args: UpdateRef) -> Scope:
    """A status update: its project, and its author as the owner."""
    update = ctx.session.get(StatusUpdate, args.update)
    if update is None:
        raise UserError(OUT_OF_DATE)
    project = ctx.session.get(Project, update.project_id)
    return Scope(
        project=project,
        owners=(update.user_id,),
        owned=True,
        target=update,
        owner_label="its author",
    )


@skill.operation(
    "status.edit_form",
    summary="Open the form to edit one of your updates.",
    access=Access.EDITOR,
    scope=update_scope,
    buttons={EDIT: lambda value: {"update": value}},
    hidden=True,
    command="status form edit",
)
def edit_form(ctx: Context, args: UpdateRef) -> Reply:
    update: StatusUpdate = ctx.scope.target  # type: ignore[union-attr]
    if update.user_id != ctx.user:
        raise UserError("Only its author can edit a status update.")
    checkin = ctx.session.get(Checkin, update.checkin_id) if update.checkin_id else None
    if checkin is None:
        raise UserError("That update answered no check-in; send a new one with `/pmo status …`.")
    return form_reply(ctx, ctx.project, checkin)


class FormArgs(CheckinArgs):
    values: dict[str, Any] = flag(
        default_factory=dict, description="The form's fields", internal=True
    )


def from_update_form(submission: ViewSubmission) -> dict[str, Any]:
    try:
        meta = json.loads(submission.private_metadata or "{}")
        project = str(meta["project"])
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; open it again with `/pmo status edit`.") from None
    return {"project": project, "checkin": meta.get("checkin"), "values": submission.values}


@skill.operation(
    "status.submit_form",
    summary="Save the update form.",
    access=Access.MEMBER,
    scope=checkin_scope,
    writes=True,
    forms={FORM: from_update_form},
    hidden=True,
    command="status form save",
)
def save_form(ctx: Context, args: FormArgs) -> list[Reply]:
    project, values = ctx.project, args.values
    checkin = named_checkin(ctx, args.checkin) if args.checkin else None
    config = settings.config_or_new(ctx.session, project)
    draft, text = service.draft_from_form(values, config.questions)
    first = "done" if "done" in values else "q0"
    if service.is_empty(text):
        raise FieldErrors({first: "Say at least one thing you did, will do or are blocked by."})
    if len(text) > service.MAX_UPDATE_CHARS:
        raise FieldErrors(
            {first: f"Keep the update under {service.MAX_UPDATE_CHARS:,} characters."}
        )
    saved = service.submit_update(
        ctx.session,
        ctx.people,
        project=project,
        user=ctx.user,
        text=text,
        draft=draft,
        answers={k: v for k, v in values.items() if isinstance(v, str)},
        source="form",
        checkin=checkin,
    )
    ctx.audit("status.update", project=project, target=str(saved.update.id), late=saved.late)
    reply = saved_reply(project, saved.update, checkin, replaced=saved.replaced, late=saved.late)
    reply.to_user = ctx.user
    late = (
        late_update_reply(ctx.session, project, checkin, saved.update)
        if saved.late and checkin
        else None
    )
    return [reply, *([late] if late else [])]


class BlockerArgs(Args):
    blocker: str = positional(description="The blocker, as `UPDATE:INDEX`")


def blocker_scope(ctx: Context, args: BlockerArgs) -> Scope:
    update_id, _ = blockers.parse_blocker_value(args.blocker)
    update = ctx.session.get(StatusUpdate, update_id)
    if update is None:
        raise UserError(OUT_OF_DATE)
    return Scope(project=ctx.session.get(Project, update.project_id), target=update)


@skill.operation(
    "status.log_blocker",
    summary="Log a blocker from a check-in report as a RAID issue.",
    access=Access.MEMBER,
    scope=blocker_scope,
    writes=True,
    buttons={LOG_BLOCKER: lambda value: {"blocker": value}},
    hidden=True,
    command="status blocker",
)
def log_blocker(ctx: Context, args: BlockerArgs) -> list[Reply]:
    update: StatusUpdate = ctx.scope.target  # type: ignore[union-attr]
    project = ctx.project
    _, index = blockers.parse_blocker_value(args.blocker)
    logged = blockers.log_blocker(
        ctx.session, project=project, update=update, index=index, actor=ctx.user
    )
    item = logged.item
    if not logged.created:
        return [Reply(text=f"That blocker is already logged as *{item.key}*.", ephemeral=True)]
    ctx.audit("status.blocker_issue", project=project, target=item.key, update=update.id)
    text = (
        f"{mention(ctx.user)} logged {mention(update.user_id)}'s blocker as *{item.key}*: "
        f"{escape(item.title)}"
    )
    replies = [Reply(text=text, ephemeral=False)]
    if update.user_id != ctx.user:
        replies.append(owner_dm(item, project, f"{mention(ctx.user)} logged your blocker as:"))
    return replies
