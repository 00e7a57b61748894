"""`livepmo cost import FILE --project KEY`: monthly actual and planned spend from a csv or
xlsx (registered by `bot/cli.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

cost_app = typer.Typer(help="Project cost: import monthly figures.", no_args_is_help=True)


@cost_app.command("import")
def import_cost_command(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx: month, actual and/or plan.")],
    project: Annotated[str, typer.Option("--project", help="Project key, e.g. apollo.")],
) -> None:
    """Record each month's actual and planned spend; each row is checked and saved on its own."""
    from skills.cost.importing import import_costs
    from skills.sheets import import_command

    import_command(file, project, import_costs, noun="month")
