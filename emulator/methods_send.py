"""Bot API methods that send, edit and delete messages."""

from __future__ import annotations

import itertools
import mimetypes
from typing import Any

from emulator.errors import bad_request
from emulator.models import Chat, Edit, SentMessage
from emulator.params import Params, Upload
from emulator.state import BotState, now
from emulator.validate import formatted, reply_markup, same_markup

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")
# sendAnimation takes a GIF or a soundless MPEG-4 video ("ftyp" at byte 4).
UPLOAD_LIMIT = 50 * 1024 * 1024  # Telegram's limit on a file a bot uploads (multipart)
_file_ids = itertools.count(1)


def _reply_to(state: BotState, chat: Chat, params: Params) -> int | None:
    reply = params.get_json("reply_parameters", "can't parse reply parameters JSON object")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    message_id = message_id or params.get_int("reply_to_message_id")
    if message_id is None:
        return None
    exists = (chat.id, message_id) in state.inbox or state.find(chat.id, message_id)
    lenient = isinstance(reply, dict) and reply.get("allow_sending_without_reply")
    if not exists and not lenient and not params.get_bool("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return message_id if exists else None


async def send_message(state: BotState, params: Params) -> Any:
    """sendMessage."""
    chat = state.chat_for_bot(params)
    text, entities, mode = formatted(params, "text", strict=state.strict_html)
    markup = reply_markup(params)
    message = SentMessage(
        chat.id, 0, "text", now(), text, params.get_str("text"), mode, entities, markup
    )
    message.reply_to_message_id = _reply_to(state, chat, params)
    message.message_id = state.next_message_id(chat.id)
    return state.message_json(state.record(message))


def _animation(content: bytes) -> bool:
    return content.startswith(b"GIF8") or content[4:8] == b"ftyp"


def _media(state: BotState, params: Params, name: str) -> tuple[Upload, str | None]:
    """The file in ``name``: an upload, ``attach://x``, a known file_id or a URL."""
    value = params.get_str(name)
    if name in params.files:
        return params.files[name], None
    if value and value.startswith("attach://") and value[9:] in params.files:
        return params.files[value[9:]], None
    if value and value in state.files:
        old = state.files[value]
        if "photo" in (old.kind, name) and old.kind != name:
            raise bad_request("type of file mismatch")  # a photo's id is no animation's
        return Upload(old.filename or name, old.file or b"", old.mime_type or ""), value
    if value and value.startswith(("http://", "https://")):
        return Upload(value.rsplit("/", 1)[-1], b"", ""), None
    if value:
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(f"there is no {name} in the request")


async def _send_file(state: BotState, params: Params, kind: str) -> Any:
    chat = state.chat_for_bot(params)
    upload, file_id = _media(state, params, kind)
    if file_id is None and not upload.content and params.files:
        raise bad_request("file must be non-empty")
    if len(upload.content) > UPLOAD_LIMIT:
        raise bad_request("file is too big")
    if kind == "photo" and params.files and not upload.content.startswith(IMAGE_MAGIC):
        raise bad_request("IMAGE_PROCESS_FAILED")
    if kind == "animation" and file_id is None and params.files and not _animation(upload.content):
        raise bad_request("wrong type of the animation: send a GIF or an MPEG-4 video")
    caption, entities, mode = formatted(params, "caption", strict=state.strict_html, caption=True)
    mime = upload.content_type
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(upload.filename)[0] or mime or "application/octet-stream"
    message = SentMessage(
        chat.id, 0, kind, now(), caption or None, params.get_str("caption"), mode, entities
    )
    message.reply_markup = reply_markup(params)
    message.file, message.filename, message.mime_type = upload.content, upload.filename, mime
    message.file_id = file_id or f"emu-{kind}-{next(_file_ids)}"
    message.reply_to_message_id = _reply_to(state, chat, params)
    message.message_id = state.next_message_id(chat.id)
    return state.message_json(state.record(message))


async def send_photo(state: BotState, params: Params) -> Any:
    """sendPhoto."""
    return await _send_file(state, params, "photo")


async def send_document(state: BotState, params: Params) -> Any:
    """sendDocument."""
    return await _send_file(state, params, "document")


async def send_animation(state: BotState, params: Params) -> Any:
    """sendAnimation: a GIF or a soundless MPEG-4 video, uploaded or by file_id."""
    return await _send_file(state, params, "animation")


def _editable(state: BotState, params: Params) -> SentMessage:
    if params.get_str("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
    chat = state.chat_for_bot(params)
    message_id = params.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    if (chat.id, message_id) in state.inbox:
        raise bad_request("message can't be edited")
    message = state.find(chat.id, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    return message


def _apply_edit(
    state: BotState, message: SentMessage, method: str, markup: dict[str, Any] | None
) -> Any:
    message.reply_markup = markup
    message.edit_date = now()
    state.edits.append(Edit(message.chat_id, message.message_id, method, message.text, markup))
    state.notify()
    return state.message_json(message)


async def edit_message_text(state: BotState, params: Params) -> Any:
    """editMessageText; leaving out reply_markup removes the keyboard, as on Telegram."""
    message = _editable(state, params)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    text, entities, mode = formatted(params, "text", strict=state.strict_html)
    markup = reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    same_text = (text, entities) == (message.text, message.entities)
    if same_text and same_markup(markup, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    message.text, message.raw_text, message.parse_mode = text, params.get_str("text"), mode
    message.entities = entities
    return _apply_edit(state, message, "editMessageText", markup)


async def edit_message_reply_markup(state: BotState, params: Params) -> Any:
    """editMessageReplyMarkup."""
    message = _editable(state, params)
    markup = reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    if same_markup(markup, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(state, message, "editMessageReplyMarkup", markup)


async def delete_message(state: BotState, params: Params) -> Any:
    """deleteMessage: the bot's own messages and, in private chats, the person's."""
    chat = state.chat_for_bot(params)
    message_id = params.get_int("message_id")
    message = state.find(chat.id, message_id)
    if message is not None:
        message.deleted = True
    elif state.inbox.pop((chat.id, message_id or 0), None) is None:
        raise bad_request("message to delete not found")
    state.notify()
    return True
