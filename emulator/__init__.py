"""A local Telegram Bot API server for end-to-end tests and the console chat.

async with BotApiEmulator() as emu:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    ...  # start the application and its polling
    emu.send_text(42, "/start")
    reply = await emu.wait_for(42, lambda m: "Welcome" in (m.text or ""))
    emu.press_button(42, reply.message_id, reply.data_for("Continue"))
    emu.fail("sendMessage", FaultKind.RETRY_AFTER, chat_id=42, retry_after=3)
"""

from __future__ import annotations

from emulator.emulator import DEFAULT_TOKEN, BotApiEmulator
from emulator.faults import Fault, FaultKind
from emulator.models import ApiCall, CallbackAnswer, Edit, SentMessage, User

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiEmulator",
    "CallbackAnswer",
    "Edit",
    "Fault",
    "FaultKind",
    "SentMessage",
    "User",
]
