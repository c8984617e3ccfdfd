"""bot.py as a process in each mode: webhook mode sets the webhook with its secret and
serves it with /healthz and /metrics, logging JSON lines without the token, the secret or
what people wrote; a missing or weak secret stops it at start with its own exit status;
polling deletes a webhook left set and can serve /healthz and /metrics on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import EXIT_LISTEN, EXIT_SETTINGS
from cli import healthcheck
from conversations.web import ALLOWED_UPDATES, SECRET_HEADER
from emulator import BotApiEmulator
from tests.e2e.conftest import Bot, Person
from tests.e2e.process import fresh_token
from tests.e2e.test_restart import _wait_ready
from tests.test_deploy_files import example_setting

pytestmark = pytest.mark.e2e

HOOK = "https://coach.example.org:8443/telegram/hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _exit_status(bot: Any, within: float = 60) -> int:
    assert bot.proc is not None
    return await asyncio.wait_for(bot.proc.wait(), within)


async def _answering(http: httpx.AsyncClient, path: str) -> httpx.Response:
    """GET ``path`` once the server is up (the process takes a moment to start)."""
    for _ in range(600):
        try:
            return await http.get(path)
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing ever answered {path}")


async def test_webhook_mode_end_to_end_with_json_logs(tmp_path: Path, bot_process: Any) -> None:
    log, port, secret = tmp_path / "bot.log", free_port(), secrets.token_urlsafe(32)
    env = {
        "WEBHOOK_URL": HOOK,
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "LOG_FORMAT": "json",
    }
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log, **env)
        await bot.start()
        await emu.wait_until(lambda: emu.webhook, 60, lambda: "the webhook was never set")
        assert emu.webhook is not None
        assert (emu.webhook.url, emu.webhook.secret_token) == (HOOK, secret)
        assert emu.webhook.allowed_updates == ALLOWED_UPDATES
        assert not emu.calls_of("getUpdates")  # no polling beside the webhook
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15) as http:
            assert (await _answering(http, "/healthz")).status_code == 200
            # The image's HEALTHCHECK (back-coach healthcheck) finds it from the settings.
            assert await asyncio.to_thread(healthcheck, env) == 0

            async def post(update: dict[str, Any], key: str = secret) -> int:
                headers = {SECRET_HEADER: key}
                response = await http.post("/telegram/hook", json=update, headers=headers)
                return response.status_code

            person = Person(Bot(emu, None, None, None), 8301)  # type: ignore[arg-type]
            assert await post(emu.send_text(8301, "/start"), key="not-the-secret") == 403
            assert await post(emu.send_text(8301, "/start")) == 200
            await person.expect("Do you agree")
            before = len(emu.sent(8301))
            assert await post(emu.send_text(8301, "zanzibarquux")) == 200  # typed text
            await emu.wait_for(8301, None, 15, after=before)
            metrics = (await http.get("/metrics")).text
        assert 'backcoach_updates_total{kind="command",outcome="ok"} 1.0' in metrics
        assert await bot.stop() == 0
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # all JSON
    handled = [line for line in lines if line.get("event") == "update"]
    assert [(h["kind"], h["outcome"]) for h in handled] == [("command", "ok"), ("text", "ok")]
    assert all(isinstance(h["update_id"], int) and h["duration_ms"] >= 0 for h in handled)
    assert any("without the right secret" in line["message"] for line in lines)
    for hidden in (emu.token, emu.token.split(":")[1], secret, "zanzibarquux"):
        assert hidden not in text


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        (None, "not set"),
        ("short-secret", "too weak"),
        ("a" * 40, "too weak"),
        ("é" * 40, "only"),
        (example_setting("WEBHOOK_SECRET"), "placeholder"),
    ],
    ids=["missing", "short", "one-letter", "not-telegram-characters", "copied-from-env.example"],
)
async def test_webhook_mode_without_a_good_secret_never_starts(
    tmp_path: Path, bot_process: Any, secret: str | None, why: str
) -> None:
    log = tmp_path / "bot.log"
    env = {"WEBHOOK_URL": HOOK, "WEBHOOK_PORT": str(free_port())}
    if secret is not None:
        env["WEBHOOK_SECRET"] = secret
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", log, **env)
        await bot.start()
        assert await _exit_status(bot) == EXIT_SETTINGS
        assert emu.calls == []  # it never talked to Telegram
    text = log.read_text()
    assert "WEBHOOK_SECRET" in text and why in text
    assert "Traceback" not in text
    assert not (tmp_path / "db.sqlite3").exists()
    if secret is not None:
        assert secret not in text


async def test_a_webhook_url_telegram_refuses_never_starts(
    tmp_path: Path, bot_process: Any
) -> None:
    env = {
        "WEBHOOK_URL": "http://coach.example.org/hook",
        "WEBHOOK_SECRET": "x" * 8 + "abcdefgh" * 4,
    }
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(emu.base_url, emu.token, tmp_path / "db.sqlite3", tmp_path / "log", **env)
        await bot.start()
        assert await _exit_status(bot) == EXIT_SETTINGS
    assert "https" in (tmp_path / "log").read_text()


async def test_a_bad_log_format_is_a_settings_error(tmp_path: Path, bot_process: Any) -> None:
    async with BotApiEmulator(fresh_token()) as emu:
        bot = bot_process(
            emu.base_url, emu.token, tmp_path / "db.sqlite3", tmp_path / "log", LOG_FORMAT="xml"
        )
        await bot.start()
        assert await _exit_status(bot) == EXIT_SETTINGS
    assert "LOG_FORMAT" in (tmp_path / "log").read_text()


async def test_polling_deletes_a_webhook_left_set_and_serves_health_locally(
    tmp_path: Path, bot_process: Any
) -> None:
    port = free_port()
    async with BotApiEmulator(fresh_token()) as emu:
        async with httpx.AsyncClient() as client:  # a webhook mode run left it set
            answer = await client.post(f"{emu.base_url}{emu.token}/setWebhook", json={"url": HOOK})
            assert answer.json()["ok"] is True
        assert emu.webhook is not None
        bot = bot_process(
            emu.base_url,
            emu.token,
            tmp_path / "db.sqlite3",
            tmp_path / "log",
            METRICS_PORT=str(port),
        )
        await bot.start()
        await _wait_ready(emu)
        assert emu.webhook is None
        # Polling asks for the kinds the handlers take, as the webhook does: no others.
        asked = emu.calls_of("getUpdates")[-1].params["allowed_updates"]
        assert tuple(json.loads(asked) if isinstance(asked, str) else asked) == ALLOWED_UPDATES
        person = Person(Bot(emu, None, None, None), 8302)  # type: ignore[arg-type]
        await person.say("/start")
        await person.expect("Do you agree")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15) as http:
            health = await _answering(http, "/healthz")
            assert health.status_code == 200, (health.json(), (tmp_path / "log").read_text())
            assert health.json()["database"] == "ok"
            assert health.json()["dispatch_every_seconds"] == 1
            metrics = (await http.get("/metrics")).text
            assert 'backcoach_updates_total{kind="command",outcome="ok"} 1.0' in metrics
            assert (await http.post("/telegram/hook", json={})).status_code in (404, 405)
        assert await bot.stop() == 0


async def test_a_port_in_use_stops_the_bot_before_it_talks_to_telegram(
    tmp_path: Path, bot_process: Any
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with BotApiEmulator(fresh_token()) as emu:
            bot = bot_process(
                emu.base_url,
                emu.token,
                tmp_path / "db.sqlite3",
                tmp_path / "log",
                METRICS_PORT=str(port),
            )
            await bot.start()
            assert await _exit_status(bot) == EXIT_LISTEN
            assert not emu.calls_of("getMe")
    text = (tmp_path / "log").read_text()
    assert f"cannot listen on 127.0.0.1:{port}" in text and "METRICS_PORT" in text
    assert "Traceback" not in text
