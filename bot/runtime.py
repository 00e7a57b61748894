"""Start-up shared by every CLI command: settings, logging, database.

Settings and the database are imported when a command starts, not with this module:
`livepmo --help` needs neither (see `tests/core/test_cli.py`)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from bot.core.settings import Settings

log = logging.getLogger(__name__)


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
    from bot.core.settings import ConfigError, load_settings

    try:
        settings = load_settings(**overrides)
    except ConfigError as exc:
        fail(str(exc))
    if migrate_db:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import OperationalError, SQLAlchemyError

        from bot.core.db import migrate

        try:
            migrate(settings.database_url)
        except OperationalError as exc:
            where = make_url(settings.database_url).render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            fail(f"DATABASE_URL: cannot open the database at {where}: {reason}")
        except SQLAlchemyError as exc:
            fail(f"DATABASE_URL: the database could not be migrated: {exc}")
    return settings


def fetch_model_if_wanted(settings: Settings) -> Settings:
    """With ``LIVEPMO_FETCH_MODEL`` on and the local model missing, fetch it once.

    The model goes into ``LIVEPMO_EMBEDDING_MODEL_DIR`` if set, else the model cache
    folder. Returns the settings pointing at the model, also set in the environment for
    what reads settings itself (the intent classifier); or, with one logged line if the
    fetch fails, unchanged (keywords only).
    """
    if not settings.livepmo_fetch_model or settings.livepmo_embeddings != "local":
        return settings
    from bot.core.settings import cached_settings
    from knowledge.model_fetch import ModelFetchError, default_model_dir, fetch_model, has_model

    folder = settings.livepmo_embedding_model_dir or default_model_dir(
        settings.livepmo_model_cache_dir
    )
    if not has_model(folder):
        try:
            fetch_model(folder)
        except ModelFetchError as exc:
            log.warning("embedding model: %s; answers use keywords only", exc)
            return settings
        log.warning("embedding model: fetched all-MiniLM-L6-v2 into %s", folder)
    os.environ["LIVEPMO_EMBEDDING_MODEL_DIR"] = str(folder)
    cached_settings.cache_clear()
    return settings.model_copy(update={"livepmo_embedding_model_dir": folder})


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
