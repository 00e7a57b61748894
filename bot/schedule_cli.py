"""`livepmo schedule preview|run-due`."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer

from bot.core import clock
from bot.core.db import session_scope
from bot.core.messages import UserError
from bot.core.projects import require_project
from bot.core.text import unformat
from bot.runtime import fail, start
from bot.scheduling import people_and_poster

schedule_app = typer.Typer(
    help="What the bot will post, and running what is due.", no_args_is_help=True
)


@schedule_app.command("preview")
def preview(
    project: Annotated[str, typer.Option(help="Project key.")],
    days: Annotated[int, typer.Option(help="How many days ahead.")] = 7,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List what will fire, when (UTC and the recipient's local time) and to whom."""
    from bot.scheduling import planned

    settings = start()
    people, _ = people_and_poster(settings)
    now = clock.now()
    with session_scope(settings.database_url) as session:
        try:
            chosen = require_project(session, project)
        except UserError as exc:
            fail(unformat(exc))
        firings = [
            f
            for f in planned(session, people, now, now + timedelta(days=days))
            if f.project_id in (None, chosen.id) and _concerns(session, f, chosen.id)
        ]
    rows = [
        {
            "kind": f.kind,
            "job": f.key,
            "due_utc": f.due.isoformat(),
            "due_local": f.local_due().isoformat(),
            "timezone": f.timezone,
            "recipient": f.recipient,
        }
        for f in firings
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        print(f"Nothing scheduled for {chosen.key} in the next {days} days.")
    for row in rows:
        print(
            f"{row['due_utc'][:16]}Z  {row['due_local'][:16]} {row['timezone']:<20} "
            f"{row['kind']:<14} {row['recipient']}"
        )


def _concerns(session, firing, project_id: int) -> bool:  # noqa: ANN001
    """Person-level firings concern a project when the person is in it."""
    if firing.project_id is not None:
        return True
    from sqlmodel import select

    from bot.core.models import Membership

    return (
        session.exec(
            select(Membership).where(
                Membership.project_id == project_id, Membership.user_id == firing.recipient
            )
        ).first()
        is not None
    )


@schedule_app.command("run-due")
def run_due_command() -> None:
    """Run, once, everything due at the current clock (honours LIVEPMO_NOW)."""
    from bot.scheduling import run_due

    settings = start()
    people, poster = people_and_poster(settings)
    report = run_due(settings.database_url, people, poster)
    print(
        f"posted {len(report.posted)}, nothing to say {len(report.empty)}, "
        f"already done {len(report.skipped)}, failed {len(report.failed)}"
    )
    if report.failed:
        raise typer.Exit(1)
