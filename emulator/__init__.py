"""A local Telegram Bot API server for end-to-end tests and the console chat.

async with BotApiEmulator() as emu:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    ...  # start the application and its polling
    emu.send_text(42, "/start")
    reply = await emu.wait_for(42, lambda m: "Welcome" in (m.text or ""))
    emu.press_button(42, reply.message_id, reply.data_for("Continue"))
    emu.fail("sendMessage", FaultKind.RETRY_AFTER, chat_id=42, retry_after=3)

It is as strict as Telegram where the bot could get it wrong: HTML, MarkdownV2 and Markdown
are parsed (``html.py``, ``markdown.py``); text, caption, button and toast lengths are
checked; an inline button has exactly one action; a button press must be answered once,
within ``callback_query_timeout`` seconds (default 15, an attribute tests may change);
sending and editing go through flood control (``flood.py``: per chat a burst of 20 then
1/s, each of the person's actions crediting 2 s of their time; overall 100 then 30/s;
``BotApiEmulator(flood_control=False)`` or ``emu.flood.enabled = False`` switches it off).
A message sent with ``allow_paid_broadcast`` is a paid broadcast (``paid.py``): up to 1,000
a second outside the global bucket, each billed 0.1 Star to ``stars_balance`` (None: never
runs out) and counted in ``emu.paid.sent``; once the balance cannot pay, Telegram's
``400 Bad Request: BALANCE_TOO_LOW``.
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
