"""``python -m emulator`` serves until interrupted."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_module_serves_until_ctrl_c() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emulator",
        "--port",
        str(port),
        "--token",
        "42:standalone",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = await asyncio.wait_for(process.stdout.readline(), 10)
        assert f"http://127.0.0.1:{port}/bot" in banner.decode()
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/bot42:standalone/getMe")
        assert response.json()["result"]["id"] == 42
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
