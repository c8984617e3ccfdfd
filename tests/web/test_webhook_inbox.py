"""The webhook answers once an update is taken in and handles it after: an update answered
200 is handled even when its worker is killed before handling it, once; one the database
could not take in is refused (503) and handled when Telegram posts it again; a chat's
updates posted at once are handled in the order they were taken in."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from conversations.web import SECRET_HEADER
from emulator import BotApiEmulator
from tests.e2e.process import fresh_token
from tests.web.conftest import Served, eventually
from tests.web.test_bot_process import free_port

pytestmark = pytest.mark.e2e

HOOK = "https://coach.example.org:8443/telegram/hook"
USER = 8401
HELP = "this list"
PRIVACY = "I store only what coaching needs"


def _inbox(database: Path) -> list[tuple[int, int, str | None]]:
    with closing(sqlite3.connect(database)) as db:
        query = "SELECT update_id, done, payload FROM handled_updates ORDER BY update_id"
        return [tuple(row) for row in db.execute(query)]


def _rename(database: Path, table: str, to: str) -> None:
    with closing(sqlite3.connect(database)) as db:
        db.execute(f'ALTER TABLE "{table}" RENAME TO "{to}"')
        db.commit()


def _count(emu: BotApiEmulator, chat: int, words: str) -> int:
    return sum(1 for m in emu.sent(chat) if words in (m.text or ""))


async def test_an_update_answered_before_its_worker_was_killed_is_handled_once(
    tmp_path: Path, bot_process: Any
) -> None:
    port, secret = free_port(), secrets.token_urlsafe(32)
    env = {
        "WEBHOOK_URL": HOOK,
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }
    database = tmp_path / "db.sqlite3"
    async with (
        BotApiEmulator(fresh_token()) as emu,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15) as http,
    ):

        async def post(update: dict[str, Any]) -> int:
            for _ in range(600):  # the process takes a moment to listen
                try:
                    response = await http.post(
                        "/telegram/hook", json=update, headers={SECRET_HEADER: secret}
                    )
                    return response.status_code
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            raise AssertionError("the webhook never answered")

        first = bot_process(emu.base_url, emu.token, database, tmp_path / "first.log", **env)
        await first.start()
        await emu.wait_until(lambda: emu.webhook, 60, lambda: "the webhook was never set")
        # /help's reply hangs (Telegram slow to answer): its handling holds the person's turn.
        emu.fail("sendMessage", "delay", times=1, delay=30)
        assert await post(emu.send_text(USER, "/help")) == 200
        await emu.wait_until(lambda: emu.sent(USER) or None, 15)
        # /privacy is answered at once, taken in, and waits its turn behind /help.
        privacy = emu.send_text(USER, "/privacy")
        assert await post(privacy) == 200
        assert _count(emu, USER, PRIVACY) == 0
        await first.kill()  # before /privacy was handled
        held = {u: (done, body) for u, done, body in _inbox(database)}
        assert held[privacy["update_id"]][0] == 0 and held[privacy["update_id"]][1] is not None

        second = bot_process(emu.base_url, emu.token, database, tmp_path / "second.log", **env)
        await second.start()
        # What the killed process held is taken over at start: /privacy is answered. /help,
        # killed while its reply was under way, is handled again (its reply was uncertain).
        await emu.wait_for(USER, lambda m: PRIVACY in (m.text or ""), 60)
        await eventually(lambda: all(done for _, done, _ in _inbox(database)), "all finished")
        assert all(body is None for _, _, body in _inbox(database))  # content gone once handled
        assert _count(emu, USER, PRIVACY) == 1
        assert 1 <= _count(emu, USER, HELP) <= 2
        # Telegram's copy of /privacy (its answer lost) is dropped: handled once.
        assert await post(privacy) == 200
        await asyncio.sleep(0.5)
        assert _count(emu, USER, PRIVACY) == 1
        assert await second.stop() == 0


async def test_an_update_the_database_could_not_take_in_is_refused_then_handled_once(
    served: Served,
) -> None:
    update = served.emu.send_text(USER, "/help")
    _rename(served.database, "handled_updates", "elsewhere")  # every take-in fails
    try:
        response = await served.post(update)
        assert response.status_code == 503  # Telegram posts it again later
    finally:
        _rename(served.database, "elsewhere", "handled_updates")
    await asyncio.sleep(0.3)
    assert served.emu.sent(USER) == []  # not handled: it was never taken in
    assert served.inbox() == []

    assert (await served.post(update)).status_code == 200

    await served.emu.wait_for(USER, lambda m: HELP in (m.text or ""), 15)
    await eventually(lambda: served.inbox() == [(update["update_id"], 1, None)], "finished")
    assert len(served.emu.sent(USER)) == 1


async def test_a_chats_updates_posted_at_once_are_handled_in_turn(served: Served) -> None:
    """Telegram may post a chat's updates over several connections at once: each is
    answered once taken in, and they are handled one at a time, in the order taken in."""
    served.emu.fail("sendMessage", "delay", times=1, delay=3)  # the first reply is slow
    commands = ["/help", "/privacy", "/help", "/privacy"]
    posted = [served.emu.send_text(USER, c) for c in commands]
    for update in posted:  # in order, each answered before the next: none waits for handling
        response = await asyncio.wait_for(served.post(update), 2.5)
        assert response.status_code == 200
    await served.emu.wait_until(lambda: len(served.emu.sent(USER)) >= 4 or None, 15)
    said = [HELP if HELP in (m.text or "") else PRIVACY for m in served.emu.sent(USER)]
    assert said == [HELP, PRIVACY, HELP, PRIVACY]
    await eventually(lambda: all(done for _, done, _ in served.inbox()), "all finished")
    assert len(served.inbox()) == 4
