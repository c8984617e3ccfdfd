"""Replies as Telegram text and markup, and the one function that sends them."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True, slots=True)
class Drawing:
    """Back Coach's drawing of a move (``slug``: a looping animation), or of all seven on
    one sheet (``slug`` None: a picture)."""

    slug: str | None = None
    language: str = "en"  # of its labels and caption: the message's, which it carries


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send: Telegram HTML text and an optional keyboard; ``alone``: a
    safety message, sent as a message of its own (services.outcome.Say); with a
    ``drawing``, the text is its caption (conversations/moves.py sends it)."""

    text: str
    markup: Markup | None = None
    alone: bool = False
    drawing: Drawing | None = None


async def send_all(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send replies in order."""
    for reply in replies:
        await bot.send_message(chat_id, reply.text, parse_mode="HTML", reply_markup=reply.markup)
