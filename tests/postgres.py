"""A real PostgreSQL server for the whole test session, shared by every test directory.

The server runs in a temporary directory with fsync off and trust auth on 127.0.0.1. Tests
that want the newest schema get a copy of one template database migrated once per session:
CREATE DATABASE ... TEMPLATE copies files, far cheaper than running every migration again.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import asyncpg
import pytest

from storage import create_engine, migrate

DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"  # Debian's layout, newest version first
TEMPLATE = "backcoach_template"
_database_numbers = itertools.count()


@dataclass
class PostgresServer:
    """A throwaway server on 127.0.0.1 with trust auth."""

    port: int
    startup_seconds: float
    _template_ready: bool = field(default=False, repr=False)

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for one database of this server."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    async def _admin(self, statement: str) -> None:
        """Run one statement on the maintenance database (CREATE/DROP DATABASE can't run in
        a transaction, nor in the database they name)."""
        connection = await asyncpg.connect(
            host="127.0.0.1", port=self.port, user="postgres", database="postgres"
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def create_database(self) -> str:
        """Create an empty database and return its name."""
        name = f"test_{os.getpid()}_{next(_database_numbers)}"
        await self._admin(f'CREATE DATABASE "{name}"')
        return name

    async def migrated_database(self) -> str:
        """A new database at the newest schema, copied from the session's template."""
        if not self._template_ready:
            await self._admin(f'CREATE DATABASE "{TEMPLATE}"')
            engine = create_engine(self.url(TEMPLATE))
            try:
                await migrate(engine)
            finally:
                await engine.dispose()  # a template with a connection open can't be copied
            self._template_ready = True
        name = f"test_{os.getpid()}_{next(_database_numbers)}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return name

    async def drop_database(self, name: str) -> None:
        """Drop a test's database, closing whatever a killed bot process left connected."""
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl live: `pg_config --bindir`, else Debian's layout."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and (Path(found) / "initdb").exists():
            return Path(found)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent

    def version(bindir: str) -> int:
        name = Path(bindir).parent.name
        return int(name) if name.isdigit() else 0

    found_dirs = sorted(glob.glob(DEBIAN_BINDIRS), key=version)
    return next((Path(d) for d in reversed(found_dirs) if (Path(d) / "initdb").exists()), None)


def _missing(reason: str) -> NoReturn:
    """Skip locally, but fail in CI, which must prove PostgreSQL works."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def _free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start PostgreSQL in a temporary directory and remove it at the end of the session."""
    bindir = _postgres_bindir()
    if bindir is None:
        _missing(f"no initdb (pg_config --bindir, PATH or {DEBIAN_BINDIRS})")
    # initdb refuses to run as root: run the server as the postgres user instead.
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _missing("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
    # Not tmp_path: pytest's base directory is private to root, the server user can't enter it.
    root = tempfile.mkdtemp(prefix="backcoach-pg-")
    if as_user:
        shutil.chown(root, user="postgres")
    data, port = f"{root}/data", _free_port()
    pg_ctl = [*as_user, str(bindir / "pg_ctl"), "-D", data]
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"
    started = time.perf_counter()
    try:
        initdb = [*as_user, str(bindir / "initdb"), "-D", data, "-U", "postgres", "-A", "trust"]
        subprocess.run([*initdb, "--no-sync", "--no-locale", "-E", "UTF8"], check=True)
        start = [*pg_ctl, "-l", f"{root}/server.log", "-w", "-o", f"{options} -c fsync=off"]
        subprocess.run([*start, "start"], check=True)
        yield PostgresServer(port=port, startup_seconds=time.perf_counter() - started)
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
