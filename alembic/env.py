"""Alembic environment: migrates `SQLModel.metadata`, the tables of every skill."""

from alembic import context
from sqlmodel import SQLModel

import bot.core.tables  # noqa: F401  (imports every table module)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from bot.core.db import get_engine
        from bot.core.settings import load_settings

        with get_engine(load_settings().database_url).begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
