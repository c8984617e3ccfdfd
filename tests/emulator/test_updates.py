"""getUpdates long polling and the updates people's actions produce."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from telegram import Bot
from telegram.error import Conflict

from emulator import BotApiEmulator
from tests.emulator.conftest import USER


async def test_long_poll_returns_an_update_enqueued_after_it_started(
    emu: BotApiEmulator, bot: Bot
) -> None:
    await bot.get_updates(offset=-1)
    pending = await bot.get_updates(offset=emu.updates.pending[-1]["update_id"] + 1)
    assert pending == ()
    poll = asyncio.create_task(bot.get_updates(offset=2, timeout=5))
    await emu.wait_until(lambda: emu.calls_of("getUpdates")[2:] or None, 2, lambda: "no poll")
    assert not poll.done()
    started = time.monotonic()
    emu.send_text(USER, "/checkin")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["/checkin"]


async def test_long_poll_times_out_empty(raw: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await raw.post("getUpdates", json={"offset": 100, "timeout": 0.3})
    assert response.json() == {"ok": True, "result": []}
    assert 0.25 < time.monotonic() - started < 2


async def test_offset_acknowledges_earlier_updates(emu: BotApiEmulator, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        emu.send_text(USER, text)
    first = await bot.get_updates()
    assert [u.update_id for u in first] == [1, 2, 3, 4]
    again = await bot.get_updates()
    assert len(again) == 4  # not acknowledged yet: delivered again
    rest = await bot.get_updates(offset=3)
    assert [u.update_id for u in rest] == [3, 4]
    assert [u["update_id"] for u in emu.updates.pending] == [3, 4]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [3]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [4]
    assert await bot.get_updates(offset=5) == ()
    assert emu.updates.pending == []


async def test_limit_is_at_most_100(emu: BotApiEmulator, bot: Bot) -> None:
    for n in range(150):
        emu.send_text(USER, str(n))
    assert len(await bot.get_updates(limit=1000)) == 100


async def test_allowed_updates_filter_and_stick(emu: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(USER, "pick", reply_markup=None)
    emu.press_button(USER, message.message_id, "anything")
    only_callbacks = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_callbacks if u.callback_query] == ["anything"]
    assert len(await bot.get_updates()) == 1  # the setting sticks until changed
    assert len(await bot.get_updates(allowed_updates=[])) == 2  # back to the default


async def test_a_second_poller_terminates_the_first(
    emu: BotApiEmulator, bot: Bot, raw: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(bot.get_updates(offset=50, timeout=5))
    await emu.wait_until(lambda: emu.calls_of("getUpdates") or None, 2, lambda: "no poll")
    second = await raw.post("getUpdates", json={"offset": 50})  # e.g. a second bot process
    assert second.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)


async def test_delete_webhook_can_drop_pending_updates(emu: BotApiEmulator, bot: Bot) -> None:
    assert emu.updates.pending
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert emu.updates.pending == []
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_user_actions_look_like_telegram_updates(emu: BotApiEmulator, bot: Bot) -> None:
    emu.add_user(5, "Ana", last_name="Silva", username="ana", language_code="pt")
    emu.send_text(5, "/start@back_coach_bot now")
    emu.send_text(5, "/why", chat_type="group", chat_id=-100)
    emu.share_location(5, 52.52, 13.405)
    updates = (await bot.get_updates(offset=2))[:3]
    command, group, location = (u.message for u in updates)
    assert command is not None and group is not None and location is not None
    assert command.from_user is not None and command.from_user.first_name == "Ana"
    assert command.from_user.language_code == "pt"
    assert command.chat.type == "private" and command.chat.id == 5
    assert command.parse_entities() == {command.entities[0]: "/start@back_coach_bot"}
    assert command.entities[0].type == "bot_command"
    assert (group.chat.id, group.chat.type) == (-100, "group")
    assert group.chat.title
    assert location.location is not None and location.location.latitude == 52.52


async def test_forged_button_presses_and_unknown_messages(emu: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(USER, "plan")
    update = emu.press_button(USER, message.message_id, "forged:" + "x" * 100)
    assert update["callback_query"]["data"].startswith("forged:")
    with pytest.raises(LookupError):
        emu.press_button(USER, 999, "x")


async def test_stop_answers_a_waiting_long_poll_at_once() -> None:
    emu = BotApiEmulator()
    await emu.start()
    async with httpx.AsyncClient() as client:
        url = f"{emu.base_url}{emu.token}/getUpdates"
        poll = asyncio.create_task(client.post(url, json={"timeout": 30}))
        await emu.wait_until(lambda: emu.calls or None, 2, lambda: "no poll")
        started = time.monotonic()
        await emu.stop()
        response = await asyncio.wait_for(poll, 2)
    assert response.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 1
