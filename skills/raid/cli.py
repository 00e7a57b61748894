"""`livepmo raid export|import`: the RAID log to and from CSV, Excel and JSON files.

Registered by `bot/cli.py` as `app.add_typer(raid_app, name="raid")`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.core.text import unformat
from bot.runtime import fail, start, write_output

raid_app = typer.Typer(
    help="The RAID log as spreadsheets: export and import.", no_args_is_help=True
)

ACTOR = "cli"


@raid_app.command("export")
def export_command(
    project: Annotated[str, typer.Option("--project", help="Project key, e.g. apollo.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "xlsx",
    output: Annotated[
        str | None,
        typer.Option(
            help="File to write ('-' for stdout). Default: stdout for csv and json, "
            "KEY-raid.xlsx for xlsx."
        ),
    ] = None,
    include_deleted: Annotated[
        bool, typer.Option("--include-deleted", help="Also export deleted items.")
    ] = False,
) -> None:
    """Write every item of a project, with every field, as CSV, Excel or JSON."""
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from bot.core.projects import require_project
    from skills.raid.spreadsheets import FORMATS, export_items, project_items

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt}.")
    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            target = require_project(session, project)
            items = project_items(session, target, include_deleted=include_deleted)
            content = export_items(session, items, fmt)
    except UserError as exc:
        fail(unformat(exc))
    if output is None and fmt == "xlsx":
        output = f"{target.key}-raid.xlsx"
    what = f"{len(items)} item{'s' if len(items) != 1 else ''} of {target.key}"
    write_output(content, what=what, fmt=fmt, output=output)


@raid_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A .csv, .xlsx or .json file.")],
    project: Annotated[str, typer.Option("--project", help="Project key, e.g. apollo.")],
) -> None:
    """Add and update items from a spreadsheet; each row is checked and saved on its own.

    Exits 0 when at least one row went in (or the file had no rows), 1 when every row
    failed, 2 when the file or the project cannot be used.
    """
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from bot.core.projects import require_project
    from skills.raid.spreadsheets import ImportFileError, import_rows

    try:
        content = file.read_bytes()
    except OSError as exc:
        fail(f"Cannot read {file}: {exc.strerror or exc}.")
    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            target = require_project(session, project)
            report = import_rows(
                session, project=target, content=content, filename=file.name, actor=ACTOR
            )
    except UserError as exc:
        fail(unformat(exc))
    except ImportFileError as exc:
        fail(str(exc))
    if not report.rows:
        print(f"{file.name} has no rows to import: nothing changed in {target.key}.")
        return
    print(f"Imported {file.name} into {target.key}: {report.summary()}.")
    for row, reason in report.errors:
        print(f"row {row}: {reason}")
    for row, reason in report.warnings:
        print(f"row {row} (saved): {reason}")
    if not report.saved_rows:
        raise typer.Exit(1)
