"""Milestone forms and imports as operations: open the new or edit form, import a plan."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import Reply
from bot.core.operations import Access, ProjectArgs, by_json
from skills.milestones import views
from skills.milestones.args import MilestoneArgs, milestone_scope, target_milestone
from skills.milestones.handlers import skill


@skill.operation(
    "milestone.form",
    summary="Open the form for a new milestone.",
    access=Access.MEMBER,
    buttons={views.OPEN_FORM: by_json},
    examples=["milestone form"],
)
def open_form(ctx: Context, args: ProjectArgs) -> Reply:
    project = ctx.project_for(args.project)
    return Reply(
        text="Opening the milestone form…", modal=views.form(project_key=project.key, values={})
    )


@skill.operation(
    "milestone.edit_form",
    summary="Open a milestone's form to move its date or change it.",
    access=Access.EDITOR,
    scope=milestone_scope,
    buttons={views.EDIT: by_json},
    command="milestone form edit",
    examples=["milestone form edit APOLLO-M2"],
)
def edit_form(ctx: Context, args: MilestoneArgs) -> Reply:
    milestone = target_milestone(ctx, args)
    modal = views.form(
        project_key=ctx.project.key,
        values=views.form_values(milestone),
        milestone_key=milestone.key,
    )
    return Reply(text=f"Editing {milestone.key}…", modal=modal)


@skill.operation(
    "milestone.import",
    summary="Add and update milestones from the csv or xlsx shared with it (PMs).",
    access=Access.PM,
    writes=True,
    examples=["milestone import"],
)
def import_file(ctx: Context, args: ProjectArgs) -> Reply:
    from skills.milestones.importing import import_milestones
    from skills.sheets import shared_files_reply

    project = ctx.project_for(args.project)
    return shared_files_reply(ctx, project, import_milestones, noun="milestone")
