"""Bot API methods other than sending: identity, updates, callbacks, commands, webhook."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from emulator import methods_send
from emulator.errors import ApiError, bad_request
from emulator.models import CallbackAnswer, Webhook
from emulator.params import Params
from emulator.state import BotState

Method = Callable[[BotState, Params], Awaitable[Any]]
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_CALLBACK_TEXT = 200
# setWebhook: Telegram posts only to these ports, with a secret of 1-256 such characters.
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_ACTIVE = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)


async def get_me(state: BotState, params: Params) -> Any:
    """getMe."""
    return {
        **state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(state: BotState, params: Params) -> Any:
    """getUpdates: long polling with offset, limit (1-100), timeout and allowed_updates;
    refused while a webhook is set, as Telegram does."""
    if state.webhook is not None:
        raise WEBHOOK_ACTIVE
    limit = min(max(params.get_int("limit") or 100, 1), 100)
    allowed = params.get_json("allowed_updates", "can't parse allowed updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("allowed_updates must be an Array")
    return await state.updates.get(
        params.get_int("offset") or 0, limit, params.get_float("timeout", 0.0), allowed
    )


async def answer_callback_query(state: BotState, params: Params) -> Any:
    """answerCallbackQuery: each query once and in time, as Telegram does."""
    query_id = params.get_str("callback_query_id") or ""
    query = state.open_callbacks.get(query_id)
    if query is None:
        raise bad_request(QUERY_INVALID)  # unknown, or answered already
    if time.monotonic() - query.pressed_at > state.callback_query_timeout:
        del state.open_callbacks[query_id]
        raise bad_request(QUERY_INVALID)
    text = params.get_str("text")
    if text is not None and len(text) > MAX_CALLBACK_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")  # the query stays open: the bot may retry
    del state.open_callbacks[query_id]
    answer = CallbackAnswer(
        query_id,
        query.data,
        query.message_id,
        text,
        params.get_bool("show_alert"),
        query.chat_id,
        time.monotonic(),
    )
    state.answered_callbacks.append(answer)
    state.notify()
    return True


def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.get_json("scope", "can't parse BotCommandScope JSON object") or {
        "type": "default"
    }
    return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""


async def set_my_commands(state: BotState, params: Params) -> Any:
    """setMyCommands: 1-32 characters a-z, 0-9, _; descriptions of 1-256 characters."""
    commands = params.get_json("commands", "can't parse commands JSON object")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be an Array of at most 100 BotCommand")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands = commands
    state.commands_by_scope[_scope_key(params)] = commands
    state.notify()
    return True


async def get_my_commands(state: BotState, params: Params) -> Any:
    """getMyCommands for a scope and language."""
    return state.commands_by_scope.get(_scope_key(params), [])


async def delete_my_commands(state: BotState, params: Params) -> Any:
    """deleteMyCommands."""
    state.commands_by_scope.pop(_scope_key(params), None)
    return True


async def set_webhook(state: BotState, params: Params) -> Any:
    """setWebhook: an HTTPS URL on a port Telegram posts to, an optional secret_token of
    1-256 characters A-Z a-z 0-9 _ -, allowed_updates as for getUpdates. The emulator only
    records it (tests post updates to the bot themselves); an empty URL removes it."""
    url = params.get_str("url") or ""
    if not url:
        return await delete_webhook(state, params)
    parsed = urlsplit(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parsed.port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.get_str("secret_token")
    if secret is not None and not SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.get_json("allowed_updates", "can't parse allowed updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("allowed_updates must be an Array")
    if params.get_bool("drop_pending_updates"):
        state.updates.drop_pending()
    state.webhook = Webhook(url, secret, tuple(allowed) if allowed else None)
    state.notify()
    return True


async def delete_webhook(state: BotState, params: Params) -> Any:
    """deleteWebhook; drop_pending_updates forgets the queue."""
    if params.get_bool("drop_pending_updates"):
        state.updates.drop_pending()
    state.webhook = None
    state.notify()
    return True


async def get_webhook_info(state: BotState, params: Params) -> Any:
    """getWebhookInfo: the webhook set, if any (its secret is never shown, as on Telegram)."""
    info: dict[str, Any] = {
        "url": state.webhook.url if state.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }
    if state.webhook is not None and state.webhook.allowed_updates is not None:
        info["allowed_updates"] = list(state.webhook.allowed_updates)
    return info


async def send_chat_action(state: BotState, params: Params) -> Any:
    """sendChatAction."""
    state.chat_for_bot(params)
    if params.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def ok(state: BotState, params: Params) -> Any:
    """close / logOut: nothing to do locally."""
    return True


# Telegram's method names are case-insensitive.
METHODS: dict[str, Method] = {
    name.lower(): method
    for name, method in {
        "getMe": get_me,
        "getUpdates": get_updates,
        "sendMessage": methods_send.send_message,
        "sendPhoto": methods_send.send_photo,
        "sendDocument": methods_send.send_document,
        "sendAnimation": methods_send.send_animation,
        "editMessageText": methods_send.edit_message_text,
        "editMessageReplyMarkup": methods_send.edit_message_reply_markup,
        "deleteMessage": methods_send.delete_message,
        "answerCallbackQuery": answer_callback_query,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
        "sendChatAction": send_chat_action,
        "close": ok,
        "logOut": ok,
    }.items()
}
