"""Engine factory and Alembic migrations, run programmatically at start-up.

By hand, from the repository root (DATABASE_URL defaults to the app's SQLite file)::

    DATABASE_URL=sqlite+aiosqlite:///data/backcoach.sqlite3 \\
        .venv/bin/alembic -c storage/alembic.ini upgrade head
    .venv/bin/alembic -c storage/alembic.ini downgrade base
    .venv/bin/alembic -c storage/alembic.ini revision --autogenerate -m "what changed"
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.checkpoints import BACKSTOP_PAGES
from storage.sqlite_trips import one_trip

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL: Final = "sqlite+aiosqlite:///data/backcoach.sqlite3"
ALEMBIC_INI: Final = Path(__file__).with_name("alembic.ini")
# The newest migration's revision. A database already there is opened without importing
# Alembic, which would stay in the bot's memory for good (about 10 MB) to find nothing to
# do. tests/storage/test_migrations.py fails until a new migration's revision is written here.
SCHEMA_HEAD: Final = "0012"

# WAL lets readers run beside the one writer; busy_timeout makes writers queue, not fail,
# even behind a burst of presses or another writer holding the lock for half a minute.
# The driver's default (BEGIN only at the first write) matters too: a unit never upgrades a
# read snapshot to a write lock, which SQLite would refuse at once instead of waiting.
# The log is copied into the file beside the writers (storage/checkpoints.py); a commit
# does it itself only past a backstop.
SQLITE_PRAGMAS: Final = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=60000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}",
)


def normalize_url(url: str) -> str:
    """Pick the async driver for a URL that names none (postgresql://, sqlite://)."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


SQLITE_POOL = 32  # connections a SQLite file keeps open (as many again opened when needed)


def create_engine(url: str = DEFAULT_URL) -> AsyncEngine:
    """Create the async engine; for SQLite, make the file's directory and set the pragmas.

    Errors never show a statement's parameters: they are people's chat ids, pain ratings and
    screening answers, and error texts end up in logs."""
    options: dict[str, Any] = {}
    if sqlite_file(url) is not None:
        # Up to 64 handlers run at once: idle connections are kept for them rather than
        # opened (a thread each) and closed again for every unit beyond the fifth.
        options = {"pool_size": SQLITE_POOL, "max_overflow": SQLITE_POOL}
    engine = create_async_engine(
        normalize_url(url), hide_parameters=True, pool_use_lifo=True, **options
    )
    if engine.dialect.name == "sqlite":
        database = sqlite_file(url)
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine.sync_engine, "connect", _one_trip_per_statement)
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        event.listen(engine.sync_engine, "handle_error", _read_only_is_a_disconnect)
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases, memory and ``file:`` URIs)."""
    parsed = make_url(normalize_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database:
        return None
    if database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _read_only_is_a_disconnect(context: ExceptionContext) -> None:
    """A SQLite connection opened while the file was not writable stays read-only after the
    file is writable again; treat its refusal like a lost connection, so the pool replaces
    its connections instead of handing the read-only one out again and again."""
    if "readonly database" in str(context.original_exception):
        context.is_disconnect = True


def _one_trip_per_statement(dbapi_connection: Any, _record: Any) -> None:
    """Each statement in one hand-off to the connection's thread (storage/sqlite_trips.py)."""
    one_trip(dbapi_connection)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Apply SQLITE_PRAGMAS to every new connection."""
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def alembic_config() -> Config:
    """The Alembic configuration of storage/alembic.ini."""
    from alembic.config import Config

    return Config(str(ALEMBIC_INI))


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The database's migration revision; None before the first migration."""
    async with engine.connect() as connection:
        try:
            found = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no such table yet; any other failure shows again, in full,
            return None  # when the migration runs
    return None if found is None else str(found)


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the database to the newest schema; one already there is left as it is."""
    if await schema_revision(engine) != SCHEMA_HEAD:
        await migrate(engine)


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (the newest by default)."""
    from alembic import command

    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Downgrade the database to ``revision`` (an empty database by default)."""
    from alembic import command

    await _run(engine, lambda config: command.downgrade(config, revision))


# Several workers starting at once on one PostgreSQL migrate one after the other.
MIGRATION_LOCK: Final = (0x4243, 2)  # "BC", migrations (1 is the reminder sender's)


async def _run(engine: AsyncEngine, action: Callable[[Config], None]) -> None:
    """Run an Alembic command on one connection of ``engine``; env.py commits. On
    PostgreSQL the connection holds an advisory lock meanwhile, so a second process
    starting at the same moment waits, then finds the schema up to date."""
    async with engine.connect() as connection:
        locked = engine.dialect.name == "postgresql"
        if locked:
            await connection.execute(select(func.pg_advisory_lock(*MIGRATION_LOCK)))
            await connection.commit()
        try:
            await connection.run_sync(_with_connection, action)
        finally:
            if locked:
                await connection.execute(select(func.pg_advisory_unlock(*MIGRATION_LOCK)))
                await connection.commit()


def _with_connection(connection: Connection, action: Callable[[Config], None]) -> None:
    """Hand the connection to env.py through the config's attributes."""
    config = alembic_config()
    config.attributes["connection"] = connection
    action(config)
