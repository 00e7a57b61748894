"""Start-up shared by every CLI command: settings, logging, database."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.core.db import migrate
from bot.core.settings import ConfigError, Settings, load_settings


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line for the operator, then exit."""
    print(message, file=sys.stderr)
    raise SystemExit(code)


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("bot").setLevel(logging.INFO if verbose else logging.WARNING)


def start(*, migrate_db: bool = True, **overrides: object) -> Settings:
    """Load settings and bring the database up to date, or exit with one line."""
    try:
        settings = load_settings(**overrides)
    except ConfigError as exc:
        fail(str(exc))
    if migrate_db:
        try:
            migrate(settings.database_url)
        except OperationalError as exc:
            where = make_url(settings.database_url).render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            fail(f"DATABASE_URL: cannot open the database at {where}: {reason}")
        except SQLAlchemyError as exc:
            fail(f"DATABASE_URL: the database could not be migrated: {exc}")
    return settings


def write_output(content: bytes, *, what: str, fmt: str, output: str | None) -> None:
    """Write an export to `output` (None or '-' is stdout), saying what was written where."""
    if output in (None, "-"):
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        print(f"Wrote {what} to stdout as {fmt}.", file=sys.stderr)
        return
    try:
        Path(output).write_bytes(content)
    except OSError as exc:
        fail(f"Cannot write {output}: {exc.strerror or exc}.")
    print(f"Wrote {what} to {output}.")
