"""`livepmo checkin show|set` and `livepmo status export`.

Registered by `bot/cli.py` as `app.add_typer(checkin_app, name="checkin")` and
`app.add_typer(status_app, name="status")`. The operator acts as `cli` (no PM check).
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.core.text import unformat
from bot.runtime import fail, start, write_output

checkin_app = typer.Typer(help="A project's daily check-in settings.", no_args_is_help=True)
status_app = typer.Typer(help="Status updates from check-ins: export.", no_args_is_help=True)

ACTOR = "cli"
ProjectOption = Annotated[str, typer.Option("--project", help="Project key, e.g. apollo.")]


@checkin_app.command("show")
def show_command(project: ProjectOption) -> None:
    """Print the project's check-in settings."""
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from bot.core.projects import require_project
    from skills.status.config import describe, get_config

    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            target = require_project(session, project)
            print(unformat(describe(session, target, get_config(session, target))))
    except UserError as exc:
        fail(unformat(exc))


@checkin_app.command("set")
def set_command(
    project: ProjectOption,
    on: Annotated[bool | None, typer.Option("--on/--off", help="Run check-ins or not.")] = None,
    time: Annotated[str | None, typer.Option(help="Local time, HH:MM.")] = None,
    days: Annotated[str | None, typer.Option(help="e.g. mon-fri or mon,wed,fri.")] = None,
    window: Annotated[str | None, typer.Option(help="Response window, e.g. 4h.")] = None,
    participant: Annotated[
        list[str] | None, typer.Option(help="Participant user id (repeatable).")
    ] = None,
    members: Annotated[
        bool, typer.Option("--members", help="Ask the project's members (the default).")
    ] = False,
    observer: Annotated[
        list[str] | None, typer.Option(help="Observer user id (repeatable).")
    ] = None,
    no_observers: Annotated[bool, typer.Option("--no-observers")] = False,
    where: Annotated[str | None, typer.Option(help="channel or thread.")] = None,
    reminders: Annotated[int | None, typer.Option(help="Reminders, 0-3.")] = None,
    remind_before: Annotated[str | None, typer.Option(help="Last reminder before close.")] = None,
    questions: Annotated[str | None, typer.Option(help="Questions separated by |.")] = None,
    holiday: Annotated[list[str] | None, typer.Option(help="YYYY-MM-DD (repeatable).")] = None,
    remove_holiday: Annotated[list[str] | None, typer.Option(help="YYYY-MM-DD.")] = None,
) -> None:
    """Change check-in settings; every value is checked before anything is saved."""
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from bot.core.projects import require_project
    from skills.status import config as cfg
    from skills.status.days import saved_text, under_way_note

    settings = start()
    try:
        change = cfg.Settings(
            enabled=on,
            time=cfg.parse_time(time) if time is not None else None,
            days=cfg.parse_days(days) if days is not None else None,
            window_minutes=cfg.parse_window(window) if window is not None else None,
            participants=cfg.parse_people(participant) if participant else None,
            reset_participants=members,
            observers=[] if no_observers else (cfg.parse_people(observer) if observer else None),
            destination=where,
            reminder_count=reminders,
            reminder_before_minutes=cfg.parse_window(remind_before) if remind_before else None,
            questions=cfg.parse_questions(questions) if questions is not None else None,
            add_holidays=[cfg.parse_holiday(d) for d in holiday or []],
            remove_holidays=[cfg.parse_holiday(d) for d in remove_holiday or []],
        )
        with session_scope(settings.database_url) as session:
            target = require_project(session, project)
            note = under_way_note(session, target, change)
            config = cfg.apply_settings(session, target, change, actor=ACTOR)
            print(unformat(saved_text(session, target, config, note)))
    except UserError as exc:
        fail(unformat(exc))


@status_app.command("export")
def export_command(
    project: ProjectOption,
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    output: Annotated[str | None, typer.Option(help="File to write (default stdout).")] = None,
) -> None:
    """Write every status update of a project as CSV or JSON."""
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from bot.core.projects import require_project
    from skills.status.export import FORMATS, export_bytes, export_rows

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt}.")
    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            target = require_project(session, project)
            rows = export_rows(session, target)
    except UserError as exc:
        fail(unformat(exc))
    content = export_bytes(rows, fmt)
    what = f"{len(rows)} update{'s' if len(rows) != 1 else ''} of {target.key}"
    write_output(content, what=what, fmt=fmt, output=output)
