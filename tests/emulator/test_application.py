"""The real PTB Application, polling the emulator over HTTP."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from emulator import BotApiEmulator


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Welcome to Back Coach")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(f"got {update.callback_query.data}")


@pytest.mark.e2e
async def test_application_answers_start_over_http(emu: BotApiEmulator) -> None:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        emu.send_text(42, "/start")
        reply = await emu.wait_for(42, timeout=5)
        assert reply.text == "Welcome to Back Coach"
        emu.press_button(42, reply.message_id, "anything")
        answer = await emu.wait_until(lambda: emu.answered_callbacks or None, 5)
        assert answer[0].text == "got anything"
        await app.updater.stop()
        await app.stop()
    assert emu.updates.pending == []  # PTB acknowledged what it handled on the way out
    assert emu.calls_of("deleteWebhook")
