"""Running bot.py as a real process against the emulator, for restart and logging tests."""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """``python bot.py`` pointed at an emulator and a database (a SQLite file's path, or any
    database's URL); stderr goes to a file."""

    def __init__(
        self,
        base_url: str,
        token: str,
        database: Path | str,
        log: Path,
        level: str = "INFO",
        *,
        open_files: int | None = None,
        **extra: str,
    ) -> None:
        self.env = {
            **os.environ,
            **extra,
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_BASE_URL": base_url,
            "DATABASE_URL": (
                f"sqlite+aiosqlite:///{database}" if isinstance(database, Path) else database
            ),
            "LOG_LEVEL": level,
            "POLL_TIMEOUT": "1",
            "DISPATCH_EVERY": extra.get("DISPATCH_EVERY", "1"),
        }
        self.log = log
        self.open_files = open_files  # the process's descriptor limit, if not inherited
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "bot.py"),
                cwd=ROOT,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                preexec_fn=self._limit if self.open_files is not None else None,
            )

    def _limit(self) -> None:
        """In the child, before bot.py: its own descriptor limit (soft and hard)."""
        assert self.open_files is not None
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))

    async def __aenter__(self) -> BotProcess:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Never leave a bot behind: a stray one would poll a later test's emulator."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def kill(self) -> None:
        """SIGKILL: no clean shutdown, no flush, like a power cut."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int:
        """SIGTERM and wait for a clean exit."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode or 0


def fresh_token() -> str:
    """A token of this test's own: a bot process from any other test is refused (401)."""
    return f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(24)}"
