"""What the emulated Telegram knows: chats, the bot's messages, calls; and waiting on them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from emulator.errors import bad_request, forbidden
from emulator.flood import FloodControl
from emulator.models import (
    ApiCall,
    CallbackAnswer,
    Chat,
    Edit,
    OpenQuery,
    SentMessage,
    User,
    Webhook,
)
from emulator.paid import PaidBroadcasts
from emulator.params import Params
from emulator.updates import UpdateQueue


def now() -> int:
    """Telegram's ``date``: Unix time in seconds."""
    return int(time.time())


class BotState:
    """The server-side state of one bot; user actions and API methods both change it."""

    def __init__(
        self,
        token: str,
        *,
        bot_name: str,
        bot_username: str,
        strict_html: bool,
        callback_query_timeout: float,
        flood: FloodControl | None = None,
        paid: PaidBroadcasts | None = None,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot = User(
            int(prefix) if prefix.isdigit() else 1,
            bot_name,
            username=bot_username,
            language_code=None,
            is_bot=True,
        )
        self.strict_html = strict_html
        # Seconds after a press within which answerCallbackQuery is accepted; may be changed.
        self.callback_query_timeout = callback_query_timeout
        self.flood = flood or FloodControl()
        # The Stars balance paid broadcasts are billed to, and how many were paid for.
        self.paid = paid or PaidBroadcasts()
        self.updates = UpdateQueue()
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.blocked: set[int] = set()
        self.inbox: dict[tuple[int, int], dict[str, Any]] = {}  # people's messages
        self.edits: list[Edit] = []
        self.answered_callbacks: list[CallbackAnswer] = []
        self.open_callbacks: dict[str, OpenQuery] = {}
        self.commands: list[dict[str, Any]] = []
        self.commands_by_scope: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.calls: list[ApiCall] = []
        self.files: dict[str, SentMessage] = {}
        self.webhook: Webhook | None = None  # set by setWebhook; getUpdates refuses then
        self._messages: dict[int, list[SentMessage]] = {}
        self._last_id: dict[int, int] = {}
        self._changed = asyncio.Event()

    def notify(self) -> None:
        """Wake every ``wait_until``; called after any change."""
        self._changed.set()
        self._changed = asyncio.Event()

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, shared by the person's and the bot's messages."""
        self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        return self._last_id[chat_id]

    def last_message_id(self, chat_id: int) -> int:
        """The newest message id in the chat (0 if none)."""
        return self._last_id.get(chat_id, 0)

    def chat_for_bot(self, params: Params) -> Chat:
        """The chat a call addresses, or Telegram's 400/403 answer."""
        raw = params.values.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None  # e.g. an unknown "@username"
        if chat_id in self.blocked:
            chat = self.chats.get(chat_id)
            if chat is not None and chat.type != "private":
                raise forbidden("bot was kicked from the group chat")
            raise forbidden("bot was blocked by the user")
        if chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def record(self, message: SentMessage) -> SentMessage:
        """Keep a message the bot sent."""
        self._messages.setdefault(message.chat_id, []).append(message)
        if message.file_id:
            self.files[message.file_id] = message
        self.notify()
        return message

    def find(self, chat_id: int, message_id: int | None) -> SentMessage | None:
        """The bot's message, if it exists and was not deleted."""
        for message in self._messages.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def message_json(self, message: SentMessage) -> dict[str, Any]:
        """The Message object Telegram returns for a bot message."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot.to_api(),
            "chat": self.chats[message.chat_id].to_api(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        reply = self.inbox.get((message.chat_id, message.reply_to_message_id or 0))
        if reply is not None:
            data["reply_to_message"] = reply
        text_key = "text" if message.kind == "text" else "caption"
        if message.text:
            data[text_key] = message.text
        if message.entities:
            data["entities" if message.kind == "text" else "caption_entities"] = message.entities
        if message.kind == "photo":
            data["photo"] = [self.photo_size(message)]
        elif message.kind == "document":
            data["document"] = self.document(message)
        elif message.kind == "animation":  # Telegram sends both: clients that know, and not
            data["animation"] = self.animation(message)
            data["document"] = self.document(message)
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup  # only inline keyboards are echoed
        return data

    @staticmethod
    def document(message: SentMessage) -> dict[str, Any]:
        """A Document object."""
        return {
            "file_id": message.file_id,
            "file_unique_id": f"u{message.file_id}",
            "file_name": message.filename,
            "mime_type": message.mime_type,
            "file_size": len(message.file or b""),
        }

    @staticmethod
    def animation(message: SentMessage) -> dict[str, Any]:
        """An Animation object; a GIF's size is read from its header, its length from its
        frames' delays."""
        data = message.file or b""
        gif = data.startswith(b"GIF8") and len(data) >= 10
        return {
            "file_id": message.file_id,
            "file_unique_id": f"u{message.file_id}",
            "width": int.from_bytes(data[6:8], "little") if gif else 320,
            "height": int.from_bytes(data[8:10], "little") if gif else 240,
            "duration": gif_seconds(data) if gif else 1,
            "file_name": message.filename,
            "mime_type": message.mime_type,
            "file_size": len(data),
        }

    @staticmethod
    def photo_size(message: SentMessage) -> dict[str, Any]:
        """One PhotoSize; PNG dimensions are read from the header, others are nominal."""
        data = message.file or b""
        png = data.startswith(b"\x89PNG") and len(data) >= 24
        width = int.from_bytes(data[16:20], "big") if png else 800
        height = int.from_bytes(data[20:24], "big") if png else 600
        return {
            "file_id": message.file_id,
            "file_unique_id": f"u{message.file_id}",
            "width": width,
            "height": height,
            "file_size": len(data),
        }


def gif_seconds(data: bytes) -> int:
    """A GIF's length in whole seconds (at least 1), from its frames' delays (graphic control
    extensions: 0x21 0xF9 0x04, flags, delay in hundredths, little-endian)."""
    hundredths, at = 0, data.find(b"\x21\xf9\x04")
    while at != -1 and at + 6 <= len(data):
        hundredths += int.from_bytes(data[at + 4 : at + 6], "little")
        at = data.find(b"\x21\xf9\x04", at + 8)
    return max(1, round(hundredths / 100))
