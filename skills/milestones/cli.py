"""`livepmo milestone import FILE --project KEY`: a plan's milestones from a csv or xlsx
(registered by `bot/cli.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

milestone_app = typer.Typer(help="Milestones: import a plan.", no_args_is_help=True)


@milestone_app.command("import")
def import_milestones_command(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx: name, baseline, forecast…")],
    project: Annotated[str, typer.Option("--project", help="Project key, e.g. apollo.")],
) -> None:
    """Add and update milestones; each row is checked and saved on its own."""
    from skills.milestones.importing import import_milestones
    from skills.sheets import import_command

    import_command(file, project, import_milestones, noun="milestone")
