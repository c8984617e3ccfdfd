"""What people do in the emulated chats; each action becomes an update for the bot."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from emulator.html import utf16_len
from emulator.models import Chat, OpenQuery, User
from emulator.state import now
from emulator.waiting import Inspection

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?")
_query_ids = itertools.count(4_000_000_000_000_000_001)


class UserActions(Inspection):
    """People writing, pressing buttons, sharing locations and blocking the bot."""

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> User:
        """Register (or replace) a person; unknown ones are created on their first action."""
        user = User(user_id, first_name or f"Tester{user_id}", last_name, username, language_code)
        self.users[user_id] = user
        return user

    def open_chat(self, user_id: int) -> None:
        """The person started the bot some time ago: the bot may write to them, no update."""
        self._chat(self._user(user_id), "private", None)

    def _user(self, user_id: int) -> User:
        return self.users.get(user_id) or self.add_user(user_id, username=f"tester{user_id}")

    def _chat(self, user: User, chat_type: str, chat_id: int | None) -> Chat:
        if chat_type == "private":
            if chat_id not in (None, user.id):
                raise ValueError("a private chat's id is the person's id")
            chat_id = user.id
        elif chat_type in ("group", "supergroup"):
            chat_id = chat_id if chat_id is not None else -user.id
            if chat_id >= 0:
                raise ValueError("group chat ids are negative")
        else:
            raise ValueError(f"unsupported chat type {chat_type!r}")
        if chat_id in self.blocked and chat_type == "private":
            self.unblock_chat(chat_id)  # writing to a bot one blocked means unblocking it
        chat = self.chats.get(chat_id) or Chat(chat_id, chat_type, user=user)
        if chat_type != "private" and chat.title is None:
            chat.title = f"Test group {-chat_id}"
        self.chats[chat_id] = chat
        return chat

    def _message(self, user_id: int, chat_type: str, chat_id: int | None) -> dict[str, Any]:
        user = self._user(user_id)
        chat = self._chat(user, chat_type, chat_id)
        message_id = self.next_message_id(chat.id)
        message = {
            "message_id": message_id,
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": now(),
        }
        self.inbox[(chat.id, message_id)] = message
        self.flood.person_acted(chat.id)
        return message

    def send_text(
        self, user_id: int, text: str, *, chat_type: str = "private", chat_id: int | None = None
    ) -> dict[str, Any]:
        """The person writes ``text``; a leading command gets its bot_command entity."""
        message = self._message(user_id, chat_type, chat_id)
        message["text"] = text
        command = _COMMAND.match(text)
        if command:
            length = utf16_len(command.group(0))
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.updates.push("message", message)

    def share_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The person shares a location (private chat unless ``chat_id`` names a group)."""
        chat_type = "private" if chat_id is None or chat_id > 0 else "group"
        message = self._message(user_id, chat_type, chat_id)
        message["location"] = {"latitude": latitude, "longitude": longitude}
        return self.updates.push("message", message)

    def press_button(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The person presses a button of a bot message; any data may be sent (forgeries)."""
        chat_id = user_id if chat_id is None else chat_id
        message = self.find(chat_id, message_id)
        if message is None:
            raise LookupError(f"the bot has no message {message_id} in chat {chat_id}")
        query_id = str(next(_query_ids))
        self.flood.person_acted(chat_id)
        pressed = OpenQuery(callback_data, message_id, time.monotonic(), chat_id)
        self.open_callbacks[query_id] = pressed
        query = {
            "id": query_id,
            "from": self._user(user_id).to_api(),
            "message": self.message_json(message),
            "chat_instance": str(abs(hash((chat_id, self.bot.id)))),
            "data": callback_data,
        }
        return self.updates.push("callback_query", query)

    def block_chat(self, chat_id: int, *, notify: bool = True) -> None:
        """The person blocks the bot (or a group kicks it): sends to it answer 403."""
        self._member_update(chat_id, "kicked", notify)
        self.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int, *, notify: bool = True) -> None:
        """The person unblocks the bot."""
        self.blocked.discard(chat_id)
        self._member_update(chat_id, "member", notify)

    def _member_update(self, chat_id: int, status: str, notify: bool) -> None:
        chat = self.chats.get(chat_id)
        if not notify or chat is None:
            return
        actor = chat.user or self._user(abs(chat_id))
        old = "member" if status == "kicked" else "kicked"
        bot = self.bot.to_api()
        member: dict[str, Any] = {"user": bot, "status": status}
        if status == "kicked":
            member["until_date"] = 0
        self.updates.push(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": actor.to_api(),
                "date": now(),
                "old_chat_member": {"user": bot, "status": old}
                | ({"until_date": 0} if old == "kicked" else {}),
                "new_chat_member": member,
            },
        )
