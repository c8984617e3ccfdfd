"""Alembic environment: a connection handed over by storage.db, or DATABASE_URL by hand."""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from storage.db import DEFAULT_URL, create_engine, normalize_url
from storage.models import Base
from storage.types import UTCDateTime

config = context.config


def database_url() -> str:
    """DATABASE_URL, else sqlalchemy.url from the config, else the app's default."""
    return os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url", DEFAULT_URL)


def render_item(kind: str, item: object, _context: AutogenContext) -> str | Literal[False]:
    """Render app column types as plain SQLAlchemy ones, so migrations never import the app."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection: Connection) -> None:
    """Run the migrations on one connection and commit them."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode copies and drops tables; with foreign keys on, a drop would cascade.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


async def run_by_hand() -> None:
    """Open an engine on database_url() and migrate through it."""
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_offline() -> None:
    """Print the SQL instead of running it (alembic ... --sql)."""
    url = normalize_url(database_url())
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_item=render_item,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


handed_over = config.attributes.get("connection")
if handed_over is not None:
    run_migrations(handed_over)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        run_offline()
    else:
        asyncio.run(run_by_hand())
