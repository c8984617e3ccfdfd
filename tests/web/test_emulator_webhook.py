"""The emulator's setWebhook / getWebhookInfo / deleteWebhook, as strict as Telegram: an
HTTPS URL on one of Telegram's ports, a secret of Telegram's characters; while a webhook
is set, getUpdates is refused with 409."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from emulator import BotApiEmulator


@pytest.fixture
async def api() -> AsyncIterator[tuple[BotApiEmulator, Any]]:
    async with BotApiEmulator() as emu, httpx.AsyncClient() as client:

        async def call(method: str, **params: Any) -> tuple[int, dict[str, Any]]:
            response = await client.post(f"{emu.base_url}{emu.token}/{method}", json=params)
            return response.status_code, response.json()

        yield emu, call


async def test_a_webhook_is_set_shown_and_deleted(api: tuple[BotApiEmulator, Any]) -> None:
    emu, call = api
    url = "https://coach.example.org/hook"
    status, body = await call(
        "setWebhook", url=url, secret_token="s3cret_-", allowed_updates=["message"]
    )
    assert (status, body["result"]) == (200, True)
    _, info = await call("getWebhookInfo")
    assert info["result"]["url"] == url
    assert info["result"]["allowed_updates"] == ["message"]
    assert "secret_token" not in info["result"]
    assert emu.webhook is not None and emu.webhook.secret_token == "s3cret_-"
    status, body = await call("getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    assert (await call("deleteWebhook"))[0] == 200
    assert (await call("getWebhookInfo"))[1]["result"]["url"] == ""
    assert (await call("getUpdates", timeout=0))[0] == 200


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"url": "http://coach.example.org/hook"}, "HTTPS URL must be provided"),
        ({"url": "https://coach.example.org:8080/hook"}, "ports 80, 88, 443 or 8443"),
        ({"url": "https://coach.example.org/h", "secret_token": "has space"}, "secret token"),
        ({"url": "https://coach.example.org/h", "secret_token": "x" * 257}, "secret token"),
        ({"url": "https://coach.example.org/h", "secret_token": "é"}, "secret token"),
    ],
)
async def test_setwebhook_refuses_what_telegram_refuses(
    api: tuple[BotApiEmulator, Any], params: dict[str, Any], error: str
) -> None:
    emu, call = api
    status, body = await call("setWebhook", **params)
    assert status == 400
    assert error in body["description"]
    assert emu.webhook is None


async def test_an_empty_url_removes_the_webhook(api: tuple[BotApiEmulator, Any]) -> None:
    emu, call = api
    await call("setWebhook", url="https://coach.example.org:8443/hook", secret_token="a" * 256)
    assert emu.webhook is not None
    assert (await call("setWebhook", url=""))[0] == 200
    assert emu.webhook is None
