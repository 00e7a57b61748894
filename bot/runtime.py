"""Start-up shared by every CLI command: settings, logging, database, garbage collection.

Settings and the database are imported when a command starts, not with this module:
`livepmo --help` needs neither (see `tests/core/test_cli.py`)."""

from __future__ import annotations

import gc
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


def pause_gc() -> None:
    """Pause the cyclic garbage collector while the process starts.

    Start-up creates some 10^5 objects that live until exit (modules, classes, tables), and
    the collector would scan them again and again for nothing: a tenth or more of a cold
    `ask` or `chat`. Reference counting still frees everything else. `resume_gc` ends it.
    """
    gc.disable()


def resume_gc() -> None:
    """Resume the collector paused by `pause_gc`, leaving what lives now out of its scans
    (`gc.freeze`); nothing to do when it runs (tests, an embedding program)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def start(
    *, migrate_db: bool = True, keep_gc_paused: bool = False, **overrides: object
) -> Settings:
    """Load settings and bring the database up to date, or exit with one line.

    Then the garbage collector resumes (`resume_gc`), unless `keep_gc_paused`: a command
    whose first request loads more (`ask`, `chat`) resumes it after that request.
    """
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
    if not keep_gc_paused:
        resume_gc()
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
