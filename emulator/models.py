"""Plain records of what happened in the emulated chats, for tests to inspect."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """A Telegram user as the bot sees it in ``from``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The User object Telegram sends."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Chat:
    """A chat the bot knows because someone wrote to it from there."""

    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    user: User | None = None  # the other side of a private chat

    def to_api(self) -> dict[str, Any]:
        """The Chat object Telegram sends."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or f"Group {self.id}"
        return data


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (edits applied, ``deleted`` flagged)."""

    chat_id: int
    message_id: int
    kind: str  # "text", "photo", "document" or "animation"
    date: int
    text: str | None = None  # plain text (or caption) as the person reads it
    raw_text: str | None = None  # what the bot sent, markup included
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def data_for(self, label: str) -> str:
        """callback_data of the first inline button whose text contains ``label``."""
        for button in self.buttons:
            if label in button.get("text", "") and "callback_data" in button:
                return str(button["callback_data"])
        texts = [button.get("text") for button in self.buttons]
        raise LookupError(f"no button labelled {label!r} in message {self.message_id}: {texts}")

    def describe(self) -> str:
        """One readable line for failure dumps."""
        labels = [button.get("text") for button in self.buttons]
        flags = " (deleted)" if self.deleted else ""
        return f"#{self.message_id} {self.kind}{flags}: {self.text!r} buttons={labels}"


@dataclass(frozen=True)
class Edit:
    """One successful edit of a bot message."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    reply_markup: dict[str, Any] | None


@dataclass(frozen=True)
class OpenQuery:
    """A button press the bot has not answered yet."""

    data: str | None
    message_id: int | None
    pressed_at: float  # time.monotonic() of the press
    chat_id: int | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """One answerCallbackQuery call, with the press it answered."""

    callback_query_id: str
    data: str | None
    message_id: int | None
    text: str | None
    show_alert: bool
    chat_id: int | None = None  # the chat of the pressed message
    at: float = 0.0  # time.monotonic() of the answer


@dataclass
class ApiCall:
    """One HTTP call the bot made: method, parameters (uploads summarised) and outcome."""

    method: str
    params: dict[str, Any]
    outcome: str = "pending"  # "ok", "400 Bad Request: ...", "refused", "ok, dropped", ...
    # time.monotonic() when the call arrived: tests count calls per sliding second, and
    # benchmarks time replies from the call log.
    at: float = field(default_factory=time.monotonic)

    def describe(self) -> str:
        """One readable line for failure dumps."""
        return f"{self.method}({self.params}) -> {self.outcome}"


@dataclass(frozen=True)
class Webhook:
    """What setWebhook set: where Telegram would post, with which secret, which updates."""

    url: str
    secret_token: str | None
    allowed_updates: tuple[str, ...] | None
