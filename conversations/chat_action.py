"""What the bot is doing, shown in the chat while a chart or a PDF is being made.

Telegram shows a chat action ("sending a photo…") for about 5 seconds, or until the bot's
next message arrives; it is sent again every 4 seconds while the work lasts. Failing to
show it costs nothing but the hint: it is never retried, and never stops the work. It goes
in the rate limiter's hint lane: at once when Telegram's window has a slot to spare, else
not at all, so ten people asking for charts at once never take the slots of others' replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

from conversations.limiter import as_hint

log = logging.getLogger(__name__)

AGAIN_AFTER = 4.0  # seconds: within Telegram's 5 s display
# A hint the rate limiter dropped (Telegram's window had no slot to spare) is tried again
# this much later, not 4 s later: it shows as soon as the window eases.
DROPPED_AGAIN_AFTER = 0.5


@contextlib.asynccontextmanager
async def showing(bot: Bot, chat_id: int, action: ChatAction) -> AsyncIterator[None]:
    """Show ``action`` in the chat while the body runs."""

    async def keep_showing() -> None:
        while True:
            try:
                went = await bot.send_chat_action(chat_id, action, **as_hint(bot))
            except TelegramError as exc:
                log.info("could not show what the bot is doing: %s", type(exc).__name__)
                return
            await asyncio.sleep(AGAIN_AFTER if went else DROPPED_AGAIN_AFTER)

    shown = asyncio.create_task(keep_showing(), name="chat-action")
    try:
        yield
    finally:
        shown.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await shown
