"""Plan spreadsheets (milestones, cost figures): rows under a header of known column names,
each row saved on a savepoint of its own, a bad row reported with its reason and the rest
kept. Files are opened by the RAID log's reader (`read_grid`), the one entry point for csv
and xlsx (and its guards against hostile files)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.core.messages import UserError
from bot.core.text import unformat
from skills.raid.spreadsheets.reading import ImportFileError, file_kind, read_grid

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 20  # a title, a legend or blank lines may sit above the header
MAX_ROWS = 5_000
Columns = dict[str, tuple[str, ...]]  # field -> the header names that mean it (lower case)
Row = tuple[int, dict[str, Any]]  # (row number as the spreadsheet shows it, {field: cell})


@dataclass
class SheetReport:
    """What an import did: a label per saved row, and (row, reason) per refused one."""

    rows: int = 0
    saved: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, noun: str) -> str:
        bad = len(self.errors)
        return (
            f"{len(self.saved)} {noun}{'s' if len(self.saved) != 1 else ''} saved, "
            f"{bad} {'row' if bad == 1 else 'rows'} with errors"
        )


def header_name(cell: Any) -> str:
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(cell or "")).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def sheet_rows(content: bytes, filename: str, columns: Columns, required: str) -> list[Row]:
    """The data rows of a csv or xlsx file as {field: cell}, under the first row (of the first
    20) that names the `required` column; `ImportFileError` when the file can't be used."""
    if not content.strip():
        return []
    if file_kind(content, filename) == "json":
        raise ImportFileError(f"{filename}: save it as .csv or .xlsx to import it.")
    grid = read_grid(content, filename)
    names = {alias: name for name, aliases in columns.items() for alias in (name, *aliases)}
    for at, row in enumerate(grid[:HEADER_SEARCH_ROWS]):  # noqa: B007 - `at` is used below
        fields = [names.get(header_name(cell)) for cell in row]
        if required in fields:
            break
    else:
        wanted = ", ".join(columns)
        raise ImportFileError(
            f"{filename} has no header row naming a `{required}` column in its first "
            f"{HEADER_SEARCH_ROWS} rows: the columns are {wanted}."
        )
    rows: list[Row] = []
    for number, cells in enumerate(grid[at + 1 :], start=at + 2):
        if all(c is None or not str(c).strip() for c in cells):
            continue
        values: dict[str, Any] = {}
        for index, name in enumerate(fields):
            if name and name not in values and index < len(cells):
                values[name] = cells[index]
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"{filename} has more than {MAX_ROWS} rows: split it up.")
    return rows


def import_each(
    session: Session, rows: list[Row], save: Callable[[int, dict[str, Any]], str]
) -> SheetReport:
    """`save` each row on its own savepoint: a `UserError` or `ValueError` (the row's fault)
    undoes that row alone and is reported; the other rows go in."""
    report = SheetReport(rows=len(rows))
    for number, values in rows:
        try:
            with session.begin_nested():
                report.saved.append(save(number, values))
        except (UserError, ValueError) as exc:
            report.errors.append((number, unformat(exc)))
        except SQLAlchemyError:
            log.exception("row %s of an import could not be saved", number)
            report.errors.append((number, "could not be saved (the error has been logged)"))
    return report


def text_cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


Importer = Callable[..., SheetReport]  # (session, *, project, content, filename, actor)


def shared_files_reply(ctx: Any, project: Any, importer: Importer, *, noun: str) -> Any:
    """Import each csv/xlsx shared with the message (what the transport downloaded) and say,
    per file, what went in and each bad row with its reason."""
    from bot.core.messages import Reply
    from bot.core.text import escape

    files = [f for f in ctx.files if "content" in f or "error" in f]
    if not files:
        return Reply(
            text=f"Share a .csv or .xlsx with this command, or run `livepmo {noun} import FILE "
            "--project KEY`.",
            ephemeral=True,
        )
    lines = []
    for item in files:
        name = str(item.get("name") or "the file")
        if "content" not in item:
            lines.append(f":warning: {escape(str(item['error']))}")
            continue
        try:
            report = importer(
                ctx.session, project=project, content=item["content"], filename=name, actor=ctx.user
            )
        except ImportFileError as exc:
            lines.append(f":warning: {escape(str(exc))}")
            continue
        lines.append(f"*{escape(name)}* into `{project.key}`: {report.summary(noun)}.")
        lines += [f"• row {row}: {escape(reason)}" for row, reason in report.errors[:20]]
        if len(report.errors) > 20:
            lines.append(f"_…and {len(report.errors) - 20} more rows with errors._")
    return Reply(text="\n".join(lines))


def import_command(file: Path, project: str, importer: Importer, *, noun: str) -> None:
    """`livepmo cost|milestone import FILE --project KEY`: exit 0 when a row went in (or there
    were none), 1 when every row failed, 2 when the file or project can't be used."""
    import typer

    from bot.core.db import session_scope
    from bot.core.projects import require_project
    from bot.runtime import fail, start

    try:
        content = file.read_bytes()
    except OSError as exc:
        fail(f"Cannot read {file}: {exc.strerror or exc}.")
    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            target = require_project(session, project)
            report = importer(
                session, project=target, content=content, filename=file.name, actor="cli"
            )
    except UserError as exc:
        fail(unformat(exc))
    except ImportFileError as exc:
        fail(str(exc))
    print(f"Imported {file.name} into {target.key}: {report.summary(noun)}.")
    for row, reason in report.errors:
        print(f"row {row}: {reason}")
    if report.rows and not report.saved:
        raise typer.Exit(1)
