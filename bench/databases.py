"""Fresh databases for each run: SQLite files, or databases on a throwaway PostgreSQL server
started the way the storage tests start theirs (as the postgres user when run as root)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import asyncpg

_numbers = itertools.count(1)


class SQLite:
    """A new SQLite file per database, in one temporary folder."""

    name = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.version = __import__("sqlite3").sqlite_version

    async def new(self) -> str:
        return f"sqlite+aiosqlite:///{self.folder / f'bench{next(_numbers)}.sqlite3'}"

    def stop(self) -> None:
        """Nothing runs."""


class NoDatabase:
    """Where the scenarios that read and write no database run: once per benchmark run."""

    name = "No database (in process)"

    def stop(self) -> None:
        """Nothing runs."""


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name))
    return next((Path(d) for d in reversed(dirs) if (Path(d) / "initdb").exists()), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgreSQL:
    """A PostgreSQL server in a temporary folder (fsync off, like the tests), a new
    database per run."""

    name = "PostgreSQL"

    def __init__(self) -> None:
        bindir = _bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL server binaries (run scripts/ensure-postgres)")
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.root = tempfile.mkdtemp(prefix="backcoach-bench-pg-")
        if as_user:
            shutil.chown(self.root, user="postgres")
        self.port = _free_port()
        data = f"{self.root}/data"
        self.pg_ctl = [*as_user, str(bindir / "pg_ctl"), "-D", data]
        initdb = [*as_user, str(bindir / "initdb"), "-D", data, "-U", "postgres", "-A", "trust"]
        subprocess.run(
            [*initdb, "--no-sync", "--no-locale", "-E", "UTF8"], check=True, capture_output=True
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root}"
            " -c fsync=off -c max_connections=200"
        )
        subprocess.run(
            [*self.pg_ctl, "-l", f"{self.root}/server.log", "-w", "-o", options, "start"],
            check=True,
            capture_output=True,
        )
        self.version = bindir.parent.name
        time.sleep(0.2)

    async def new(self) -> str:
        name = f"bench_{next(_numbers)}"
        connection = await asyncpg.connect(
            host="127.0.0.1", port=self.port, user="postgres", database="postgres"
        )
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.pg_ctl, "-m", "fast", "-w", "stop"], check=False, capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
