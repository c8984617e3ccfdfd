"""The bot's aiohttp transport against the emulator over real HTTP: what arrives, what a
failure raises, and that no failure names the token."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import traceback

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from conversations.sending import retryable
from conversations.transport import AiohttpRequest
from emulator import BotApiEmulator

USER = 1001
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # every byte value, past the magic


def _bot(emu: BotApiEmulator, **options: float) -> Bot:
    return Bot(emu.token, base_url=emu.base_url, request=AiohttpRequest(**options))  # type: ignore[arg-type]


async def test_text_keyboards_and_files_arrive_as_sent(emu: BotApiEmulator) -> None:
    emu.send_text(USER, "hi")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ça va — 3/10", callback_data="3")]])
    async with _bot(emu) as bot:
        text = await bot.send_message(USER, "Rücken & <b>Ruhe</b> 🙂", reply_markup=keyboard)
        photo = await bot.send_photo(USER, io.BytesIO(PNG), caption="Schmerz, 4 Wochen")
        document = await bot.send_document(
            USER, io.BytesIO(b"day,pain\n2026-03-02,3\n"), filename="mein rücken.csv"
        )
    sent = {m.message_id: m for m in emu.sent(USER)}
    assert sent[text.message_id].text == "Rücken & <b>Ruhe</b> 🙂"
    assert sent[text.message_id].reply_markup == keyboard.to_dict()
    assert (sent[photo.message_id].file, sent[photo.message_id].text) == (PNG, "Schmerz, 4 Wochen")
    assert sent[document.message_id].file == b"day,pain\n2026-03-02,3\n"
    assert sent[document.message_id].filename == "mein rücken.csv"


async def test_a_slow_answer_times_out_and_may_have_been_delivered(emu: BotApiEmulator) -> None:
    emu.send_text(USER, "hi")
    emu.fail("sendMessage", "delay", chat_id=USER, delay=5)
    async with _bot(emu, read_timeout=0.3, write_timeout=0.2) as bot:
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(USER, "late")
    assert not retryable(raised.value)  # the message reached the server: never resend
    assert emu.token not in str(raised.value)


async def test_a_refused_connection_never_left_and_is_safe_to_send_again() -> None:
    with socket.socket() as placeholder:  # a port nothing listens on
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    token = "123456:secret-part-of-the-token"
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{token}/getMe")
    assert retryable(raised.value)
    assert "secret-part-of-the-token" not in str(raised.value)


async def test_a_full_pool_times_out_without_sending(emu: BotApiEmulator) -> None:
    emu.send_text(USER, "hi")
    emu.fail("sendMessage", "delay", chat_id=USER, delay=2)
    async with _bot(emu, connection_pool_size=1, pool_timeout=0.2, connect_timeout=0.1) as bot:
        holding = asyncio.create_task(bot.send_message(USER, "holds the only connection"))
        await emu.wait_until(lambda: emu.calls_of("sendMessage") or None, 5, lambda: "no call")
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(USER, "waits for a connection")
        await holding
    assert retryable(raised.value)  # it never left: sending again is safe
    assert [c.params["text"] for c in emu.calls_of("sendMessage")] == ["holds the only connection"]


async def test_each_request_is_logged_by_method_never_by_url(
    emu: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="conversations.transport")
    async with _bot(emu) as bot:
        await bot.get_me()
    lines = [r.getMessage() for r in caplog.records if r.name == "conversations.transport"]
    assert "HTTP Request: POST getMe 200" in lines
    assert all(emu.token not in line for line in lines)


async def test_a_request_before_initialize_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/botx/getMe", "POST")


async def test_a_malformed_url_is_refused_without_showing_it() -> None:
    token = "123456:secret-part-of-the-token"
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://[::1/bot{token}/getMe")
    shown = "".join(traceback.format_exception(raised.value))
    assert "InvalidURL" in shown
    assert "secret-part-of-the-token" not in shown
