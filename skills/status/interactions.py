"""Check-in buttons and modals: give, edit or skip an update, log a blocker, the setup form."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.core.concurrency import ChangedMeanwhile
from bot.core.context import Context
from bot.core.messages import Action, FieldErrors, Reply, UserError, ViewSubmission
from bot.core.models import Project
from bot.core.projects import require_project
from bot.core.text import escape, mention
from skills.raid.handlers import may_add, owner_dm
from skills.status import blockers, service
from skills.status import config as settings
from skills.status.days import ensure_checkin, is_checkin_day, is_closed
from skills.status.handlers import checkin_skill, skill
from skills.status.models import Checkin, StatusUpdate
from skills.status.report import late_update_reply
from skills.status.views import (
    EDIT,
    FORM,
    GIVE,
    LOG_BLOCKER,
    SETUP,
    SKIP,
    saved_reply,
    update_form,
)


def _load(ctx: Context, model: type, raw: str) -> Any:
    row = ctx.session.get(model, int(raw)) if raw.strip().isdigit() else None
    if row is None:
        raise UserError("That button is out of date; try `/pmo status` instead.")
    return row


def _checkin(ctx: Context, raw: str) -> tuple[Checkin, Project]:
    """The check-in a button or form names (`project:YYYY-MM-DD`), for one of its people."""
    key, _, day_text = raw.partition(":")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise UserError("That button is out of date; try `/pmo status` instead.") from None
    project = require_project(ctx.session, key)
    ctx.require_member(project)
    config = settings.get_config(ctx.session, project)
    if config is None or not is_checkin_day(config, day, settings.holidays(ctx.session, project)):
        raise UserError(f"`{project.key}` holds no check-in on {day:%a %d %b}.")
    checkin = ensure_checkin(ctx.session, ctx.people, project, config, day)
    if service.on_roster(ctx.session, checkin, ctx.user) is None:
        raise UserError(f"You are not on the `{project.key}` check-in of {day:%a %d %b}.")
    return checkin, project


def _form(ctx: Context, project: Project, checkin: Checkin | None) -> Reply:
    update = service.update_for(ctx.session, checkin, ctx.user) if checkin else None
    if checkin and update and not update.skipped and is_closed(checkin):
        raise UserError(
            f"The check-in of {checkin.day:%a %d %b} has closed with your update in it."
        )
    config = settings.config_or_new(ctx.session, project)
    shown = update if update and not update.skipped else None
    modal = update_form(project=project, questions=config.questions, checkin=checkin, update=shown)
    return Reply(text="Opening the update form…", modal=modal)


def open_form(ctx: Context, project: Project) -> Reply:
    """`status edit`: the form for the check-in waiting for this user (else a free update)."""
    ctx.require_member(project)
    return _form(ctx, project, service.checkin_for(ctx.session, ctx.people, project, ctx.user))


def skip_today(ctx: Context, project: Project) -> Reply:
    ctx.require_member(project)
    checkin = service.checkin_for(ctx.session, ctx.people, project, ctx.user)
    if checkin is None:
        raise UserError(f"There is no `{project.key}` check-in waiting for you to skip.")
    return _skipped(ctx, project, checkin)


def _skipped(ctx: Context, project: Project, checkin: Checkin) -> Reply:
    service.skip_checkin(ctx.session, project=project, checkin=checkin, user=ctx.user)
    ctx.audit("status.skip", project=project, target=str(checkin.id))
    return Reply(
        text=f"Skipped the `{project.key}` check-in of {checkin.day:%a %d %b}. Changed your "
        "mind? `/pmo status …` still counts until the report goes out.",
        replace_original=True,
    )


@skill.action(GIVE)
def give_button(ctx: Context, action: Action) -> Reply:
    checkin, project = _checkin(ctx, action.value)
    return _form(ctx, project, checkin)


@skill.action(SKIP)
def skip_button(ctx: Context, action: Action) -> Reply:
    checkin, project = _checkin(ctx, action.value)
    return _skipped(ctx, project, checkin)


@skill.action(EDIT)
def edit_button(ctx: Context, action: Action) -> Reply:
    update = _load(ctx, StatusUpdate, action.value)
    if update.user_id != ctx.user:
        raise UserError("Only its author can edit a status update.")
    project = ctx.session.get(Project, update.project_id)
    checkin = ctx.session.get(Checkin, update.checkin_id) if update.checkin_id else None
    if checkin is None:
        raise UserError("That update answered no check-in; send a new one with `/pmo status …`.")
    return _form(ctx, project, checkin)


@skill.view(FORM)
def save_form(ctx: Context, submission: ViewSubmission) -> list[Reply]:
    try:
        meta = json.loads(submission.private_metadata or "{}")
        project = require_project(ctx.session, str(meta["project"]))
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; open it again with `/pmo status edit`.") from None
    ctx.require_member(project)
    checkin = _checkin(ctx, str(meta["checkin"]))[0] if meta.get("checkin") else None
    config = settings.config_or_new(ctx.session, project)
    draft, text = service.draft_from_form(submission.values, config.questions)
    if service.is_empty(text):
        first = "done" if "done" in submission.values else "q0"
        raise FieldErrors({first: "Say at least one thing you did, will do or are blocked by."})
    if len(text) > service.MAX_UPDATE_CHARS:
        first = "done" if "done" in submission.values else "q0"
        raise FieldErrors(
            {first: f"Keep the update under {service.MAX_UPDATE_CHARS:,} characters."}
        )
    values = {k: v for k, v in submission.values.items() if isinstance(v, str)}
    saved = service.submit_update(
        ctx.session,
        ctx.people,
        project=project,
        user=ctx.user,
        text=text,
        draft=draft,
        answers=values,
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


@skill.action(LOG_BLOCKER)
def log_blocker_button(ctx: Context, action: Action) -> list[Reply]:
    update_id, index = blockers.parse_blocker_value(action.value)
    update = _load(ctx, StatusUpdate, str(update_id))
    project = ctx.session.get(Project, update.project_id)
    may_add(ctx, project)
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


def _people(values: dict[str, Any], name: str) -> list[str] | None:
    raw = values.get(name)
    if raw is None:
        return None
    return settings.parse_people(raw if isinstance(raw, list) else str(raw).split())


def read_setup(values: dict[str, Any]) -> settings.Settings:
    """The setup form as settings, with each bad field's error next to it."""
    change, errors = settings.Settings(), {}
    readers = {
        "time": lambda v: setattr(change, "time", settings.parse_time(str(v or ""))),
        "window": lambda v: setattr(change, "window_minutes", settings.parse_window(str(v or ""))),
        "remind_before": lambda v: setattr(
            change, "reminder_before_minutes", settings.parse_window(str(v or ""))
        ),
        "questions": lambda v: setattr(change, "questions", settings.parse_questions(str(v or ""))),
        "days": lambda v: setattr(change, "days", _days(v)),
        "reminders": lambda v: setattr(change, "reminder_count", _count(v)),
        "participants": lambda v: setattr(change, "participants", _people(values, "participants")),
        "observers": lambda v: setattr(change, "observers", _people(values, "observers")),
    }
    for name, read in readers.items():
        if values.get(name) is not None:  # None: not in the form (the console), kept as is
            try:
                read(values[name])
            except UserError as exc:
                errors[name] = str(exc)
    if "enabled" in values:
        change.enabled = values["enabled"] != "off"
    if values.get("destination"):
        change.destination = str(values["destination"])
    if change.participants == []:
        change.participants, change.reset_participants = None, True
    if errors:
        raise FieldErrors(errors)
    return change


def _days(value: Any) -> list[int]:
    if isinstance(value, list):
        if not value:
            raise UserError("Pick at least one day.")
        return sorted({int(v) for v in value})
    return settings.parse_days(str(value or ""))


def _count(value: Any) -> int:
    raw = str(value or "0").strip()
    if not raw.isdigit() or not 0 <= int(raw) <= settings.MAX_REMINDERS:
        raise UserError(f"Reminders must be a number from 0 to {settings.MAX_REMINDERS}.")
    return int(raw)


@checkin_skill.view(SETUP)
def save_setup(ctx: Context, submission: ViewSubmission) -> Reply:
    try:
        meta = json.loads(submission.private_metadata)
        project = require_project(ctx.session, str(meta["project"]))
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; open it again with `/pmo checkin setup`.") from None
    ctx.require_pm(project)
    change = read_setup(submission.values)
    try:
        config = settings.apply_settings(
            ctx.session, project, change, actor=ctx.user, seen=meta.get("version")
        )
    except (FieldErrors, ChangedMeanwhile):
        raise
    except UserError as exc:
        field = "participants" if change.participants or change.reset_participants else "enabled"
        raise FieldErrors({field: str(exc)}) from None
    ctx.audit("checkin.config", project=project, target="setup")
    text = f"Saved.\n{settings.describe(ctx.session, project, config)}"
    return Reply(text=text, to_user=ctx.user)
