"""Sending, editing and answering through PTB's real Bot over HTTP."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from emulator import BotApiEmulator
from emulator.state import BotState
from tests.emulator.conftest import USER


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"act:{label}") for label in labels]]
    )


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 3 + b"\x00" + b"\x00\xff\x00" * 3)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_get_me_is_the_bot(emu: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == int(emu.token.split(":")[0])
    assert me.username == "back_coach_bot"
    assert emu.base_url.endswith("/bot")


async def test_send_message_returns_a_telegram_message(emu: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(USER, "<b>Pain</b> today &amp; now?", parse_mode="HTML")
    assert message.message_id == 2  # the person's "hi" was message 1
    assert message.chat.id == USER
    assert message.chat.type == "private"
    assert message.from_user is not None and message.from_user.is_bot
    assert message.text == "Pain today & now?"
    assert message.entities[0].type == "bold"
    assert message.date.year >= 2024
    sent = emu.sent(USER)
    assert [m.text for m in sent] == ["Pain today & now?"]
    assert sent[0].raw_text == "<b>Pain</b> today &amp; now?"
    assert sent[0].parse_mode == "HTML"


async def test_message_ids_count_up_per_chat(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(2002, "hello")
    first = await bot.send_message(USER, "one")
    second = await bot.send_message(USER, "two")
    other = await bot.send_message(2002, "other")
    assert (first.message_id, second.message_id, other.message_id) == (2, 3, 2)


async def test_edit_and_markup_and_callback_answer(emu: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(USER, "Rate your pain", reply_markup=keyboard("0", "1"))
    assert message.reply_markup == keyboard("0", "1")
    assert emu.sent(USER)[0].data_for("1") == "act:1"

    update = emu.press_button(USER, message.message_id, "act:1")
    query = update["callback_query"]
    assert query["message"]["message_id"] == message.message_id
    assert query["from"]["first_name"]
    assert await bot.answer_callback_query(query["id"], text="Saved")
    assert emu.answered_callbacks[0].text == "Saved"
    assert emu.answered_callbacks[0].data == "act:1"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query["id"])  # each query is answered once

    edited = await bot.edit_message_text(
        "Pain 1 saved", chat_id=USER, message_id=message.message_id, reply_markup=keyboard("Undo")
    )
    assert isinstance(edited, Message)
    assert edited.text == "Pain 1 saved"
    assert edited.edit_date is not None
    await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
    current = emu.sent(USER)[0]
    assert (current.text, current.reply_markup) == ("Pain 1 saved", None)
    assert [e.method for e in emu.edits] == ["editMessageText", "editMessageReplyMarkup"]


async def test_edit_errors(emu: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(USER, "Same", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=99)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Same", chat_id=USER, message_id=message.message_id, reply_markup=keyboard("a")
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=USER, message_id=1)  # the person's message
    # Leaving reply_markup out of editMessageText removes the keyboard, as on Telegram.
    await bot.edit_message_text("Same", chat_id=USER, message_id=message.message_id)
    assert emu.sent(USER)[0].reply_markup is None


async def test_photo_upload_round_trip(emu: BotApiEmulator, bot: Bot) -> None:
    png = tiny_png()
    message = await bot.send_photo(
        USER, png, caption="<i>Pain</i> over time", parse_mode=ParseMode.HTML, filename="c.png"
    )
    assert message.photo[-1].width == 3
    assert message.photo[-1].height == 2
    assert message.caption == "Pain over time"
    sent = emu.sent(USER)[0]
    assert (sent.kind, sent.file, sent.filename) == ("photo", png, "c.png")
    again = await bot.send_photo(USER, message.photo[-1].file_id)  # re-send by file_id
    assert emu.sent(USER)[1].file == png
    assert again.photo[-1].file_id == message.photo[-1].file_id


async def test_document_upload_keeps_bytes_name_and_type(emu: BotApiEmulator, bot: Bot) -> None:
    data = b"date,pain\n2025-01-01,4\n"
    message = await bot.send_document(USER, data, filename="export.csv", caption="Your data")
    assert message.document is not None
    assert message.document.file_name == "export.csv"
    assert message.document.mime_type == "text/csv"
    assert message.document.file_size == len(data)
    sent = emu.sent(USER)[0]
    assert (sent.kind, sent.file, sent.text) == ("document", data, "Your data")


async def test_commands_actions_and_deletion(emu: BotApiEmulator, bot: Bot) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("checkin", "Rate your pain")]
    assert await bot.set_my_commands(commands)
    assert [c["command"] for c in emu.commands] == ["start", "checkin"]
    assert await bot.get_my_commands() == tuple(commands)
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Check-In", "bad name")])
    assert await bot.send_chat_action(USER, "typing")
    message = await bot.send_message(USER, "bye")
    assert await bot.delete_message(USER, message.message_id)
    assert emu.sent(USER)[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, message.message_id)
    assert [c.method for c in emu.calls][-3:] == ["sendMessage", "deleteMessage", "deleteMessage"]


async def test_wait_for_wakes_on_send_and_explains_timeouts(emu: BotApiEmulator, bot: Bot) -> None:
    first = await bot.send_message(USER, "first")
    waiting = asyncio.create_task(emu.wait_for(USER, lambda m: "second" in (m.text or "")))
    await asyncio.sleep(0)
    assert not waiting.done()
    await bot.send_message(USER, "second")
    assert (await asyncio.wait_for(waiting, 2)).text == "second"
    edited = asyncio.create_task(emu.wait_for(USER, lambda m: m.text == "first, edited"))
    await asyncio.sleep(0)
    await bot.edit_message_text("first, edited", chat_id=USER, message_id=first.message_id)
    assert (await asyncio.wait_for(edited, 2)).message_id == first.message_id
    assert (await emu.wait_for(USER, after=1)).text == "second"
    with pytest.raises(TimeoutError, match=r"(?s)after the first 2.*'first'.*'second'"):
        await emu.wait_for(USER, after=2, timeout=0.05)


def tiny_gif(frames: int = 3, hundredths: int = 50) -> bytes:
    from PIL import Image

    images = [Image.new("P", (4, 3), colour) for colour in range(frames)]
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:], duration=hundredths * 10
    )
    return buffer.getvalue()


async def test_animation_upload_then_by_file_id(emu: BotApiEmulator, bot: Bot) -> None:
    gif = tiny_gif(frames=4, hundredths=50)
    message = await bot.send_animation(
        USER, gif, caption="<b>Bar Hang</b>", parse_mode=ParseMode.HTML, filename="hang.gif"
    )
    assert message.animation is not None and message.document is not None
    assert (message.animation.width, message.animation.height) == (4, 3)
    assert message.animation.mime_type == "image/gif"
    assert message.caption == "Bar Hang"
    again = await bot.send_animation(USER, message.animation.file_id, caption="again")
    assert again.animation is not None
    assert again.animation.file_id == message.animation.file_id
    sent = emu.sent(USER)
    assert [(m.kind, m.file, m.filename) for m in sent] == [("animation", gif, "hang.gif")] * 2
    assert BotState.animation(sent[0])["duration"] == 2  # four frames of half a second
    calls = [c for c in emu.calls if c.method == "sendAnimation"]
    assert str(calls[0].params["animation"]).startswith("<upload 'hang.gif'")
    assert calls[1].params["animation"] == message.animation.file_id


async def test_animation_refuses_what_is_not_one(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong type of the animation"):
        await bot.send_animation(USER, tiny_png(), filename="still.png")
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_animation(USER, "no-such-file-id")
    photo = await bot.send_photo(USER, tiny_png(), filename="c.png")
    with pytest.raises(BadRequest, match=r"(?i)type of file mismatch"):
        await bot.send_animation(USER, photo.photo[-1].file_id)
    assert [m.kind for m in emu.sent(USER)] == ["photo"]
