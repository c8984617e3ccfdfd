"""Clients that open connections to the webhook and stall (half their headers, or the headers
and half a body, and then nothing) cannot take a worker's file descriptors: bot.py runs with
a low descriptor limit, more stalled connections than it has descriptors are opened, and a
real update and /healthz are still answered at once, with a log of a few lines.

Before the guard (conversations/web_guard.py), 1,100 such connections against the usual
limit of 1,024 left a real update and /healthz unanswered and wrote 406,749 tracebacks
(184 MB) in 35 s."""

from __future__ import annotations

import asyncio
import secrets
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from conversations.web import SECRET_HEADER
from conversations.web_guard import Limits
from emulator import BotApiEmulator
from tests.e2e.process import fresh_token
from tests.web.test_bot_process import _answering, free_port

pytestmark = pytest.mark.e2e

HOOK = "https://coach.example.org/telegram/hook"
OPEN_FILES = 256  # the worker's limit: a quarter of systemd's default
STALLED = 2 * OPEN_FILES  # well past it
USER = 8801


def _stall(port: int, secret: str, count: int) -> list[socket.socket]:
    """Open ``count`` connections that each send part of a request and stop: half of them
    stop inside the headers, half after the headers (with the secret) inside the body."""
    held = []
    for i in range(count):
        conn = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            conn.sendall(b"POST /telegram/hook HTTP/1.1\r\nHost: coach\r\nX-Telegr")
        else:
            conn.sendall(
                b"POST /telegram/hook HTTP/1.1\r\nHost: coach\r\nContent-Type: application/json\r\n"
                + f"{SECRET_HEADER}: {secret}\r\nContent-Length: 400\r\n\r\n".encode()
                + b'{"update_id": 1, "mess'
            )
        held.append(conn)
    return held


async def test_stalled_connections_past_the_descriptor_limit_leave_updates_and_health_served(
    tmp_path: Path, bot_process: Any
) -> None:
    log, port, secret = tmp_path / "bot.log", free_port(), secrets.token_urlsafe(32)
    env = {
        "WEBHOOK_URL": HOOK,
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(
            emu.base_url, emu.token, tmp_path / "db.sqlite3", log, open_files=OPEN_FILES, **env
        )
        await bot.start()
        await emu.wait_until(lambda: emu.webhook, 60, lambda: "the webhook was never set")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            assert (await _answering(http, "/healthz")).status_code == 200
            started = time.monotonic()
            held = await asyncio.to_thread(_stall, port, secret, STALLED)
            try:
                health = await http.get("/healthz")
                update = emu.send_text(USER, "/help")
                posted = await http.post(
                    HOOK[len("https://coach.example.org") :],
                    json=update,
                    headers={SECRET_HEADER: secret},
                )
                # Answered while the stalled connections still wait (after request_within
                # they would have been closed anyway, proving nothing).
                elapsed = time.monotonic() - started
                assert elapsed < Limits().request_within, f"answered only after {elapsed:.1f} s"
                assert health.status_code == 200, health.text
                assert posted.status_code == 200, posted.text
                await emu.wait_for(USER, lambda m: "this list" in (m.text or ""), 15)
                # The oldest stalled connections made room: the server closed them.
                closed = await asyncio.to_thread(_closed_by_server, held[:10])
                assert closed == 10
            finally:
                for conn in held:
                    conn.close()
        assert await bot.stop() == 0
    text = log.read_text(errors="replace")
    assert "Too many open files" not in text
    assert "Traceback" not in text
    guard_lines = [line for line in text.splitlines() if "web_guard" in line]
    assert 1 <= len(guard_lines) <= 2, guard_lines  # the repeats were left out
    assert len(text.encode()) < 32 * 1024


def _closed_by_server(conns: list[socket.socket]) -> int:
    """How many of ``conns`` the server has closed (a read gets end-of-file, or a reset)."""
    closed = 0
    for conn in conns:
        conn.settimeout(5)
        try:
            closed += conn.recv(1) == b""
        except ConnectionResetError:
            closed += 1
        except TimeoutError:
            pass
    return closed
