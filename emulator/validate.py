"""Telegram's checks on message text, captions and reply markup."""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import bad_request
from emulator.html import HtmlError, parse_html, utf16_len
from emulator.markdown import MarkdownError, parse_markdown, parse_markdown_v2
from emulator.params import Params

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTONS = 100
MAX_CALLBACK_DATA = 64
# An inline button needs exactly one of these besides "text".
BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def formatted(
    params: Params, name: str, *, strict: bool, caption: bool = False
) -> tuple[str, list[dict[str, Any]], str | None]:
    """Plain text, entities and parse_mode of ``name`` after Telegram's parsing and limits."""
    raw = params.get_str(name) or ""
    mode = params.get_str("parse_mode") or None
    entities_name = "caption_entities" if caption else "entities"
    entities: list[dict[str, Any]] = params.get_json(entities_name, "can't parse entities") or []
    if mode is not None and mode.lower() == "html":
        try:
            plain, entities = parse_html(raw, strict=strict)
        except HtmlError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode is not None and mode.lower() in ("markdown", "markdownv2"):
        parse = parse_markdown_v2 if mode.lower() == "markdownv2" else parse_markdown
        try:
            plain, entities = parse(raw)
        except MarkdownError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode is not None:
        raise bad_request(f"unsupported parse_mode {mode!r}")
    else:
        plain = raw
    if caption:
        if utf16_len(plain) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    elif not plain.strip():
        raise bad_request("message text is empty")
    elif utf16_len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return plain, entities, mode


def reply_markup(params: Params) -> dict[str, Any] | None:
    """The validated ``reply_markup`` (a JSON string in forms), or None."""
    markup = params.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        _inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _reply_keyboard(markup["keyboard"])
    elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _rows(rows: Any, field: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" must be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _inline_keyboard(rows: Any) -> None:
    for row in _rows(rows, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: object expected")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            actions = BUTTON_ACTIONS & button.keys()
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if len(actions) > 1:  # Telegram's docs: exactly one of the optional fields
                found = ", ".join(f'"{name}"' for name in sorted(actions))
                raise bad_request(
                    "can't parse inline keyboard button: "
                    f"exactly one of the optional fields must be used, found {found}"
                )
            if "callback_data" in actions:
                data = button["callback_data"]
                size = len(data.encode()) if isinstance(data, str) else 0
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in actions and not str(button["url"]).startswith(
                ("http://", "https://", "tg://")
            ):
                raise bad_request("BUTTON_URL_INVALID")


def _reply_keyboard(rows: Any) -> None:
    for row in _rows(rows, "keyboard"):
        for button in row:
            text = button if isinstance(button, str) else None
            if isinstance(button, dict):
                text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse keyboard button: Text must be non-empty")


def same_markup(first: dict[str, Any] | None, second: dict[str, Any] | None) -> bool:
    """Whether two markups would render the same inline keyboard."""
    return json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
