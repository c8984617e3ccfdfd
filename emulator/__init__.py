"""A local Telegram Bot API server for end-to-end tests and the console chat."""

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
